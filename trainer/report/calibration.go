package report

import (
	"fmt"
	"image/color"
	"io"
	"math"
	"slices"

	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// CalibrationBin is one confidence bin of a reliability diagram.
type CalibrationBin struct {
	Lo, Hi     float64 `json:"-"`
	Count      int     `json:"count"`
	Confidence float64 `json:"confidence"` // mean top probability in the bin
	Accuracy   float64 `json:"accuracy"`   // share of the bin's predictions that were right
}

// Calibration says whether confidences mean what they say: astronomers cut
// catalogues on them. ECE is the expected calibration error (Guo et al.
// 2017): the bins' |accuracy - confidence| weighted by their share of the
// predictions, over equal-width bins of the top probability.
type Calibration struct {
	Bins   []CalibrationBin `json:"bins"`
	ECE    float64          `json:"ece"`
	MaxGap float64          `json:"max_gap"` // largest |accuracy - confidence| of a bin with predictions
	// Temperatures, when the model was calibrated, are the ones it carries
	// (network A's and B's), for the record.
	Temperatures map[string]float64 `json:"temperatures,omitempty"`
}

// Calibrate bins each prediction's top probability conf[i] (in [0, 1])
// with whether it was right.
func Calibrate(conf []float64, correct []bool, bins int) (*Calibration, error) {
	if len(conf) == 0 {
		return nil, ErrEmpty
	}
	if len(conf) != len(correct) {
		return nil, ErrLengthMismatch
	}
	if bins < 1 {
		return nil, fmt.Errorf("report: %d calibration bins", bins)
	}
	c := &Calibration{Bins: make([]CalibrationBin, bins)}
	for i := range c.Bins {
		c.Bins[i].Lo, c.Bins[i].Hi = float64(i)/float64(bins), float64(i+1)/float64(bins)
	}
	for i, p := range conf {
		if !(p >= 0 && p <= 1) {
			return nil, fmt.Errorf("report: confidence %v is not a probability", p)
		}
		b := &c.Bins[min(int(p*float64(bins)), bins-1)]
		b.Count++
		b.Confidence += p
		if correct[i] {
			b.Accuracy++
		}
	}
	for i := range c.Bins {
		b := &c.Bins[i]
		if b.Count == 0 {
			continue
		}
		b.Confidence /= float64(b.Count)
		b.Accuracy /= float64(b.Count)
		gap := math.Abs(b.Accuracy - b.Confidence)
		c.ECE += gap * float64(b.Count) / float64(len(conf))
		c.MaxGap = max(c.MaxGap, gap)
	}
	return c, nil
}

// WriteText prints the ECE and the non-empty bins.
func (c *Calibration) WriteText(w io.Writer) {
	fmt.Fprintf(w, "calibration: expected calibration error %.4f over %d bins (largest gap %.3f)\n", c.ECE, len(c.Bins), c.MaxGap)
	for _, b := range c.Bins {
		if b.Count > 0 {
			fmt.Fprintf(w, "  confidence %.2f-%.2f: %4d predictions, mean confidence %.3f, accuracy %.3f\n", b.Lo, b.Hi, b.Count, b.Confidence, b.Accuracy)
		}
	}
}

// ReliabilityPNG draws the reliability diagram: each bin's accuracy against
// its mean confidence, the diagonal a perfectly calibrated model would
// follow, and how many predictions each bin holds.
func ReliabilityPNG(path, title string, c *Calibration) error {
	if c == nil || len(c.Bins) == 0 {
		return ErrEmpty
	}
	p := newPlot(fmt.Sprintf("%s (ECE %.3f)", title, c.ECE))
	p.X.Label.Text = "confidence (top probability)"
	p.Y.Label.Text = "accuracy"
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = 0, 1, 0, 1
	diag, err := plotter.NewLine(plotter.XYs{{X: 0, Y: 0}, {X: 1, Y: 1}})
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	diag.Color = color.Gray{Y: 140}
	diag.Dashes = []vg.Length{vg.Points(5), vg.Points(3)}
	p.Add(plotter.NewGrid())
	var pts plotter.XYs
	labels := []string{}
	for _, b := range c.Bins {
		if b.Count == 0 {
			continue
		}
		// A bar spanning the bin up to its accuracy.
		bar, err := plotter.NewPolygon(plotter.XYs{{X: b.Lo, Y: 0}, {X: b.Hi, Y: 0}, {X: b.Hi, Y: b.Accuracy}, {X: b.Lo, Y: b.Accuracy}})
		if err != nil {
			return fmt.Errorf("report: %w", err)
		}
		bar.Color = color.NRGBA{R: 66, G: 133, B: 244, A: 110}
		bar.LineStyle.Color = color.RGBA{R: 30, G: 80, B: 180, A: 255}
		p.Add(bar)
		pts = append(pts, plotter.XY{X: b.Confidence, Y: b.Accuracy})
		labels = append(labels, fmt.Sprint(b.Count))
	}
	if len(pts) == 0 {
		return ErrEmpty
	}
	sc, err := plotter.NewScatter(pts)
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	sc.Color = color.RGBA{R: 200, G: 40, B: 40, A: 255}
	sc.Shape = draw.CircleGlyph{}
	sc.Radius = vg.Points(3)
	lab, err := plotter.NewLabels(plotter.XYLabels{XYs: pts, Labels: labels})
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	for i := range lab.TextStyle {
		lab.TextStyle[i].Font = sans(10, false)
		lab.TextStyle[i].YAlign = draw.YBottom
		lab.Offset = vg.Point{X: vg.Points(4), Y: vg.Points(3)}
	}
	p.Add(diag, sc, lab)
	p.Legend.Add("bin accuracy (count beside)", sc)
	p.Legend.Add("perfect calibration", diag)
	p.Legend.Top, p.Legend.Left = true, true
	return savePNG(path, 640, 600, func(c draw.Canvas) { p.Draw(c) })
}

// AttentionClass is one predicted class's attention measure.
type AttentionClass struct {
	Class     string  `json:"class"`
	N         int     `json:"n"`
	Median    float64 `json:"median_share"`
	UnderHalf int     `json:"under_half"` // images with less than half of the map on the galaxy
}

// Attention summarises where the predicted class's attention map puts its
// positive mass: the share of it that falls on the galaxy, per image, with
// How saying what "on the galaxy" was taken to mean.
type Attention struct {
	How       string           `json:"how"`
	Total     int              `json:"total"`
	UnderHalf int              `json:"under_half"`
	PerClass  []AttentionClass `json:"per_class"`
}

// SummariseAttention takes each image's share and predicted class index.
func SummariseAttention(classes []string, how string, share []float64, pred []int) (*Attention, error) {
	if len(share) != len(pred) {
		return nil, ErrLengthMismatch
	}
	a := &Attention{How: how, Total: len(share)}
	by := make([][]float64, len(classes))
	for i, s := range share {
		if pred[i] < 0 || pred[i] >= len(classes) {
			return nil, ErrLabelRange
		}
		by[pred[i]] = append(by[pred[i]], s)
		if s < 0.5 {
			a.UnderHalf++
		}
	}
	for c, ss := range by {
		ac := AttentionClass{Class: classes[c], N: len(ss)}
		if len(ss) > 0 {
			slices.Sort(ss)
			ac.Median = ss[len(ss)/2]
			if len(ss)%2 == 0 {
				ac.Median = (ss[len(ss)/2-1] + ss[len(ss)/2]) / 2
			}
			for _, s := range ss {
				if s < 0.5 {
					ac.UnderHalf++
				}
			}
		}
		a.PerClass = append(a.PerClass, ac)
	}
	return a, nil
}

// Lowest is the predicted class with the lowest median share, among those
// predicted at least once; ok is false when no image was.
func (a *Attention) Lowest() (c AttentionClass, ok bool) {
	for _, pc := range a.PerClass {
		if pc.N > 0 && (!ok || pc.Median < c.Median) {
			c, ok = pc, true
		}
	}
	return c, ok
}

// WriteText prints the measure per predicted class.
func (a *Attention) WriteText(w io.Writer) {
	fmt.Fprintf(w, "attention on the galaxy (%s): %d of %d images (%.2f%%) under half\n", a.How, a.UnderHalf, a.Total, 100*float64(a.UnderHalf)/float64(max(a.Total, 1)))
	nameW := 0
	for _, c := range a.PerClass {
		nameW = max(nameW, len(c.Class))
	}
	for _, c := range a.PerClass {
		if c.N > 0 {
			fmt.Fprintf(w, "  predicted %-*s  %4d images, median share %.2f, %d under half\n", nameW, c.Class, c.N, c.Median, c.UnderHalf)
		}
	}
}
