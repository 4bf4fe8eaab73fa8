package report

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// WriteText prints the metrics as aligned tables for a terminal: the
// per-class figures with macro averages, then the confusion matrix. Write
// errors are the writer's to report (like fmt.Fprintf, it ignores them).
func (m *Metrics) WriteText(w io.Writer) {
	nameW := len("macro average")
	for _, c := range m.Classes {
		nameW = max(nameW, utf8.RuneCountInString(c))
	}
	fmt.Fprintf(w, "%d samples, accuracy %s (95%% bootstrap interval %s-%s)\n\n", m.Total, pct(m.Accuracy), pct(m.AccuracyCI95[0]), pct(m.AccuracyCI95[1]))
	fmt.Fprintf(w, "%-*s  %9s  %8s  %8s  %8s  %9s\n", nameW, "class", "precision", "recall", "F1", "support", "predicted")
	for _, c := range m.PerClass {
		prec, rec := pct(c.Precision), pct(c.Recall)
		if c.PrecisionUndefined {
			prec = "n/a"
		}
		if c.RecallUndefined {
			rec = "n/a"
		}
		fmt.Fprintf(w, "%-*s  %9s  %8s  %8s  %8d  %9d\n", nameW, c.Class, prec, rec, pct(c.F1), c.Support, c.Predicted)
	}
	fmt.Fprintf(w, "%-*s  %9s  %8s  %8s  %8d\n", nameW, "macro average", pct(m.MacroPrecision), pct(m.MacroRecall), pct(m.MacroF1), m.Total)
	for _, warn := range m.Warnings {
		fmt.Fprintf(w, "note: %s\n", warn)
	}

	// The matrix uses numbered columns: five long class names side by side
	// would not fit a terminal.
	fmt.Fprintf(w, "\nconfusion matrix (rows: true class, columns: predicted class)\n")
	cellW := 5
	for _, row := range m.Confusion {
		for _, n := range row {
			cellW = max(cellW, len(fmt.Sprint(n)))
		}
	}
	label := func(i int) string { return fmt.Sprintf("[%d] %s", i, m.Classes[i]) }
	rowW := 0
	for i := range m.Classes {
		rowW = max(rowW, utf8.RuneCountInString(label(i)))
	}
	fmt.Fprintf(w, "%-*s", rowW, "")
	for i := range m.Classes {
		fmt.Fprintf(w, "  %*s", cellW, fmt.Sprintf("[%d]", i))
	}
	fmt.Fprintln(w)
	for t, row := range m.Confusion {
		fmt.Fprintf(w, "%-*s", rowW, label(t))
		for _, n := range row {
			fmt.Fprintf(w, "  %*d", cellW, n)
		}
		fmt.Fprintln(w)
	}
}

func pct(f float64) string { return fmt.Sprintf("%.2f%%", 100*f) }

// Published results on the same five Galaxy Zoo classes (shared/paper.md).
// Zhu et al. 2019 give per-class accuracy, which is recall: correct
// predictions over the class's true samples.
const (
	zhuOverall  = 95.21 // Zhu et al. 2019, ResNet-26 variant, overall accuracy %
	hiwlOverall = 96.32 // Ma et al. (HIWL), overall accuracy %
)

var zhuPerClass = []struct {
	name, slug string
	accuracy   float64 // %
}{
	{"completely round smooth", "round", 96.68},
	{"in-between smooth", "in-between", 94.42},
	{"cigar-shaped smooth", "cigar", 58.62},
	{"edge-on", "edge-on", 94.36},
	{"spiral", "spiral", 97.70},
}

// zhuAccuracy finds the published figure for a class given by full name or
// slug, in any case.
func zhuAccuracy(class string) (float64, bool) {
	for _, z := range zhuPerClass {
		if strings.EqualFold(class, z.name) || strings.EqualFold(class, z.slug) {
			return z.accuracy, true
		}
	}
	return 0, false
}

// CompareWithPaper prints our per-class recall next to Zhu et al. 2019's
// per-class accuracy on the same classes, the macro average of both when all
// five classes are present, and our overall accuracy next to Zhu et al.'s
// 95.21% and the HIWL paper's 96.32%. Classes the papers do not cover are
// shown without a reference figure.
func (m *Metrics) CompareWithPaper(w io.Writer) {
	nameW := len("macro-average recall")
	for _, c := range m.Classes {
		nameW = max(nameW, utf8.RuneCountInString(c))
	}
	fmt.Fprintf(w, "comparison with Zhu et al. 2019 (ResNet-26 variant; their per-class accuracy = recall)\n")
	fmt.Fprintf(w, "%-*s  %11s  %9s  %10s\n", nameW, "class", "ours recall", "Zhu 2019", "difference")
	matched := 0
	zhuSum := 0.0
	row := func(name string, ours float64, ref float64, ok bool) {
		if !ok {
			fmt.Fprintf(w, "%-*s  %11s  %9s  %10s\n", nameW, name, pct(ours), "-", "-")
			return
		}
		fmt.Fprintf(w, "%-*s  %11s  %8.2f%%  %+7.2f pp\n", nameW, name, pct(ours), ref, 100*ours-ref)
	}
	for _, c := range m.PerClass {
		ref, ok := zhuAccuracy(c.Class)
		if ok {
			matched++
			zhuSum += ref
		}
		name := c.Class
		if c.RecallUndefined {
			name += " (no samples)"
		}
		row(name, c.Recall, ref, ok)
	}
	// A macro average is only comparable when it is over the same classes.
	if matched == len(zhuPerClass) && len(m.Classes) == len(zhuPerClass) {
		row("macro-average recall", m.MacroRecall, zhuSum/float64(matched), true)
	}
	row("overall accuracy", m.Accuracy, zhuOverall, true)
	fmt.Fprintf(w, "HIWL paper (Ma et al., MNRAS 519, 2023) overall accuracy %.2f%%: ours %s (%+.2f pp)\n",
		hiwlOverall, pct(m.Accuracy), 100*m.Accuracy-hiwlOverall)
}
