package overlay

import (
	"image"
	"image/color"
	"slices"
	"testing"
)

func TestUpsample(t *testing.T) {
	tests := []struct {
		name       string
		in         []float32
		side, w, h int
		want       []float32
	}{
		{"identity", []float32{1, 2, 3, 4, 5, 6, 7, 8, 9}, 3, 3, 3, []float32{1, 2, 3, 4, 5, 6, 7, 8, 9}},
		{"constant", []float32{0.25}, 1, 3, 2, []float32{0.25, 0.25, 0.25, 0.25, 0.25, 0.25}},
		// Cell-centred 2x -> 4x: outer pixels clamp to the cells, inner
		// ones sit a quarter and three quarters of the way between centres.
		{"2x2 to 4x4", []float32{0, 1, 2, 3}, 2, 4, 4, []float32{
			0, 0.25, 0.75, 1,
			0.5, 0.75, 1.25, 1.5,
			1.5, 1.75, 2.25, 2.5,
			2, 2.25, 2.75, 3,
		}},
		{"2x2 to 1x1 averages", []float32{0, 1, 2, 3}, 2, 1, 1, []float32{1.5}},
		{"non-square output", []float32{0, 4, 8, 12}, 2, 4, 1, []float32{4, 5, 7, 8}},
		{"short input", []float32{1, 2, 3}, 2, 4, 4, nil},
		{"zero size", []float32{1}, 1, 0, 4, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Upsample(tt.in, tt.side, tt.w, tt.h)
			if !slices.Equal(got, tt.want) {
				t.Errorf("Upsample = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestUpsampleStaysInRange(t *testing.T) {
	in := []float32{0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1}
	for _, v := range Upsample(in, 4, 37, 53) {
		if v < 0 || v > 1 {
			t.Fatalf("value %v outside the input range [0,1]", v)
		}
	}
}

func TestColormapEndpoints(t *testing.T) {
	tests := []struct {
		cm       *Colormap
		v        float32
		want     color.RGBA
		describe string
	}{
		{Inferno, 0, color.RGBA{0x00, 0x00, 0x04, 255}, "inferno starts near black"},
		{Inferno, 1, color.RGBA{0xfc, 0xff, 0xa4, 255}, "inferno ends pale yellow"},
		{Viridis, 0, color.RGBA{0x44, 0x01, 0x54, 255}, "viridis starts purple"},
		{Viridis, 1, color.RGBA{0xfd, 0xe7, 0x25, 255}, "viridis ends yellow"},
		{Jet, 0, color.RGBA{0, 0, 128, 255}, "jet starts dark blue"},
		{Jet, 1, color.RGBA{128, 0, 0, 255}, "jet ends dark red"},
		{Grey, 0.5, color.RGBA{128, 128, 128, 255}, "grey is the value"},
		{Grey, -3, color.RGBA{0, 0, 0, 255}, "below 0 clamps"},
		{Grey, 7, color.RGBA{255, 255, 255, 255}, "above 1 clamps"},
	}
	for _, tt := range tests {
		if got := tt.cm.At(tt.v); got != tt.want {
			t.Errorf("%s: %s.At(%v) = %v, want %v", tt.describe, tt.cm.Name, tt.v, got, tt.want)
		}
	}
}

// Inferno and viridis must get brighter monotonically; that is what makes
// them readable as "more attention" without a legend.
func TestColormapLuminanceMonotonic(t *testing.T) {
	for _, cm := range []*Colormap{Inferno, Viridis, Grey} {
		prev := -1.0
		for i := 0; i < 256; i++ {
			c := cm.At(float32(i) / 255)
			l := 0.2126*float64(c.R) + 0.7152*float64(c.G) + 0.0722*float64(c.B)
			if l < prev-0.5 {
				t.Fatalf("%s: luminance drops at %d: %.1f after %.1f", cm.Name, i, l, prev)
			}
			prev = l
		}
	}
}

func TestByNameAndNext(t *testing.T) {
	for _, cm := range Colormaps {
		got, err := ByName(cm.Name)
		if err != nil || got != cm {
			t.Errorf("ByName(%q) = %v, %v", cm.Name, got, err)
		}
	}
	if _, err := ByName("rainbow"); err == nil {
		t.Error("ByName(rainbow) accepted an unknown map")
	}
	c := Colormaps[0]
	for range Colormaps {
		c = Next(c)
	}
	if c != Colormaps[0] {
		t.Errorf("cycling through %d maps ended at %s", len(Colormaps), c.Name)
	}
}

func grey(w, h int, v uint8) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = v
		if i%4 == 3 {
			img.Pix[i] = 255
		}
	}
	return img
}

func TestBlend(t *testing.T) {
	tests := []struct {
		name    string
		cm      *Colormap
		heat    float32
		opacity float32
		want    color.RGBA
	}{
		{"zero heat leaves the image", Jet, 0, 1, color.RGBA{100, 100, 100, 255}},
		{"full heat, half opacity", Grey, 1, 0.5, color.RGBA{178, 178, 178, 255}}, // 100*.5 + 255*.5 = 177.5
		{"half heat, full opacity", Grey, 0.5, 1, color.RGBA{114, 114, 114, 255}}, // a=.5: 100*.5 + 128*.5
		{"full heat, full opacity", Jet, 1, 1, color.RGBA{128, 0, 0, 255}},        // the colour itself
		{"opacity zero", Jet, 1, 0, color.RGBA{100, 100, 100, 255}},               // overlay off
		{"opacity above one clamps", Inferno, 1, 4, color.RGBA{0xfc, 0xff, 0xa4, 255}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			img := grey(4, 4, 100)
			r := image.Rect(1, 1, 3, 3)
			heat := []float32{tt.heat, tt.heat, tt.heat, tt.heat}
			Blend(img, r, heat, tt.cm, tt.opacity)
			for y := 0; y < 4; y++ {
				for x := 0; x < 4; x++ {
					want := color.RGBA{100, 100, 100, 255}
					if (image.Point{x, y}).In(r) {
						want = tt.want
					}
					if got := img.RGBAAt(x, y); got != want {
						t.Errorf("pixel (%d,%d) = %v, want %v", x, y, got, want)
					}
				}
			}
		})
	}
}

func TestBlendPerPixelAndClipped(t *testing.T) {
	img := grey(2, 1, 0)
	// The rectangle reaches past the image: only the visible part is drawn.
	Blend(img, image.Rect(0, 0, 3, 1), []float32{1, 0.5, 1}, Grey, 1)
	if got, want := img.Pix, []uint8{255, 255, 255, 255, 64, 64, 64, 255}; !slices.Equal(got, want) {
		t.Errorf("pixels = %v, want %v", got, want) // 0*.5 + 128*.5 = 64
	}
}

func TestDimAndOutline(t *testing.T) {
	img := grey(4, 4, 200)
	keep := image.Rect(1, 1, 3, 3)
	Dim(img, keep, 0.5)
	for y := 0; y < 4; y++ {
		for x := 0; x < 4; x++ {
			want := uint8(100)
			if (image.Point{x, y}).In(keep) {
				want = 200
			}
			if got := img.RGBAAt(x, y); got != (color.RGBA{want, want, want, 255}) {
				t.Errorf("Dim: pixel (%d,%d) = %v, want %d", x, y, got, want)
			}
		}
	}
	red := color.RGBA{255, 0, 0, 255}
	Outline(img, keep, red)
	for _, p := range []image.Point{{1, 1}, {2, 1}, {1, 2}, {2, 2}} {
		if got := img.RGBAAt(p.X, p.Y); got != red {
			t.Errorf("Outline: pixel %v = %v, want red", p, got)
		}
	}
	if got := img.RGBAAt(0, 0); got == red {
		t.Error("Outline drew outside its rectangle")
	}
}

func TestFitAndProject(t *testing.T) {
	tests := []struct {
		w, h int
		box  image.Rectangle
		want image.Rectangle
	}{
		{424, 424, image.Rect(0, 0, 640, 600), image.Rect(20, 0, 620, 600)},
		{400, 200, image.Rect(10, 10, 210, 210), image.Rect(10, 60, 210, 160)},
		{0, 10, image.Rect(0, 0, 5, 5), image.Rectangle{}},
	}
	for _, tt := range tests {
		if got := Fit(tt.w, tt.h, tt.box); got != tt.want {
			t.Errorf("Fit(%d, %d, %v) = %v, want %v", tt.w, tt.h, tt.box, got, tt.want)
		}
	}
	// The 240-pixel evaluation crop of a 424 image drawn at 640x640 from (20,20):
	// 92*640/424 = 138.9, 332*640/424 = 501.1.
	crop := image.Rect(92, 92, 332, 332)
	got := Project(crop, image.Rect(0, 0, 424, 424), image.Rect(20, 20, 660, 660))
	if want := image.Rect(159, 159, 521, 521); got != want {
		t.Errorf("Project = %v, want %v", got, want)
	}
}

func TestContour(t *testing.T) {
	// A ramp from 0 to 1 across 8 pixels: one line per level, nothing else
	// touched.
	dst := grey(8, 2, 10)
	heat := make([]float32, 16)
	for y := 0; y < 2; y++ {
		for x := 0; x < 8; x++ {
			heat[y*8+x] = float32(x) / 7
		}
	}
	Contour(dst, dst.Bounds(), heat, Jet, ContourLevels)
	var lines []int
	for x := 0; x < 8; x++ {
		if c := dst.RGBAAt(x, 0); c != (color.RGBA{10, 10, 10, 255}) {
			lines = append(lines, x)
			if dst.RGBAAt(x, 1) != c {
				t.Errorf("column %d: rows differ", x)
			}
		}
	}
	// Levels .25 .5 .75 fall between x=1|2, 3|4, 5|6 (values k/7).
	if want := []int{1, 3, 5}; !slices.Equal(lines, want) {
		t.Errorf("lines at %v, want %v", lines, want)
	}
	if got, want := dst.RGBAAt(3, 0), Jet.At(0.5); got != want {
		t.Errorf("line at level 0.5 is %v, want %v", got, want)
	}
}
