package report

import (
	"errors"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"testing"
)

// keep copies a rendered PNG to $REPORT_PNG_DIR when set, so a person can
// look at it (the tests cannot judge readability).
func keep(t *testing.T, path string) {
	dir := os.Getenv("REPORT_PNG_DIR")
	if dir == "" {
		return
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, filepath.Base(path)), data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func decodePNG(t *testing.T, path string, w, h int) image.Image {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if b := img.Bounds(); b.Dx() != w || b.Dy() != h {
		t.Fatalf("%s is %dx%d, want %dx%d", path, b.Dx(), b.Dy(), w, h)
	}
	// Not blank: a plot has text, lines and fills, so the grey levels
	// vary a lot; a blank or single-colour canvas has variance 0.
	var sum, sum2, n float64
	for y := img.Bounds().Min.Y; y < img.Bounds().Max.Y; y++ {
		for x := img.Bounds().Min.X; x < img.Bounds().Max.X; x++ {
			g := float64(color.GrayModel.Convert(img.At(x, y)).(color.Gray).Y)
			sum += g
			sum2 += g * g
			n++
		}
	}
	mean := sum / n
	if v := sum2/n - mean*mean; v < 100 {
		t.Errorf("%s looks blank: grey variance %.1f", path, v)
	}
	return img
}

// countNear counts pixels within tol (per channel) of c.
func countNear(img image.Image, c color.Color, tol int) int {
	r0, g0, b0, _ := c.RGBA()
	n := 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if abs(int(r>>8)-int(r0>>8)) <= tol && abs(int(g>>8)-int(g0>>8)) <= tol && abs(int(bl>>8)-int(b0>>8)) <= tol {
				n++
			}
		}
	}
	return n
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

func TestConfusionPNG(t *testing.T) {
	m := galaxyMetrics(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "confusion.png")
	if err := ConfusionPNG(path, m); err != nil {
		t.Fatal(err)
	}
	img := decodePNG(t, path, ConfusionWidth, ConfusionHeight)
	onlyFile(t, dir, "confusion.png")
	keep(t, path)

	// Four diagonal cells are above 90%: their dark blue covers a good
	// share of the picture; the cigar cell (60%) is lighter.
	pal := blues(256).Colors()
	dark := countNear(img, pal[245], 12)
	if dark < ConfusionWidth*ConfusionHeight/50 {
		t.Errorf("only %d dark-blue pixels: diagonal cells not drawn", dark)
	}
	if mid := countNear(img, pal[153], 6); mid < 2000 {
		t.Errorf("only %d mid-blue pixels: the 60%% cell is missing", mid)
	}

	// A zero-support class and many classes still render.
	m2, err := Compute([]string{"a", "b", "c"}, []int{0, 0, 0, 0, 1}, []int{0, 0, 2, 0, 0})
	if err != nil {
		t.Fatal(err)
	}
	p2 := filepath.Join(dir, "confusion-undefined.png")
	if err := ConfusionPNG(p2, m2); err != nil {
		t.Fatal(err)
	}
	decodePNG(t, p2, ConfusionWidth, ConfusionHeight)
	keep(t, p2)

	var classes []string
	var truth, pred []int
	for i := 0; i < 40; i++ {
		classes = append(classes, string(rune('A'+i%26))+string(rune('a'+i/26)))
		truth = append(truth, i, i)
		pred = append(pred, i, (i+1)%40)
	}
	m3, err := Compute(classes, truth, pred)
	if err != nil {
		t.Fatal(err)
	}
	p3 := filepath.Join(dir, "confusion-40.png")
	if err := ConfusionPNG(p3, m3); err != nil {
		t.Fatal(err)
	}
	decodePNG(t, p3, ConfusionWidth, ConfusionHeight)
	keep(t, p3)
}

func TestConfusionPNGRejectsBadMetrics(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "c.png")
	for name, m := range map[string]*Metrics{
		"nil":   nil,
		"zero":  {},
		"shape": {Classes: []string{"a", "b"}, Confusion: [][]int{{1}}, Total: 1},
	} {
		if err := ConfusionPNG(path, m); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a file was written for bad metrics: %v", err)
	}
}

// history is a plausible two-network run: A's loss falls over 30 epochs, B
// trains for 20 with a noisier validation curve.
func history() []Epoch {
	var h []Epoch
	for e := 1; e <= 30; e++ {
		f := float64(e)
		h = append(h, Epoch{Epoch: e, Network: "A", LR: 0.005 * (1 + math.Cos(math.Pi*f/30)) / 2,
			TrainLoss: 1.4*math.Exp(-f/8) + 0.25, ValLoss: 1.3*math.Exp(-f/9) + 0.3,
			TrainAcc: 0.95 - 0.55*math.Exp(-f/6), ValAcc: 0.93 - 0.5*math.Exp(-f/7)})
	}
	for e := 1; e <= 20; e++ {
		f := float64(e)
		h = append(h, Epoch{Epoch: e, Network: "B",
			TrainLoss: 0.7*math.Exp(-f/5) + 0.15, ValLoss: 0.7*math.Exp(-f/6) + 0.2 + 0.03*math.Sin(f),
			TrainAcc: 0.97 - 0.45*math.Exp(-f/4), ValAcc: 0.9 - 0.4*math.Exp(-f/5) + 0.02*math.Sin(f)})
	}
	return h
}

func TestCurvesPNG(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "curves.png")
	h := history()
	// Out of order input is fine: lines follow the epoch number.
	h[0], h[len(h)-1] = h[len(h)-1], h[0]
	if err := CurvesPNG(path, "HIWL training (test data)", h); err != nil {
		t.Fatal(err)
	}
	img := decodePNG(t, path, CurvesWidth, CurvesHeight)
	onlyFile(t, dir, "curves.png")
	keep(t, path)
	// Both networks' lines are drawn, each in its colour.
	for i, net := range []string{"A", "B"} {
		if n := countNear(img, netColors[i], 10); n < 500 {
			t.Errorf("network %s: only %d pixels of its colour", net, n)
		}
	}

	// One epoch, and a diverged loss, still plot.
	one := []Epoch{{Epoch: 1, Network: "A", TrainLoss: 0.9, ValLoss: math.Inf(1), TrainAcc: 0.5, ValAcc: math.NaN()}}
	p1 := filepath.Join(dir, "curves-one.png")
	if err := CurvesPNG(p1, "", one); err != nil {
		t.Fatal(err)
	}
	decodePNG(t, p1, CurvesWidth, CurvesHeight)
	keep(t, p1)

	// Extreme values end in an error or a picture, never a hang or panic.
	for name, h := range map[string][]Epoch{
		"overflowing range":  {{Epoch: 1, TrainLoss: math.MaxFloat64, ValLoss: -math.MaxFloat64}},
		"tiny range far out": {{Epoch: 1, TrainLoss: 1e20}, {Epoch: 2, TrainLoss: math.Nextafter(1e20, 2e20)}},
		"far epochs":         {{Epoch: math.MinInt32, TrainLoss: 1}, {Epoch: math.MaxInt32, TrainLoss: 2}},
	} {
		if err := CurvesPNG(filepath.Join(dir, "x.png"), name, h); err != nil {
			t.Logf("%s: %v", name, err)
		}
	}
}

func TestCurvesPNGErrors(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "c.png")
	nan := math.NaN()
	for name, h := range map[string][]Epoch{
		"empty":         nil,
		"percent acc":   {{Epoch: 1, TrainAcc: 93, ValAcc: 90}},
		"negative acc":  {{Epoch: 1, TrainAcc: -0.1}},
		"duplicate":     {{Epoch: 1, Network: "A"}, {Epoch: 1, Network: "A"}},
		"nothing valid": {{Epoch: 1, TrainLoss: nan, ValLoss: nan, TrainAcc: nan, ValAcc: nan}},
	} {
		if err := CurvesPNG(path, "t", h); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a file was written for bad history: %v", err)
	}
	// The same epoch number in two networks is not a duplicate.
	if err := CurvesPNG(path, "t", []Epoch{{Epoch: 1, Network: "A"}, {Epoch: 1, Network: "B"}}); err != nil {
		t.Error(err)
	}
}

// The embedding picture has each class's colour where its points are, and
// refuses mismatched inputs.
func TestEmbeddingPNG(t *testing.T) {
	path := filepath.Join(t.TempDir(), "embedding.png")
	var xy [][2]float64
	var truth, pred []int
	for i := 0; i < 40; i++ {
		c := i % 2
		xy = append(xy, [2]float64{float64(c*10) + float64(i%5), float64(i % 7)})
		truth = append(truth, c)
		pred = append(pred, c)
	}
	pred[3] = 0 // one miss, drawn as a cross
	if err := EmbeddingPNG(path, "test", xy, truth, pred, []string{"round", "spiral"}); err != nil {
		t.Fatal(err)
	}
	keep(t, path)
	img := decodePNG(t, path, EmbeddingWidth, EmbeddingHeight)
	for c := 0; c < 2; c++ {
		want := classColors[c]
		n := 0
		b := img.Bounds()
		for y := b.Min.Y; y < b.Max.Y; y++ {
			for x := b.Min.X; x < b.Max.X; x++ {
				r, g, bl, _ := img.At(x, y).RGBA()
				if math.Abs(float64(r>>8)-float64(want.R)) < 8 && math.Abs(float64(g>>8)-float64(want.G)) < 8 && math.Abs(float64(bl>>8)-float64(want.B)) < 8 {
					n++
				}
			}
		}
		if n < 100 {
			t.Errorf("class %d colour on %d pixels", c, n)
		}
	}
	if err := EmbeddingPNG(path, "test", xy, truth[:3], pred, []string{"a", "b"}); !errors.Is(err, ErrLengthMismatch) {
		t.Fatalf("mismatch: %v", err)
	}
}

func TestScoresPNG(t *testing.T) {
	path := filepath.Join(t.TempDir(), "scores.png")
	err := ScoresPNG(path, "in-domain score", []ScoreGroup{
		{Name: "galaxies", Scores: []float64{0.2, 0.3, 0.5, 0.9}},
		{Name: "non-galaxies", Scores: []float64{2, 5, 40, 1000}},
	})
	if err != nil {
		t.Fatal(err)
	}
	decodePNG(t, path, ScoresWidth, ScoresHeight)
	if err := ScoresPNG(path, "x", nil); err == nil {
		t.Error("no groups: no error")
	}
}
