package report

import (
	"errors"
	"fmt"
	"github.com/hiwl/hiwl/trainer/atomicfile"
	"image"
	"image/color"
	"image/png"
	"io"
	"math"
	"sort"
	"strings"
	"unicode/utf8"

	stdfont "golang.org/x/image/font"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// Pixel sizes of the PNGs; fixed so reports from different runs line up.
const (
	ConfusionWidth  = 1000
	ConfusionHeight = 900
	CurvesWidth     = 1400
	CurvesHeight    = 600

	dpi = 96
)

// px converts pixels to plot lengths at dpi, so that canvases come out at
// exactly the pixel sizes above.
func px(n int) vg.Length { return vg.Length(n) * vg.Inch / dpi }

// sans is the Liberation Sans face shipped inside gonum/plot: no system font
// is needed, so plots look the same on every machine.
func sans(size vg.Length, bold bool) font.Font {
	f := font.Font{Typeface: "Liberation", Variant: "Sans", Size: size}
	if bold {
		f.Weight = stdfont.WeightBold
	}
	return f
}

// newPlot returns a plot with sans-serif text throughout (gonum's default is
// serif, which reads poorly at small sizes on a screen).
func newPlot(title string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.Title.TextStyle.Font = sans(15, true)
	p.Title.Padding = vg.Points(10)
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.Font = sans(13, false)
		a.Tick.Label.Font = sans(11, false)
	}
	p.Legend.TextStyle.Font = sans(12, false)
	return p
}

// savePNG renders draw onto a w x h pixel white canvas and writes it as a
// PNG, atomically.
func savePNG(path string, w, h int, render func(draw.Canvas)) error {
	c := vgimg.NewWith(vgimg.UseWH(px(w), px(h)), vgimg.UseDPI(dpi), vgimg.UseBackgroundColor(color.White))
	render(draw.New(c))
	img := c.Image()
	if b := img.Bounds(); b.Dx() != w || b.Dy() != h {
		// Would mean a change in vgimg's rounding; fail rather than write
		// a picture of a size callers do not expect.
		return fmt.Errorf("report: rendered %dx%d, want %dx%d", b.Dx(), b.Dy(), w, h)
	}
	return atomicfile.Write(path, func(wr io.Writer) error { return encodePNG(wr, img) })
}

// savePlotAndLegend writes p, 480 pixels high, above leg and its rows
// entries, 820 pixels wide: a legend under the plot covers no point.
func savePlotAndLegend(path string, p *plot.Plot, leg *plot.Legend, rows int) error {
	const plotHeight, rowHeight = 480, 16
	return savePNG(path, 820, plotHeight+rows*rowHeight+16, func(c draw.Canvas) {
		split := c.Max.Y - px(plotHeight)
		top, bottom := c, c
		top.Min.Y, bottom.Max.Y = split, split
		p.Draw(top)
		bottom.Min.X += px(16)
		bottom.Max.Y -= px(4)
		leg.Draw(bottom)
	})
}

func encodePNG(w io.Writer, img image.Image) error {
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	return enc.Encode(w, img)
}

// blues is a white-to-dark-blue sequential palette: darker means a larger
// share of the true class, and white cells (nothing there) stay quiet.
type blues int

func (n blues) Colors() []color.Color {
	lo := [3]float64{247, 251, 255}
	hi := [3]float64{8, 48, 107}
	cs := make([]color.Color, n)
	for i := range cs {
		t := float64(i) / float64(n-1)
		var c [3]uint8
		for j := range c {
			c[j] = uint8(math.Round(lo[j] + t*(hi[j]-lo[j])))
		}
		cs[i] = color.RGBA{c[0], c[1], c[2], 255}
	}
	return cs
}

// confGrid shows a row-normalised confusion matrix as a heat map grid. Grid
// row 0 is drawn at the bottom, so true class t goes to row k-1-t to read
// top-down like the table.
type confGrid struct{ frac [][]float64 }

func (g confGrid) Dims() (c, r int)   { return len(g.frac), len(g.frac) }
func (g confGrid) Z(c, r int) float64 { return g.frac[len(g.frac)-1-r][c] }
func (g confGrid) X(c int) float64    { return float64(c) }
func (g confGrid) Y(r int) float64    { return float64(r) }

// rowFractions divides each confusion row by its sum (the class's support);
// rows without samples stay 0.
func (m *Metrics) rowFractions() [][]float64 {
	k := len(m.Classes)
	frac := make([][]float64, k)
	for t, row := range m.Confusion {
		frac[t] = make([]float64, k)
		s := 0
		for _, n := range row {
			s += n
		}
		if s > 0 {
			for p, n := range row {
				frac[t][p] = float64(n) / float64(s)
			}
		}
	}
	return frac
}

// wrap breaks a class name at spaces into lines of about width runes so long
// names fit under a column.
func wrap(s string, width int) string {
	var lines []string
	line := ""
	for _, w := range strings.Fields(s) {
		if line != "" && utf8.RuneCountInString(line)+1+utf8.RuneCountInString(w) > width {
			lines = append(lines, line)
			line = w
			continue
		}
		if line != "" {
			line += " "
		}
		line += w
	}
	return strings.Join(append(lines, line), "\n")
}

// ConfusionPNG draws the confusion matrix as a heat map: each cell shows its
// count and its share of the true class (row-normalised %), the colour
// follows that share so rare classes are as visible as common ones, class
// names label both axes, and the title gives the overall accuracy.
func ConfusionPNG(path string, m *Metrics) error {
	if err := m.check(); err != nil {
		return err
	}
	k := len(m.Classes)
	frac := m.rowFractions()

	// Cell text shrinks with the number of classes so it stays inside its
	// cell; below a legible size it is left out and the colours remain.
	size := min(vg.Length(16), vg.Length(90/float64(k)))
	legend := "cell: count and % of its true class"
	if size < 5 {
		legend = "colour: % of its true class"
	}
	p := newPlot(fmt.Sprintf("Confusion matrix: accuracy %.2f%% on %d samples\n(%s; macro F1 %.2f%%)",
		100*m.Accuracy, m.Total, legend, 100*m.MacroF1))
	p.X.Label.Text = "predicted class"
	p.Y.Label.Text = "true class"

	hm := plotter.NewHeatMap(confGrid{frac}, blues(256))
	hm.Min, hm.Max = 0, 1
	p.Add(hm)

	xt := make([]plot.Tick, k)
	yt := make([]plot.Tick, k)
	for i, c := range m.Classes {
		xt[i] = plot.Tick{Value: float64(i), Label: wrap(c, 12)}
		if m.PerClass[i].Support == 0 {
			c += "\n(no samples)"
		}
		yt[i] = plot.Tick{Value: float64(k - 1 - i), Label: c}
	}
	p.X.Tick.Marker = plot.ConstantTicks(xt)
	p.Y.Tick.Marker = plot.ConstantTicks(yt)
	p.X.Tick.Length, p.Y.Tick.Length = 0, 0
	p.X.Padding, p.Y.Padding = 0, 0
	p.X.Tick.Label.Font.Size = 12
	p.Y.Tick.Label.Font.Size = 12

	if size >= 5 {
		lab := &plotter.Labels{}
		for t := 0; t < k; t++ {
			for c := 0; c < k; c++ {
				share := "-"
				if m.PerClass[t].Support > 0 {
					share = fmt.Sprintf("%.1f%%", 100*frac[t][c])
				}
				lab.XYs = append(lab.XYs, plotter.XY{X: float64(c), Y: float64(k - 1 - t)})
				lab.Labels = append(lab.Labels, fmt.Sprintf("%d\n%s", m.Confusion[t][c], share))
				col := color.Color(color.Black)
				if frac[t][c] > 0.5 { // dark cell
					col = color.White
				}
				lab.TextStyle = append(lab.TextStyle, text.Style{
					Color:   col,
					Font:    sans(size, t == c),
					XAlign:  draw.XCenter,
					YAlign:  draw.YCenter,
					Handler: p.TextHandler,
				})
			}
		}
		p.Add(lab)
	}
	return savePNG(path, ConfusionWidth, ConfusionHeight, func(c draw.Canvas) {
		p.Draw(draw.Crop(c, vg.Points(6), -vg.Points(12), vg.Points(6), -vg.Points(6)))
	})
}

// check rejects a Metrics that was not built by Compute or FromConfusion
// (or was altered since), which the plots would otherwise index out of range.
func (m *Metrics) check() error {
	if m == nil {
		return errors.New("report: nil metrics")
	}
	if err := checkClasses(m.Classes); err != nil {
		return err
	}
	k := len(m.Classes)
	if len(m.Confusion) != k || len(m.PerClass) != k {
		return fmt.Errorf("%w: shape does not match %d classes", ErrConfusion, k)
	}
	for _, row := range m.Confusion {
		if len(row) != k {
			return fmt.Errorf("%w: shape does not match %d classes", ErrConfusion, k)
		}
	}
	if m.Total <= 0 {
		return ErrEmpty
	}
	return nil
}

// Epoch is one epoch of training history for one network.
type Epoch struct {
	Epoch     int     `json:"epoch"`
	TrainLoss float64 `json:"train_loss"`
	ValLoss   float64 `json:"val_loss"`
	TrainAcc  float64 `json:"train_acc"` // fraction in [0, 1]
	ValAcc    float64 `json:"val_acc"`   // fraction in [0, 1]
	LR        float64 `json:"lr"`
	Network   string  `json:"network"` // "A" or "B" for HIWL's two networks
}

// Line colours per network, picked to stay apart for colour-blind readers
// (Okabe-Ito blue, vermillion, green, purple).
var netColors = []color.Color{
	color.RGBA{0, 114, 178, 255},
	color.RGBA{213, 94, 0, 255},
	color.RGBA{0, 158, 115, 255},
	color.RGBA{204, 121, 167, 255},
}

// CurvesPNG plots training history in two panels, loss and accuracy against
// epoch, with one colour per network (training dashed, validation solid) and
// a legend. Non-finite values (a diverged loss, a skipped validation) are left
// out of the lines. Accuracies must be fractions in [0, 1]; they are drawn as
// percentages.
func CurvesPNG(path string, title string, history []Epoch) error {
	if len(history) == 0 {
		return fmt.Errorf("%w: empty training history", ErrEmpty)
	}
	byNet := map[string][]Epoch{}
	for _, e := range history {
		for _, a := range []float64{e.TrainAcc, e.ValAcc} {
			if isFinite(a) && (a < 0 || a > 1) {
				return fmt.Errorf("report: network %q epoch %d: accuracy %g is not a fraction in [0, 1]", e.Network, e.Epoch, a)
			}
		}
		name := e.Network
		if name == "" {
			name = "model"
		}
		byNet[name] = append(byNet[name], e)
	}
	nets := make([]string, 0, len(byNet))
	for n, es := range byNet {
		nets = append(nets, n)
		sort.SliceStable(es, func(i, j int) bool { return es[i].Epoch < es[j].Epoch })
		for i := 1; i < len(es); i++ {
			if es[i].Epoch == es[i-1].Epoch {
				return fmt.Errorf("report: network %q: epoch %d appears twice", n, es[i].Epoch)
			}
		}
	}
	sort.Strings(nets)
	if title == "" {
		title = "training curves"
	}

	loss := newPlot("loss")
	loss.Y.Label.Text = "loss"
	acc := newPlot("accuracy")
	acc.Y.Label.Text = "accuracy (%)"
	loss.Legend.Top = true                         // losses fall: the top right is empty
	acc.Legend.Top, acc.Legend.Left = false, false // accuracies rise: the bottom right is
	points := 0
	for i, n := range nets {
		col := netColors[i%len(netColors)]
		es := byNet[n]
		for _, s := range []struct {
			p     *plot.Plot
			label string
			val   bool
			y     func(Epoch) float64
		}{
			{loss, "train", false, func(e Epoch) float64 { return e.TrainLoss }},
			{loss, "validation", true, func(e Epoch) float64 { return e.ValLoss }},
			{acc, "train", false, func(e Epoch) float64 { return 100 * e.TrainAcc }},
			{acc, "validation", true, func(e Epoch) float64 { return 100 * e.ValAcc }},
		} {
			var xys plotter.XYs
			for _, e := range es {
				if y := s.y(e); isFinite(y) {
					xys = append(xys, plotter.XY{X: float64(e.Epoch), Y: y})
				}
			}
			if len(xys) == 0 {
				continue
			}
			points += len(xys)
			line, err := plotter.NewLine(xys)
			if err != nil {
				return fmt.Errorf("report: %w", err)
			}
			line.Color = col
			line.Width = vg.Points(2)
			if !s.val {
				line.Dashes = []vg.Length{vg.Points(6), vg.Points(3)}
			}
			s.p.Add(line)
			entry := []plot.Thumbnailer{line}
			// Markers show where the measurements are when there are few
			// of them, and a single epoch would otherwise draw nothing.
			if len(xys) <= 60 {
				sc, err := plotter.NewScatter(xys)
				if err != nil {
					return fmt.Errorf("report: %w", err)
				}
				sc.Color = col
				sc.Radius = vg.Points(2.5)
				sc.Shape = draw.CircleGlyph{}
				if !s.val {
					sc.Shape = draw.RingGlyph{}
				}
				s.p.Add(sc)
				entry = append(entry, sc)
			}
			s.p.Legend.Add(fmt.Sprintf("%s %s", n, s.label), entry...)
		}
	}
	if points == 0 {
		return fmt.Errorf("%w: no finite loss or accuracy in the training history", ErrEmpty)
	}
	for _, p := range []*plot.Plot{loss, acc} {
		p.X.Label.Text = "epoch"
		p.X.Tick.Marker = niceTicks{n: 10, integer: true}
		p.Y.Tick.Marker = niceTicks{n: 8}
		p.Add(plotter.NewGrid())
		widen(&p.X, 1)
		widen(&p.Y, 0.5)
	}
	return savePNG(path, CurvesWidth, CurvesHeight, func(c draw.Canvas) {
		head := text.Style{Color: color.Black, Font: sans(18, true), XAlign: draw.XCenter, YAlign: draw.YTop, Handler: loss.TextHandler}
		c.FillText(head, vg.Point{X: (c.Min.X + c.Max.X) / 2, Y: c.Max.Y - vg.Points(8)}, title)
		body := draw.Crop(c, vg.Points(6), -vg.Points(12), vg.Points(6), -(head.Height(title) + vg.Points(14)))
		tiles := draw.Tiles{Rows: 1, Cols: 2, PadX: vg.Points(30)}
		cs := plot.Align([][]*plot.Plot{{loss, acc}}, tiles, body)
		loss.Draw(cs[0][0])
		acc.Draw(cs[0][1])
	})
}

func isFinite(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }

// widen gives an axis whose data is a single value (one epoch, a constant
// loss) a non-zero range; gonum/plot would otherwise divide by zero.
func widen(a *plot.Axis, by float64) {
	if a.Min > a.Max { // no data
		a.Min, a.Max = 0, 1
	}
	if a.Min == a.Max {
		a.Min -= by
		a.Max += by
	}
}

// niceTicks puts about n labelled ticks at round steps (1, 2, 2.5 or 5
// times a power of ten) with an unlabelled tick half way between;
// gonum's default gives only three or so labels, too few to read values off
// a training curve. With integer set, steps are whole numbers (epochs).
type niceTicks struct {
	n       int
	integer bool
}

func (t niceTicks) Ticks(min, max float64) []plot.Tick {
	if !(max > min) || !isFinite(max-min) {
		return nil
	}
	raw := (max - min) / float64(t.n)
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := 10 * mag
	for _, f := range []float64{1, 2, 2.5, 5} {
		if f*mag >= raw {
			step = f * mag
			break
		}
	}
	if t.integer {
		step = math.Max(1, math.Round(step))
	}
	// Decimals needed to tell labels apart; Sprintf with %.*f avoids
	// labels such as 0.30000000000000004.
	prec := max0(int(-math.Floor(math.Log10(step) + 1e-9)))
	if step*math.Pow(10, float64(prec)) != math.Round(step*math.Pow(10, float64(prec))) {
		prec++ // steps of 2.5
	}
	var out []plot.Tick
	first := math.Ceil(min/step) * step
	// The bound on i also ends the loop where step is too small to change v
	// (a tiny range far from zero).
	for i := 0; i <= 2*t.n+2; i++ {
		v := first + float64(i)*step
		if v > max+step*1e-9 {
			break
		}
		out = append(out, plot.Tick{Value: v, Label: fmt.Sprintf("%.*f", prec, v)})
		minor := v + step/2
		if minor <= max && (!t.integer || minor == math.Trunc(minor)) {
			out = append(out, plot.Tick{Value: minor})
		}
	}
	if first-step/2 >= min && (!t.integer || first-step/2 == math.Trunc(first-step/2)) {
		out = append(out, plot.Tick{Value: first - step/2})
	}
	return out
}

func max0(x int) int {
	if x < 0 {
		return 0
	}
	return x
}
