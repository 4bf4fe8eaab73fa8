package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/hiwl/hiwl/model"
)

func galaxyMetrics(t *testing.T) *Metrics {
	t.Helper()
	m, err := FromConfusion(galaxyClasses, [][]int{
		{97, 3, 0, 0, 0}, // recall 97.00%
		{4, 90, 2, 1, 3}, // 90.00%
		{0, 3, 6, 1, 0},  // 60.00%
		{0, 0, 1, 48, 1}, // 96.00%
		{0, 2, 0, 0, 98}, // 98.00%
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestWriteText(t *testing.T) {
	var buf bytes.Buffer
	galaxyMetrics(t).WriteText(&buf)
	out := buf.String()
	for _, want := range []string{
		"360 samples, accuracy 94.17%", // 339/360
		"cigar-shaped smooth",
		"66.67%", // cigar precision 6/9
		"60.00%", // cigar recall
		"macro average",
		"88.20%", // macro recall (97+90+60+96+98)/5
		"[4] spiral",
		"confusion matrix",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("text lacks %q:\n%s", want, out)
		}
	}
	// Every per-class line is as wide as the header: the table is aligned.
	lines := strings.Split(out, "\n")
	var header string
	for i, l := range lines {
		if strings.HasPrefix(l, "class ") {
			header = l
			for _, row := range lines[i+1 : i+6] {
				if len(row) != len(header) {
					t.Errorf("row %q not aligned with header %q", row, header)
				}
			}
		}
	}
	if header == "" {
		t.Fatalf("no header in:\n%s", out)
	}
	t.Logf("\n%s", out)
}

func TestWriteTextUndefined(t *testing.T) {
	m, err := Compute([]string{"a", "b", "c"}, []int{0, 0, 0, 0, 1}, []int{0, 0, 2, 0, 0})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	m.WriteText(&buf)
	out := buf.String()
	if strings.Count(out, "n/a") != 2 || !strings.Contains(out, "zero support") || !strings.Contains(out, "never predicted") {
		t.Errorf("undefined figures not shown:\n%s", out)
	}
}

func TestCompareWithPaper(t *testing.T) {
	var buf bytes.Buffer
	galaxyMetrics(t).CompareWithPaper(&buf)
	out := buf.String()
	for _, want := range []string{
		"completely round smooth",
		"97.00%", "96.68%", "+0.32 pp", // round
		"60.00%", "58.62%", "+1.38 pp", // cigar
		"98.00%", "97.70%", "+0.30 pp", // spiral
		"88.20%", "88.36%", "-0.16 pp", // macro recall vs Zhu's mean of five
		"94.17%", "95.21%", "-1.04 pp", // overall vs Zhu
		"96.32%", "-2.15 pp", // overall vs HIWL paper
	} {
		if !strings.Contains(out, want) {
			t.Errorf("comparison lacks %q:\n%s", want, out)
		}
	}
	t.Logf("\n%s", out)

	// Slugs match too, and unknown classes are shown without a reference.
	m, err := FromConfusion([]string{"cigar", "something else"}, [][]int{{1, 1}, {0, 2}})
	if err != nil {
		t.Fatal(err)
	}
	buf.Reset()
	m.CompareWithPaper(&buf)
	out = buf.String()
	if !strings.Contains(out, "58.62%") || strings.Contains(out, "macro-average") {
		t.Errorf("partial class list:\n%s", out)
	}
	if !strings.Contains(out, "something else") {
		t.Errorf("unknown class missing:\n%s", out)
	}
}

// The paper table must keep naming the model's classes, or the comparison
// would silently print dashes.
func TestPaperTableMatchesModelClasses(t *testing.T) {
	if len(zhuPerClass) != model.NumClasses {
		t.Fatalf("%d paper classes, model has %d", len(zhuPerClass), model.NumClasses)
	}
	for i, c := range model.Classes {
		if zhuPerClass[i].name != c.String() || zhuPerClass[i].slug != c.Slug() {
			t.Errorf("paper class %d is %q/%q, model says %q/%q", i, zhuPerClass[i].name, zhuPerClass[i].slug, c.String(), c.Slug())
		}
		if galaxyClasses[i] != c.String() {
			t.Errorf("test class %d is %q, model says %q", i, galaxyClasses[i], c.String())
		}
	}
}
