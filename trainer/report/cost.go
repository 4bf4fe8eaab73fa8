package report

import (
	"fmt"
	"image/color"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Candidate is one trained model on the accuracy-against-cost plot.
type Candidate struct {
	Name     string  `json:"name"`
	MFLOP    float64 `json:"mflop"`    // networks A and B together, per image
	Accuracy float64 `json:"accuracy"` // five-class, on the split named in the plot
	MacroF1  float64 `json:"macro_f1"`
	// The attention measure on the same split: images with under half of
	// the map on the galaxy, and the lowest median share of any predicted
	// class (issue 28's bars: at most 2 %, and no median under 0.6).
	UnderHalf    int     `json:"attention_under_half"`
	LowestMedian float64 `json:"attention_lowest_median"`
	Shipped      bool    `json:"shipped,omitempty"`
}

// CostPNG plots each candidate's accuracy against its MFLOP per image,
// with a vertical line at the budget, so that what a larger model would
// give is seen beside what was shipped.
func CostPNG(path, title string, budget float64, cs []Candidate) error {
	if len(cs) == 0 {
		return ErrEmpty
	}
	p := newPlot(title)
	// The legend names every candidate, one row each, under the plot: a
	// legend inside it covered the points at the right (18 candidates
	// reach the residual CNN's, at 129 MFLOP).
	leg := plot.NewLegend()
	leg.TextStyle.Font = p.Legend.TextStyle.Font
	leg.Top, leg.Left = true, true
	p.X.Label.Text = "MFLOP per image (networks A and B)"
	p.Y.Label.Text = "five-class accuracy (%)"
	p.Add(plotter.NewGrid())
	var pts, shipped plotter.XYs
	// Points are numbered, and the legend names them: candidates often
	// share a cost, and names written beside the points would overlap.
	at := map[plotter.XY][]string{}
	var order []plotter.XY
	lo, hi := 100.0, 0.0
	for i, c := range cs {
		if !(c.Accuracy >= 0 && c.Accuracy <= 1) || !(c.MFLOP > 0) {
			return fmt.Errorf("report: candidate %s: accuracy %v, %v MFLOP", c.Name, c.Accuracy, c.MFLOP)
		}
		xy := plotter.XY{X: c.MFLOP, Y: 100 * c.Accuracy}
		pts = append(pts, xy)
		if len(at[xy]) == 0 {
			order = append(order, xy)
		}
		at[xy] = append(at[xy], fmt.Sprint(i+1))
		if c.Shipped {
			shipped = append(shipped, xy)
		}
		lo, hi = min(lo, xy.Y), max(hi, xy.Y)
	}
	sc, err := plotter.NewScatter(pts)
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	sc.Color, sc.Shape, sc.Radius = color.RGBA{R: 30, G: 80, B: 180, A: 255}, draw.CircleGlyph{}, vg.Points(4)
	p.Add(sc)
	if len(shipped) > 0 {
		ring, err := plotter.NewScatter(shipped)
		if err != nil {
			return fmt.Errorf("report: %w", err)
		}
		ring.Color, ring.Shape, ring.Radius = color.RGBA{R: 200, G: 40, B: 40, A: 255}, draw.RingGlyph{}, vg.Points(8)
		p.Add(ring)
		leg.Add("shipped", ring)
	}
	var labels []string
	for _, xy := range order {
		labels = append(labels, strings.Join(at[xy], ","))
	}
	lab, err := plotter.NewLabels(plotter.XYLabels{XYs: order, Labels: labels})
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	for i := range lab.TextStyle {
		lab.TextStyle[i].Font = sans(11, true)
	}
	lab.Offset = vg.Point{X: vg.Points(7), Y: vg.Points(3)}
	p.Add(lab)
	for i, c := range cs {
		leg.Add(fmt.Sprintf("%d  %s: %.2f %%, %.1f MFLOP", i+1, c.Name, 100*c.Accuracy, c.MFLOP))
	}
	// At least three points of accuracy, so that a few images' difference
	// does not fill the plot.
	mid := (lo + hi) / 2
	p.Y.Min, p.Y.Max = min(lo-0.5, mid-1.5), max(hi+0.5, mid+1.5)
	p.X.Min = 0
	for _, c := range cs {
		p.X.Max = max(p.X.Max, c.MFLOP*1.2, budget*1.1)
	}
	if budget > 0 {
		line, err := plotter.NewLine(plotter.XYs{{X: budget, Y: p.Y.Min}, {X: budget, Y: p.Y.Max}})
		if err != nil {
			return fmt.Errorf("report: %w", err)
		}
		line.Color, line.Dashes = color.Gray{Y: 120}, []vg.Length{vg.Points(5), vg.Points(3)}
		p.Add(line)
		leg.Add(fmt.Sprintf("budget %g MFLOP", budget), line)
	}
	return savePlotAndLegend(path, p, &leg, len(cs)+2)
}
