package report

import (
	"fmt"
	"image/color"

	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Pixel size of the embedding PNG.
const (
	EmbeddingWidth  = 1000
	EmbeddingHeight = 900
)

// classColors tell five classes apart, colour-blind safe (Okabe-Ito).
var classColors = []color.RGBA{
	{230, 159, 0, 255},   // orange
	{86, 180, 233, 255},  // sky blue
	{0, 158, 115, 255},   // green
	{204, 121, 167, 255}, // purple
	{0, 114, 178, 255},   // blue
	{213, 94, 0, 255},
	{240, 228, 66, 255},
}

// EmbeddingPNG draws a 2-D embedding of the test images' features (the
// paper's feature picture): one colour per true class, a dot where the
// model was right and a cross where it was wrong, so that a reader sees
// which classes overlap and where the errors lie.
func EmbeddingPNG(path, title string, xy [][2]float64, truth, pred []int, classes []string) error {
	if len(xy) == 0 {
		return fmt.Errorf("%w: empty embedding", ErrEmpty)
	}
	if len(truth) != len(xy) || len(pred) != len(xy) {
		return ErrLengthMismatch
	}
	if len(classes) > len(classColors) {
		return fmt.Errorf("%w: at most %d classes can be coloured", ErrClasses, len(classColors))
	}
	p := newPlot(title)
	p.X.Label.Text = "t-SNE 1"
	p.Y.Label.Text = "t-SNE 2"
	p.Legend.Top = true
	wrong := 0
	for c, name := range classes {
		var right, miss plotter.XYs
		for i, pt := range xy {
			if truth[i] < 0 || truth[i] >= len(classes) || pred[i] < 0 || pred[i] >= len(classes) {
				return fmt.Errorf("%w: point %d", ErrLabelRange, i)
			}
			if truth[i] != c {
				continue
			}
			if pred[i] == c {
				right = append(right, plotter.XY{X: pt[0], Y: pt[1]})
			} else {
				miss = append(miss, plotter.XY{X: pt[0], Y: pt[1]})
			}
		}
		wrong += len(miss)
		for _, set := range []struct {
			pts   plotter.XYs
			shape draw.GlyphDrawer
		}{{right, draw.CircleGlyph{}}, {miss, draw.CrossGlyph{}}} {
			if len(set.pts) == 0 {
				continue
			}
			s, err := plotter.NewScatter(set.pts)
			if err != nil {
				return err
			}
			s.GlyphStyle = draw.GlyphStyle{Color: classColors[c], Radius: vg.Points(3.2), Shape: set.shape}
			if _, ok := set.shape.(draw.CrossGlyph); ok {
				s.GlyphStyle.Radius = vg.Points(5)
			}
			p.Add(s)
			if _, ok := set.shape.(draw.CircleGlyph); ok {
				p.Legend.Add(fmt.Sprintf("%s (%d)", name, len(right)+len(miss)), s)
			}
		}
	}
	p.Title.Text = fmt.Sprintf("%s\n%d images, crosses: the %d the model got wrong (colour = volunteers' class)", title, len(xy), wrong)
	p.HideAxes()
	// A margin, so that no point sits on the frame or under the legend.
	p.X.Min, p.X.Max = p.X.Min-0.05*(p.X.Max-p.X.Min), p.X.Max+0.25*(p.X.Max-p.X.Min)
	p.Y.Min, p.Y.Max = p.Y.Min-0.05*(p.Y.Max-p.Y.Min), p.Y.Max+0.05*(p.Y.Max-p.Y.Min)
	return savePNG(path, EmbeddingWidth, EmbeddingHeight, func(c draw.Canvas) { p.Draw(c) })
}
