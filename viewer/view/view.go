// Package view draws one frame of the viewer into an *image.RGBA: the galaxy
// with its attention overlay on the left, and a side panel with the file, the
// five probabilities, the hierarchy's decisions, the overlay settings and the
// keys. It imports no ebiten, so everything the viewer shows can be tested
// without a display; the ebiten side only uploads the frame, reads input and
// keeps State.
package view

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"path/filepath"

	xdraw "golang.org/x/image/draw"

	"github.com/hiwl/hiwl/model"
	"github.com/hiwl/hiwl/viewer/gallery"
	"github.com/hiwl/hiwl/viewer/overlay"
)

// Frame size in pixels; the window scales it.
const (
	Width  = 1080
	Height = 720
)

// ImageBox is where the galaxy is drawn (aspect kept, centred).
var ImageBox = image.Rect(20, 20, 700, 700)

// PanelX0 is the left edge of the side panel.
const PanelX0 = panelX0

// The panel's columns and the probability rows, which are also click targets.
const (
	panelX0  = 724
	panelX1  = Width - 20
	rowsTop  = 190
	rowH     = 30
	dimLevel = 0.45 // brightness outside the network's crop
)

// State is everything a frame depends on.
type State struct {
	Index, Count int // position in the list, 0-based
	Path         string
	Item         *gallery.Item // nil while nothing is loaded

	Predicted bool        // show the map of the predicted class ...
	Class     model.Class // ... or of this one
	Colormap  *overlay.Colormap
	Opacity   float32
	Overlay   bool // the map is drawn at all
	Contour   bool // as contour lines rather than a colour wash

	Sheet *Sheet // the contact sheet, drawn instead of the single view when set

	ModelVersion string
	Message      string // a transient note, e.g. "saved view.png"
}

// MapClass is the class whose map is shown; ok is false while the predicted
// class is asked for and not known yet.
func (s *State) MapClass() (c model.Class, ok bool) {
	if !s.Predicted {
		return s.Class, true
	}
	if s.Item != nil && s.Item.Result != nil {
		return s.Item.Result.Label, true
	}
	return 0, false
}

// ClassAt reports which probability row of the panel contains p, so that a
// click there shows that class's map.
func ClassAt(p image.Point) (model.Class, bool) {
	for _, c := range model.Classes {
		if p.In(classRow(c)) {
			return c, true
		}
	}
	return 0, false
}

// ClassRowMid is the y coordinate of the middle of class c's row.
func ClassRowMid(c model.Class) int {
	r := classRow(c)
	return (r.Min.Y + r.Max.Y) / 2
}

func classRow(c model.Class) image.Rectangle {
	y := rowsTop + int(c)*rowH
	return image.Rect(panelX0, y, panelX1, y+rowH)
}

// OverlayRect is where the map of item is drawn in the frame: the network's
// crop, projected onto the scaled image.
func OverlayRect(it *gallery.Item) image.Rectangle {
	if it == nil || it.Image == nil {
		return image.Rectangle{}
	}
	b := it.Image.Bounds()
	return overlay.Project(it.Crop, b, overlay.Fit(b.Dx(), b.Dy(), ImageBox))
}

// Scale draws img scaled into r of dst. Enlarging (the usual case: 424-pixel
// Galaxy Zoo images in a 680-pixel box) uses plain bilinear interpolation,
// which is several times faster than x/image/draw's BiLinear and the same
// for enlargement; shrinking uses BiLinear, which widens its kernel to
// avoid aliasing.
func Scale(dst *image.RGBA, r image.Rectangle, img image.Image) {
	b := img.Bounds()
	if r.Dx() >= b.Dx() && r.Dy() >= b.Dy() {
		xdraw.ApproxBiLinear.Scale(dst, r, img, b, xdraw.Src, nil)
		return
	}
	xdraw.BiLinear.Scale(dst, r, img, b, xdraw.Src, nil)
}

// Colours of the frame.
var (
	bgColour     = color.RGBA{0x0f, 0x13, 0x17, 255}
	boxColour    = color.RGBA{0x0a, 0x0d, 0x10, 255}
	textColour   = color.RGBA{0xe6, 0xe8, 0xeb, 255}
	greyColour   = color.RGBA{0x8b, 0x94, 0x9e, 255}
	faintColour  = color.RGBA{0x2d, 0x33, 0x3b, 255}
	accentColour = color.RGBA{0x58, 0xa6, 0xff, 255}
	barColour    = color.RGBA{0x4a, 0x5a, 0x6e, 255}
	selColour    = color.RGBA{0x1c, 0x26, 0x31, 255}
	errColour    = color.RGBA{0xf8, 0x51, 0x49, 255}
	errBgColour  = color.RGBA{0x35, 0x15, 0x18, 255}
	cropColour   = color.RGBA{0xc8, 0xd1, 0xd9, 255}
)

// Renderer draws frames. It caches the scaled galaxy and the upsampled map
// of the last item, so changing opacity or colour map redraws in a few
// milliseconds. A Renderer is not safe for concurrent use.
type Renderer struct {
	scaledFor image.Image // the source of scaled
	scaled    *image.RGBA // ImageBox-sized, the galaxy fitted into it
	heatKey   heatKey
	heat      []float32
}

type heatKey struct {
	res   *gallery.Result
	class model.Class
	rect  image.Rectangle
}

// Render draws s into dst, which must be Width x Height.
func (r *Renderer) Render(dst *image.RGBA, s *State) {
	f := loadFaces()
	fill(dst, dst.Bounds(), bgColour)
	if s.Sheet != nil {
		renderSheet(dst, s.Sheet, f)
		return
	}
	r.drawImage(dst, s, f)
	r.drawPanel(dst, s, f)
}

func (r *Renderer) drawImage(dst *image.RGBA, s *State, f *faces) {
	box := ImageBox
	fill(dst, box, boxColour)
	it := s.Item
	cx := (box.Min.X + box.Max.X) / 2
	cy := (box.Min.Y + box.Max.Y) / 2
	switch {
	case it == nil:
		drawTextCentred(dst, f.bold, cx, cy-10, greyColour, "loading…")
		drawTextCentred(dst, f.small, cx, cy+14, greyColour, ellipsize(f.small, filepath.Base(s.Path), box.Dx()-40))
		return
	case it.Image == nil:
		r.drawErrorCard(dst, it, f)
		return
	}

	if r.scaledFor != it.Image {
		r.scaled = image.NewRGBA(box)
		fill(r.scaled, box, boxColour)
		Scale(r.scaled, overlay.Fit(it.Image.Bounds().Dx(), it.Image.Bounds().Dy(), box), it.Image)
		r.scaledFor = it.Image
	}
	draw.Draw(dst, box, r.scaled, box.Min, draw.Src)

	class, known := s.MapClass()
	if s.Overlay && it.Result != nil && known {
		crop := OverlayRect(it)
		key := heatKey{it.Result, class, crop}
		if r.heatKey != key {
			res := it.Result
			r.heat = overlay.Upsample(res.CAMs[class], res.CAMSide, crop.Dx(), crop.Dy())
			r.heatKey = key
		}
		overlay.Dim(dst.SubImage(box).(*image.RGBA), crop, dimLevel)
		if s.Contour {
			overlay.Contour(dst, crop, r.heat, s.Colormap, overlay.ContourLevels)
		} else {
			overlay.Blend(dst, crop, r.heat, s.Colormap, s.Opacity)
		}
		overlay.Outline(dst, crop.Inset(-1), cropColour)
	}

	// Badges over the image say what is still going on.
	switch {
	case it.Err != nil:
		badge(dst, f, box.Min.X+12, box.Min.Y+12, errColour, "not classified: "+it.Err.Error(), box.Dx()-24)
	case it.Result == nil:
		badge(dst, f, box.Min.X+12, box.Min.Y+12, textColour, "classifying…", box.Dx()-24)
	}
	if s.Message != "" {
		badge(dst, f, box.Min.X+12, box.Max.Y-40, textColour, s.Message, box.Dx()-24)
	}
}

func (r *Renderer) drawErrorCard(dst *image.RGBA, it *gallery.Item, f *faces) {
	card := image.Rect(ImageBox.Min.X+60, ImageBox.Min.Y+200, ImageBox.Max.X-60, ImageBox.Max.Y-200)
	fill(dst, card, errBgColour)
	overlay.Outline(dst, card, errColour)
	x, y := card.Min.X+24, card.Min.Y+44
	drawText(dst, f.big, x, y, errColour, "Cannot show this file")
	y += 32
	drawText(dst, f.bold, x, y, textColour, ellipsize(f.bold, it.Path, card.Dx()-48))
	y += 28
	for _, line := range wrap(f.regular, it.Err.Error(), card.Dx()-48) {
		if y > card.Max.Y-60 {
			break
		}
		drawText(dst, f.regular, x, y, textColour, line)
		y += 20
	}
	drawText(dst, f.small, x, card.Max.Y-24, greyColour, "→ or a click on the right half skips it")
}

func (r *Renderer) drawPanel(dst *image.RGBA, s *State, f *faces) {
	x0, x1 := panelX0, panelX1
	w := x1 - x0
	drawText(dst, f.title, x0, 44, textColour, "hiwl viewer")
	drawTextRight(dst, f.small, x1, 44, greyColour, ellipsize(f.small, "model "+s.ModelVersion, w-130))

	drawText(dst, f.bold, x0, 78, textColour, ellipsize(f.bold, filepath.Base(s.Path), w))
	info := fmt.Sprintf("image %d of %d", s.Index+1, s.Count)
	if s.Item != nil && s.Item.Image != nil {
		b := s.Item.Image.Bounds()
		info += fmt.Sprintf("  ·  %d×%d px", b.Dx(), b.Dy())
	}
	drawText(dst, f.small, x0, 98, greyColour, info)
	// The folder often carries a label (spirals/, non_spirals/): keep it,
	// shortened from the middle, in the room left on the line.
	room := w - textWidth(f.small, info) - 24
	drawTextRight(dst, f.small, x1, 98, greyColour, ellipsize(f.small, filepath.Dir(s.Path), room))
	hline(dst, x0, x1, 112)

	drawText(dst, f.small, x0, 136, greyColour, "PREDICTION")
	var res *gallery.Result
	switch it := s.Item; {
	case it == nil || (it.Result == nil && it.Err == nil):
		drawText(dst, f.big, x0, 166, greyColour, "classifying…")
	case it.Image == nil:
		drawText(dst, f.big, x0, 166, errColour, "unreadable")
	case it.Result == nil:
		drawText(dst, f.big, x0, 166, errColour, "not classified")
	default:
		res = it.Result
		label := res.Label.String()
		drawText(dst, f.big, x0, 166, textColour, label)
		if res.LabelNote != "" {
			// The long labels ("cigar-shaped smooth") leave no room for
			// the whole hint beside them.
			hint := "not the top class: see below"
			if x0+textWidth(f.big, label)+12+textWidth(f.small, hint) > x1 {
				hint = "see below"
			}
			drawTextRight(dst, f.small, x1, 166, accentColour, hint)
		}
	}

	class, known := s.MapClass()
	drawTextRight(dst, f.small, x1, 136, greyColour, "click or 1–5: map")
	for _, c := range model.Classes {
		row := classRow(c)
		if known && c == class {
			fill(dst, row, selColour)
			fill(dst, image.Rect(row.Min.X, row.Min.Y, row.Min.X+3, row.Max.Y), accentColour)
		}
		face, col := f.regular, textColour
		if res != nil && c == res.Label {
			face = f.bold
		}
		base := row.Min.Y + 18
		drawText(dst, f.small, row.Min.X+10, base, greyColour, fmt.Sprint(int(c)+1))
		drawText(dst, face, row.Min.X+26, base, col, c.String())
		bar := image.Rect(row.Min.X+26, row.Max.Y-6, row.Max.X-8, row.Max.Y-3)
		fill(dst, bar, faintColour)
		if res != nil {
			p := res.Probabilities[c]
			drawTextRight(dst, face, row.Max.X-8, base, col, percent(p))
			barCol := barColour
			if c == res.Label {
				barCol = accentColour
			}
			fill(dst, image.Rect(bar.Min.X, bar.Min.Y, bar.Min.X+int(float32(bar.Dx())*clamp01(p)+0.5), bar.Max.Y), barCol)
		}
	}

	y := rowsTop + model.NumClasses*rowH + 26
	drawText(dst, f.small, x0, y, greyColour, "HIERARCHY")
	y += 22
	aDec, bDec := "", ""
	if res != nil {
		aDec, bDec = model.ANames[model.Argmax(res.A[:])], model.BNames[model.Argmax(res.B[:])]
	}
	drawText(dst, f.bold, x0, y, textColour, "Network A")
	drawTextRight(dst, f.regular, x1, y, textColour, aDec)
	y += 4
	for i, name := range model.ANames {
		y += 18
		y = r.miniRow(dst, f, y, name, res, func(r *gallery.Result) float32 { return r.A[i] }, name == aDec)
	}
	y += 28
	drawText(dst, f.bold, x0, y, textColour, "Network B")
	bNote := bDec
	if res != nil && model.Argmax(res.A[:]) != model.AMerged {
		bNote = bDec + " (not consulted)"
	}
	drawTextRight(dst, f.regular, x1, y, textColour, bNote)
	y += 4
	for i, name := range model.BNames {
		y += 18
		y = r.miniRow(dst, f, y, name, res, func(r *gallery.Result) float32 { return r.B[i] }, name == bDec)
	}

	if res != nil && res.LabelNote != "" {
		// The label is not the largest probability: say why, in the
		// words the CLI and the page use, marked on the label above. The
		// three lines take the place of the OVERLAY heading, so the map
		// key stays above the help lines.
		y += 4
		for i, line := range wrap(f.small, res.LabelNote, w) {
			if i == 3 {
				break // the sentence fits in three lines; never overrun the map key
			}
			y += 15
			drawText(dst, f.small, x0, y, accentColour, line)
		}
		y += 30
	} else {
		y += 32
		drawText(dst, f.small, x0, y, greyColour, "OVERLAY")
		if known {
			// Cigar and edge-on maps come from network B, the others from A.
			net := "network A's map"
			if _, ok := model.BIndex(class); ok {
				net = "network B's map"
			}
			drawTextRight(dst, f.small, x1, y, greyColour, net)
		}
		y += 22
	}
	mapText := "map: predicted class"
	if known {
		mapText = "map: " + class.String()
		if s.Predicted {
			mapText += " (predicted)"
		}
		if res != nil && res.CAMPeak[class] <= 0 {
			mapText += " · no positive evidence"
		}
	}
	drawText(dst, f.regular, x0, y, textColour, ellipsize(f.regular, mapText, w))
	y += 12
	ramp := image.Rect(x0, y, x1, y+12)
	for x := ramp.Min.X; x < ramp.Max.X; x++ {
		c := s.Colormap.At(float32(x-ramp.Min.X) / float32(ramp.Dx()-1))
		fill(dst, image.Rect(x, ramp.Min.Y, x+1, ramp.Max.Y), c)
	}
	y += 28
	drawText(dst, f.small, x0, y, greyColour, "none")
	drawTextRight(dst, f.small, x1, y, greyColour, "strongest")
	state := "on"
	switch {
	case !s.Overlay:
		state = "off"
	case s.Contour:
		state = "contours"
	}
	drawTextCentred(dst, f.small, (x0+x1)/2, y, textColour,
		fmt.Sprintf("%s · opacity %d %% · %s", s.Colormap.Name, int(s.Opacity*100+0.5), state))

	hline(dst, x0, x1, Height-62)
	drawText(dst, f.small, x0, Height-42, greyColour, "←/→ wheel click: prev/next   1–5: map   0: predicted")
	drawText(dst, f.small, x0, Height-24, greyColour, "↑↓ opacity  O overlay  K contours  C colour  S save  G grid")
}

// miniRow draws one output of a network: name, probability and a thin bar.
func (r *Renderer) miniRow(dst *image.RGBA, f *faces, y int, name string, res *gallery.Result, p func(*gallery.Result) float32, chosen bool) int {
	col := greyColour
	if chosen {
		col = textColour
	}
	drawText(dst, f.small, panelX0+12, y, col, name)
	if res != nil {
		v := p(res)
		drawTextRight(dst, f.small, panelX1-8, y, col, percent(v))
		bar := image.Rect(panelX1-128, y-8, panelX1-68, y-4)
		fill(dst, bar, faintColour)
		fill(dst, image.Rect(bar.Min.X, bar.Min.Y, bar.Min.X+int(float32(bar.Dx())*clamp01(v)+0.5), bar.Max.Y), barColour)
	}
	return y
}

// badge draws one line of text on a dark plate so it reads over any image.
func badge(dst *image.RGBA, f *faces, x, y int, c color.RGBA, s string, maxW int) {
	s = ellipsize(f.regular, s, maxW-20)
	plate := image.Rect(x, y, x+textWidth(f.regular, s)+20, y+28)
	draw.Draw(dst, plate, image.NewUniform(color.RGBA{0, 0, 0, 0xb0}), image.Point{}, draw.Over)
	drawText(dst, f.regular, x+10, y+19, c, s)
}

func fill(dst *image.RGBA, r image.Rectangle, c color.RGBA) {
	draw.Draw(dst, r, image.NewUniform(c), image.Point{}, draw.Src)
}

func hline(dst *image.RGBA, x0, x1, y int) {
	fill(dst, image.Rect(x0, y, x1, y+1), faintColour)
}

func percent(p float32) string { return fmt.Sprintf("%.1f %%", 100*p) }

func clamp01(v float32) float32 { return min(max(v, 0), 1) }
