package overlay

import (
	"fmt"
	"image/color"
	"strings"
)

// A Colormap turns a value in [0,1] into a colour through a 256-entry lookup
// table, so that blending a frame costs one table read per pixel.
type Colormap struct {
	Name string
	lut  [256]color.RGBA
}

// At returns the colour of v; v is clamped to [0,1] and rounded to the
// nearest of the 256 table entries.
func (c *Colormap) At(v float32) color.RGBA {
	return c.lut[int(clamp01(v)*255+0.5)]
}

// The colour maps the viewer offers. Inferno and viridis are perceptually
// uniform (equal steps in value look like equal steps in colour, also in
// grey print and for most colour-blind readers); jet is the rainbow map of
// most CAM papers, for comparison with them; grey shows the map alone.
var (
	Inferno = fromStops("inferno", []uint32{
		0x000004, 0x160b39, 0x420a68, 0x6a176e, 0x932667, 0xbc3754,
		0xdd513a, 0xf37819, 0xfca50a, 0xf6d746, 0xfcffa4,
	})
	Viridis = fromStops("viridis", []uint32{
		0x440154, 0x482475, 0x414487, 0x355f8d, 0x2a788e, 0x21918c,
		0x22a884, 0x44bf70, 0x7ad151, 0xbddf26, 0xfde725,
	})
	Jet  = fromFunc("jet", jet)
	Grey = fromFunc("grey", func(v float64) (r, g, b float64) { return v, v, v })
)

// Colormaps lists the colour maps in the order the viewer cycles through.
var Colormaps = []*Colormap{Inferno, Jet, Viridis, Grey}

// ByName finds a colour map by its name (case-insensitive).
func ByName(name string) (*Colormap, error) {
	for _, c := range Colormaps {
		if strings.EqualFold(name, c.Name) {
			return c, nil
		}
	}
	return nil, fmt.Errorf("overlay: unknown colour map %q (want inferno, jet, viridis or grey)", name)
}

// Next returns the colour map after c in Colormaps, wrapping around.
func Next(c *Colormap) *Colormap {
	for i, m := range Colormaps {
		if m == c {
			return Colormaps[(i+1)%len(Colormaps)]
		}
	}
	return Colormaps[0]
}

// fromStops interpolates linearly between evenly spaced 0xRRGGBB stops
// (matplotlib's maps sampled at 0, 0.1, ..., 1).
func fromStops(name string, stops []uint32) *Colormap {
	ch := func(c uint32, shift uint) float64 { return float64(c>>shift&0xff) / 255 }
	return fromFunc(name, func(v float64) (r, g, b float64) {
		pos := v * float64(len(stops)-1)
		i := min(int(pos), len(stops)-2)
		t := pos - float64(i)
		a, z := stops[i], stops[i+1]
		lerp := func(shift uint) float64 { return ch(a, shift)*(1-t) + ch(z, shift)*t }
		return lerp(16), lerp(8), lerp(0)
	})
}

func fromFunc(name string, f func(v float64) (r, g, b float64)) *Colormap {
	c := &Colormap{Name: name}
	to8 := func(x float64) uint8 { return uint8(min(max(x, 0), 1)*255 + 0.5) }
	for i := range c.lut {
		r, g, b := f(float64(i) / 255)
		c.lut[i] = color.RGBA{to8(r), to8(g), to8(b), 255}
	}
	return c
}

// jet is the classic piecewise-linear rainbow: dark blue, blue, cyan,
// yellow, red, dark red.
func jet(v float64) (r, g, b float64) {
	ramp := func(c float64) float64 { return 1.5 - abs(4*v-c) }
	return ramp(3), ramp(2), ramp(1)
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}
