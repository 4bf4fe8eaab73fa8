package galaxygen

import (
	"image"
	"image/color"
	"image/draw"
	"math/rand/v2"

	"github.com/hiwl/hiwl/model"
	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"
)

// Sheet renders perClass galaxies of each class (a row per class, labelled)
// at full size and shrinks each by 2 for a contact sheet. It is how the
// generator's look is checked against real cutouts by eye.
func Sheet(seed int64, perClass, size int) (*image.RGBA, error) {
	if err := checkRender(model.Round, size); err != nil {
		return nil, err
	}
	const label, gap = 120, 4
	cell := size / 2
	w := label + perClass*(cell+gap)
	h := model.NumClasses*(cell+gap) + gap
	sheet := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(sheet, sheet.Bounds(), image.NewUniform(color.RGBA{40, 40, 40, 255}), image.Point{}, draw.Src)
	c := newCanvas(size)
	for row, class := range model.Classes {
		y := gap + row*(cell+gap)
		d := font.Drawer{Dst: sheet, Src: image.White, Face: basicfont.Face7x13,
			Dot: fixed.P(8, y+cell/2)}
		d.DrawString(class.Slug())
		for i := range perClass {
			rng := rand.New(rand.NewPCG(uint64(seed), uint64(row*perClass+i)))
			p := drawParams(rng, class, false, size)
			halve(sheet, image.Pt(label+i*(cell+gap), y), paint(c, rng, &p))
		}
	}
	return sheet, nil
}

// halve writes src shrunk by 2 (2x2 box average) into dst at pt.
func halve(dst *image.RGBA, pt image.Point, src *image.RGBA) {
	n := src.Bounds().Dx() / 2
	for y := range n {
		for x := range n {
			for ch := range 3 {
				i := 2*y*src.Stride + 2*x*4 + ch
				s := int(src.Pix[i]) + int(src.Pix[i+4]) + int(src.Pix[i+src.Stride]) + int(src.Pix[i+src.Stride+4])
				dst.Pix[(pt.Y+y)*dst.Stride+(pt.X+x)*4+ch] = uint8((s + 2) / 4)
			}
		}
	}
}
