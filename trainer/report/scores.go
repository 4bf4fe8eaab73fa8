package report

import (
	"errors"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Pixel size of ScoresPNG.
const (
	ScoresWidth  = 1200
	ScoresHeight = 600
)

// ScoreGroup is one set of in-domain scores to draw.
type ScoreGroup struct {
	Name   string
	Scores []float64
}

// ScoresPNG draws the distribution of in-domain scores (model.Domain.Score)
// of each group as the share of its pictures per bin of log10(score), with
// the threshold (score 1) marked: real cutouts should sit left of it,
// non-galaxies right of it.
func ScoresPNG(path, title string, groups []ScoreGroup) error {
	if len(groups) == 0 {
		return errors.New("report: no score groups")
	}
	const lo, hi, bins = -1.0, 2.5, 70
	p := newPlot(title)
	p.X.Label.Text = "in-domain score (log scale; over 1: not like a Galaxy Zoo cutout)"
	p.Y.Label.Text = "share of the group's pictures per bin"
	p.X.Min, p.X.Max = lo, hi
	p.X.Tick.Marker = plot.ConstantTicks([]plot.Tick{
		{Value: -1, Label: "0.1"}, {Value: -0.5, Label: "0.3"}, {Value: 0, Label: "1"},
		{Value: 0.5, Label: "3"}, {Value: 1, Label: "10"}, {Value: 1.5, Label: "30"},
		{Value: 2, Label: "100"}, {Value: 2.5, Label: "≥300"},
	})
	palette := []color.Color{
		color.RGBA{31, 119, 180, 255}, color.RGBA{44, 160, 44, 255}, color.RGBA{148, 103, 189, 255},
		color.RGBA{214, 39, 40, 255}, color.RGBA{255, 127, 14, 255}, color.RGBA{140, 86, 75, 255},
	}
	top := 0.0
	for gi, g := range groups {
		if len(g.Scores) == 0 {
			continue
		}
		counts := make([]float64, bins)
		for _, s := range g.Scores {
			x := math.Log10(max(s, 1e-9))
			i := int((x - lo) / (hi - lo) * bins)
			counts[min(bins-1, max(0, i))]++
		}
		pts := make(plotter.XYs, 0, 2*bins)
		for i, c := range counts {
			f := c / float64(len(g.Scores))
			top = max(top, f)
			x0 := lo + (hi-lo)*float64(i)/bins
			x1 := lo + (hi-lo)*float64(i+1)/bins
			pts = append(pts, plotter.XY{X: x0, Y: f}, plotter.XY{X: x1, Y: f})
		}
		l, err := plotter.NewLine(pts)
		if err != nil {
			return err
		}
		l.Color = palette[gi%len(palette)]
		l.Width = vg.Points(2)
		p.Add(l)
		p.Legend.Add(g.Name, l)
	}
	p.Y.Min, p.Y.Max = 0, top*1.1
	th, err := plotter.NewLine(plotter.XYs{{X: 0, Y: 0}, {X: 0, Y: top * 1.1}})
	if err != nil {
		return err
	}
	th.Color = color.Black
	th.Dashes = []vg.Length{vg.Points(4), vg.Points(4)}
	p.Add(th)
	p.Legend.Top = true
	return savePNG(path, ScoresWidth, ScoresHeight, func(c draw.Canvas) { p.Draw(c) })
}
