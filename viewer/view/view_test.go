package view

import (
	"errors"
	"image"
	"image/color"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/hiwl/hiwl/model"
	"github.com/hiwl/hiwl/viewer/gallery"
	"github.com/hiwl/hiwl/viewer/overlay"
)

const galaxy = "../../../shared/data/gz-challenge-spiral/validation/spirals/170676.jpg"

// classified loads a real Galaxy Zoo image and classifies it with the
// embedded model, through the viewer's loader.
func classified(t testing.TB) *gallery.Item {
	t.Helper()
	clf, err := model.Default()
	if err != nil {
		t.Fatalf("embedded model: %v", err)
	}
	l := gallery.NewLoader([]string{galaxy}, clf, 1)
	defer l.Close()
	l.Focus(0)
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if it := l.Item(0); it.Done() {
			if it.Err != nil {
				t.Fatal(it.Err)
			}
			return it
		}
	}
	t.Fatal("not classified in time")
	return nil
}

func render(s *State) *image.RGBA {
	dst := image.NewRGBA(image.Rect(0, 0, Width, Height))
	var r Renderer
	r.Render(dst, s)
	return dst
}

func baseState(it *gallery.Item) *State {
	return &State{Count: 1, Path: galaxy, Item: it, Class: model.Spiral, Colormap: overlay.Jet, Opacity: 0.8, Overlay: true, ModelVersion: "test"}
}

// plain is the galaxy scaled into the image box with nothing on it.
func plain(it *gallery.Item) *image.RGBA {
	dst := image.NewRGBA(ImageBox)
	b := it.Image.Bounds()
	Scale(dst, overlay.Fit(b.Dx(), b.Dy(), ImageBox), it.Image)
	return dst
}

func TestRenderOverlayInCrop(t *testing.T) {
	it := classified(t)
	s := baseState(it)
	on := render(s)
	s.Overlay = false
	off := render(s)
	ref := plain(it)
	crop := OverlayRect(it)
	if crop.Empty() || !crop.In(ImageBox) {
		t.Fatalf("overlay rectangle %v not inside the image box", crop)
	}

	// Overlay off: the image box is exactly the scaled galaxy.
	for y := ImageBox.Min.Y; y < ImageBox.Max.Y; y++ {
		for x := ImageBox.Min.X; x < ImageBox.Max.X; x++ {
			if got, want := off.RGBAAt(x, y), ref.RGBAAt(x, y); got != want && (image.Point{x, y}).In(overlay.Fit(424, 424, ImageBox)) {
				t.Fatalf("overlay off: pixel (%d,%d) = %v, galaxy has %v", x, y, got, want)
			}
		}
	}

	// Overlay on: outside the crop the galaxy is dimmed to dimLevel ...
	for _, p := range []image.Point{{ImageBox.Min.X + 30, ImageBox.Min.Y + 30}, {ImageBox.Max.X - 30, (ImageBox.Min.Y + ImageBox.Max.Y) / 2}} {
		c := ref.RGBAAt(p.X, p.Y)
		want := color.RGBA{dim(c.R), dim(c.G), dim(c.B), 255}
		if got := on.RGBAAt(p.X, p.Y); got != want {
			t.Errorf("outside the crop %v = %v, want dimmed %v", p, got, want)
		}
	}
	// ... and inside, the map adds colour where the CAM is strong and
	// leaves the galaxy alone where it is zero.
	heat := overlay.Upsample(it.Result.CAMs[model.Spiral], it.Result.CAMSide, crop.Dx(), crop.Dy())
	strong, coloured, zero, untouched := 0, 0, 0, 0
	for y := crop.Min.Y; y < crop.Max.Y; y++ {
		for x := crop.Min.X; x < crop.Max.X; x++ {
			h := heat[(y-crop.Min.Y)*crop.Dx()+(x-crop.Min.X)]
			got, base := on.RGBAAt(x, y), ref.RGBAAt(x, y)
			switch {
			case h > 0.5:
				strong++
				// At opacity 0.8 and a map value over 0.5 the colour map
				// moves a pixel by at least ~100 summed over RGB, on dark sky
				// and on a bright core alike (a saturation test fails on a
				// core that is already yellow).
				if distance(got, base) > 60 {
					coloured++
				}
			case h == 0:
				zero++
				if got == base {
					untouched++
				}
			}
		}
	}
	if strong == 0 {
		t.Fatal("the spiral CAM has no strong cell; nothing to test")
	}
	if coloured < strong*9/10 {
		t.Errorf("only %d of %d strong-attention pixels took the colour map's hue", coloured, strong)
	}
	if untouched != zero {
		t.Errorf("%d of %d zero-attention pixels were changed", zero-untouched, zero)
	}
}

func dim(v uint8) uint8 { return uint8(float32(v)*dimLevel + 0.5) }

func distance(a, b color.RGBA) int {
	d := func(x, y uint8) int { return max(int(x)-int(y), int(y)-int(x)) }
	return d(a.R, b.R) + d(a.G, b.G) + d(a.B, b.B)
}

func TestRenderMapFollowsClass(t *testing.T) {
	it := classified(t)
	crop := OverlayRect(it)
	frames := map[model.Class]*image.RGBA{}
	for _, c := range model.Classes {
		s := baseState(it)
		s.Class = c
		frames[c] = render(s)
	}
	// Predicted is the same as asking for the predicted class.
	s := baseState(it)
	s.Predicted = true
	if d := diff(render(s), frames[it.Result.Label], crop); d != 0 {
		t.Errorf("predicted map differs from the %v map in %d pixels", it.Result.Label, d)
	}
	if d := diff(frames[model.Spiral], frames[model.Round], crop); d < crop.Dx()*crop.Dy()/50 {
		t.Errorf("spiral and round maps differ in only %d pixels of the crop", d)
	}
	if d := diff(frames[model.Cigar], frames[model.InBetween], crop); d == 0 {
		t.Error("a network B map (cigar) is drawn like a network A map (in-between)")
	}
}

func diff(a, b *image.RGBA, r image.Rectangle) int {
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if a.RGBAAt(x, y) != b.RGBAAt(x, y) {
				n++
			}
		}
	}
	return n
}

func TestRenderOpacityAndColormap(t *testing.T) {
	it := classified(t)
	crop := OverlayRect(it)
	s := baseState(it)
	s.Opacity = 0
	ref := plain(it)
	zero := render(s)
	for y := crop.Min.Y; y < crop.Max.Y; y++ {
		for x := crop.Min.X; x < crop.Max.X; x++ {
			if zero.RGBAAt(x, y) != ref.RGBAAt(x, y) {
				t.Fatalf("opacity 0 changed pixel (%d,%d)", x, y)
			}
		}
	}
	s.Opacity = 1
	jet := render(s)
	s.Colormap = overlay.Grey
	grey := render(s)
	if diff(jet, grey, crop) == 0 {
		t.Error("changing the colour map changed nothing")
	}
}

func count(img *image.RGBA, r image.Rectangle, c color.RGBA) int {
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if img.RGBAAt(x, y) == c {
				n++
			}
		}
	}
	return n
}

func TestRenderLoadingAndErrors(t *testing.T) {
	s := baseState(nil)
	loading := render(s)
	if n := count(loading, ImageBox, boxColour); n < ImageBox.Dx()*ImageBox.Dy()*9/10 {
		t.Errorf("loading: image box is not empty (%d background pixels)", n)
	}
	if count(loading, ImageBox, greyColour) == 0 {
		t.Error("loading: no text in the image box")
	}

	s.Item = &gallery.Item{Path: "broken.jpg", Err: errors.New("model: image data is truncated or corrupt: unexpected EOF")}
	card := render(s)
	if n := count(card, ImageBox, errBgColour); n < 100_000 {
		t.Errorf("unreadable file: %d error-card pixels", n)
	}
	if count(card, ImageBox, errColour) == 0 {
		t.Error("unreadable file: no red title or border")
	}

	// Decoded but not classified: the galaxy shows with a badge and no map.
	it := classified(t)
	partial := *it
	partial.Result = nil
	s.Item = &partial
	frame := render(s)
	ref := plain(it)
	crop := OverlayRect(it)
	mid := image.Pt((crop.Min.X+crop.Max.X)/2, (crop.Min.Y+crop.Max.Y)/2)
	if frame.RGBAAt(mid.X, mid.Y) != ref.RGBAAt(mid.X, mid.Y) {
		t.Error("classifying: an overlay was drawn before the result")
	}
	badge := image.Rect(ImageBox.Min.X+12, ImageBox.Min.Y+12, ImageBox.Min.X+140, ImageBox.Min.Y+40)
	if count(frame, badge, textColour) == 0 {
		t.Error("classifying: no badge text")
	}
}

func TestClassAt(t *testing.T) {
	for _, c := range model.Classes {
		r := classRow(c)
		mid := image.Pt((r.Min.X+r.Max.X)/2, (r.Min.Y+r.Max.Y)/2)
		if got, ok := ClassAt(mid); !ok || got != c {
			t.Errorf("ClassAt(middle of row %v) = %v, %v", c, got, ok)
		}
	}
	for _, p := range []image.Point{{10, 10}, {ImageBox.Max.X - 1, rowsTop + 5}, {panelX0 + 5, rowsTop - 1}, {panelX0 + 5, rowsTop + model.NumClasses*rowH}} {
		if c, ok := ClassAt(p); ok {
			t.Errorf("ClassAt(%v) = %v, want none", p, c)
		}
	}
}

func TestMapClass(t *testing.T) {
	s := &State{Predicted: true}
	if _, ok := s.MapClass(); ok {
		t.Error("predicted class known before classification")
	}
	s.Item = &gallery.Item{Result: &gallery.Result{Label: model.EdgeOn}}
	if c, ok := s.MapClass(); !ok || c != model.EdgeOn {
		t.Errorf("MapClass = %v, %v; want edge-on", c, ok)
	}
	s.Predicted, s.Class = false, model.Cigar
	if c, ok := s.MapClass(); !ok || c != model.Cigar {
		t.Errorf("MapClass = %v, %v; want cigar", c, ok)
	}
}

func TestWritePNG(t *testing.T) {
	dir := t.TempDir()
	img := image.NewRGBA(image.Rect(0, 0, 3, 2))
	img.SetRGBA(1, 1, color.RGBA{10, 20, 30, 255})
	path := filepath.Join(dir, "view.png")
	if err := WritePNG(path, img); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, _, err := image.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	if r, g, b, _ := got.At(1, 1).RGBA(); r>>8 != 10 || g>>8 != 20 || b>>8 != 30 {
		t.Errorf("pixel read back as %d %d %d", r>>8, g>>8, b>>8)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("folder holds %d files after a save, want just the PNG", len(entries))
	}
	if err := WritePNG(filepath.Join(dir, "missing", "x.png"), img); err == nil {
		t.Error("saving into a missing folder succeeded")
	}
}

func TestEllipsizeAndWrap(t *testing.T) {
	f := loadFaces().small
	long := "../shared/data/gz-challenge-spiral/validation/spirals/170676.jpg"
	s := ellipsize(f, long, 150)
	if textWidth(f, s) > 150 || s == long {
		t.Errorf("ellipsize(%q) = %q, %d px wide", long, s, textWidth(f, s))
	}
	if got := ellipsize(f, "short", 150); got != "short" {
		t.Errorf("ellipsize changed a fitting string to %q", got)
	}
	for _, line := range wrap(f, "a "+long+" b c", 120) {
		if textWidth(f, line) > 120 {
			t.Errorf("wrapped line %q is %d px wide", line, textWidth(f, line))
		}
	}
}
