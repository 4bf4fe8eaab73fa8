package view

import (
	"image"
	"image/color"
	"strings"
	"sync"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// faces are the Go fonts at the sizes the frame uses. The Go fonts cover
// WGL4, which includes the arrows and the ellipsis the panel prints.
type faces struct {
	title, big, bold, regular, small font.Face
}

var loadFaces = sync.OnceValue(func() *faces {
	regular, err := opentype.Parse(goregular.TTF)
	if err != nil {
		panic(err) // the embedded font is part of the binary; cannot fail
	}
	bold, err := opentype.Parse(gobold.TTF)
	if err != nil {
		panic(err)
	}
	face := func(f *opentype.Font, size float64) font.Face {
		ff, err := opentype.NewFace(f, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingFull})
		if err != nil {
			panic(err)
		}
		return ff
	}
	return &faces{
		title:   face(bold, 20),
		big:     face(bold, 24),
		bold:    face(bold, 15),
		regular: face(regular, 15),
		small:   face(regular, 13),
	}
})

// drawText draws s with its baseline starting at (x, y).
func drawText(dst *image.RGBA, face font.Face, x, y int, c color.Color, s string) {
	d := font.Drawer{Dst: dst, Src: image.NewUniform(c), Face: face, Dot: fixed.P(x, y)}
	d.DrawString(s)
}

// drawTextRight draws s so that it ends at x.
func drawTextRight(dst *image.RGBA, face font.Face, x, y int, c color.Color, s string) {
	drawText(dst, face, x-textWidth(face, s), y, c, s)
}

// drawTextCentred draws s centred on x.
func drawTextCentred(dst *image.RGBA, face font.Face, x, y int, c color.Color, s string) {
	drawText(dst, face, x-textWidth(face, s)/2, y, c, s)
}

func textWidth(face font.Face, s string) int {
	return font.MeasureString(face, s).Ceil()
}

// ellipsize shortens s in the middle until it fits width: for file paths the
// start (folder) and the end (file name) are both worth keeping.
func ellipsize(face font.Face, s string, width int) string {
	if textWidth(face, s) <= width {
		return s
	}
	r := []rune(s)
	for n := len(r) - 1; n > 1; n-- {
		head := n / 3
		t := string(r[:head]) + "…" + string(r[len(r)-(n-head):])
		if textWidth(face, t) <= width {
			return t
		}
	}
	return "…"
}

// wrap breaks s into lines no wider than width, at spaces where it can and
// inside long words (paths) where it must.
func wrap(face font.Face, s string, width int) []string {
	var lines []string
	line := ""
	for _, word := range strings.Fields(s) {
		try := word
		if line != "" {
			try = line + " " + word
		}
		if textWidth(face, try) <= width {
			line = try
			continue
		}
		if line != "" {
			lines = append(lines, line)
		}
		line = word
		for textWidth(face, line) > width {
			r := []rune(line)
			n := len(r) - 1
			for n > 1 && textWidth(face, string(r[:n])) > width {
				n--
			}
			lines = append(lines, string(r[:n]))
			line = string(r[n:])
		}
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}
