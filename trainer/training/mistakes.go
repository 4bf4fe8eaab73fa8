package training

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/hiwl/hiwl/model"
	"github.com/hiwl/hiwl/trainer/atomicfile"
	"golang.org/x/image/draw"
	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"
)

// MistakesFile is the gallery of an evaluation's misclassified images.
const MistakesFile = "mistakes.png"

// MaxMistakesShown bounds the gallery (give or take one tile per class,
// so that every class with a mistake keeps one): an evaluation of
// thousands of images from another survey can miss thousands.
const MaxMistakesShown = 160

const (
	tileSide    = 112 // 16 caption characters of basicfont's 7 px
	tileCaption = 3 * 14
	tileGap     = 6
	tilesPerRow = 8
	headerH     = 24
)

// mistakesPNG draws each misclassified image as the network saw it (its
// crop, shown at the evaluation's scale), grouped by the volunteers'
// class and most confident first, each captioned with its file name, the
// true class and the model's answer with its probability. It is what to
// look at before trusting a class: a confident mistake on a clear galaxy
// is the model's, one on an ambiguous galaxy may be the label's. With no
// mistake there is no gallery, and one left by an earlier run is removed.
func (ev *Evaluation) mistakesPNG(path string) (shown, total int, err error) {
	var idx []int
	for i, p := range ev.Predictions {
		if p.Label != ev.Samples[i].Class {
			idx = append(idx, i)
		}
	}
	if len(idx) == 0 {
		if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return 0, 0, err
		}
		return 0, 0, nil
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		if ca, cb := ev.Samples[a].Class, ev.Samples[b].Class; ca != cb {
			return int(ca) - int(cb)
		}
		pa, pb := ev.Predictions[a], ev.Predictions[b]
		switch qa, qb := pa.Probabilities[pa.Label], pb.Probabilities[pb.Label]; {
		case qa > qb:
			return -1
		case qa < qb:
			return 1
		}
		return 0
	})
	total = len(idx)
	if len(idx) > MaxMistakesShown {
		idx = keepPerClass(idx, ev, MaxMistakesShown)
	}
	rows := (len(idx) + tilesPerRow - 1) / tilesPerRow
	w := tilesPerRow*(tileSide+tileGap) + tileGap
	h := headerH + rows*(tileSide+tileCaption+tileGap) + tileGap
	sheet := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(sheet, sheet.Bounds(), image.NewUniform(color.RGBA{30, 30, 30, 255}), image.Point{}, draw.Src)
	header := fmt.Sprintf("%d of %d images misclassified (true -> said, probability)", total, len(ev.Predictions))
	if len(idx) < total {
		header = fmt.Sprintf("%d of %d images misclassified; %d shown, the most confident of each class", total, len(ev.Predictions), len(idx))
	}
	caption(sheet, tileGap, 16, header, color.White)
	for k, i := range idx {
		x := tileGap + (k%tilesPerRow)*(tileSide+tileGap)
		y := headerH + (k/tilesPerRow)*(tileSide+tileCaption+tileGap)
		p, s := ev.Predictions[i], ev.Samples[i]
		tile := image.Rect(x, y, x+tileSide, y+tileSide)
		img, err := LoadShown(s.Path, ev.scale, ev.input)
		if err != nil {
			return 0, 0, fmt.Errorf("mistakes: %s: %w", s.Path, err)
		}
		crop := p.Crop
		if crop.Empty() {
			crop = img.Bounds()
		}
		draw.ApproxBiLinear.Scale(sheet, tile, img, crop, draw.Src, nil)
		name := strings.TrimSuffix(filepath.Base(s.Path), filepath.Ext(s.Path))
		caption(sheet, x, y+tileSide+12, trimTo(name, 16), color.RGBA{170, 170, 170, 255})
		caption(sheet, x, y+tileSide+26, trimTo(s.Class.Slug(), 16), color.RGBA{120, 220, 120, 255})
		said := fmt.Sprintf("%s %.0f%%", p.Label.Slug(), 100*p.Probabilities[p.Label])
		caption(sheet, x, y+tileSide+40, trimTo(said, 16), color.RGBA{255, 140, 110, 255})
	}
	err = atomicfile.Write(path, func(w io.Writer) error {
		enc := png.Encoder{CompressionLevel: png.BestSpeed}
		return enc.Encode(w, sheet)
	})
	return len(idx), total, err
}

// keepPerClass keeps at most n of the sorted mistakes, the same share of
// each true class's (so a rare class is not crowded out), most confident
// first within each.
func keepPerClass(idx []int, ev *Evaluation, n int) []int {
	var byClass [model.NumClasses][]int
	for _, i := range idx {
		c := ev.Samples[i].Class
		byClass[c] = append(byClass[c], i)
	}
	var out []int
	for _, list := range byClass {
		k := max(1, len(list)*n/len(idx))
		out = append(out, list[:min(k, len(list))]...)
	}
	return out
}

func caption(dst *image.RGBA, x, y int, s string, c color.Color) {
	d := font.Drawer{Dst: dst, Src: image.NewUniform(c), Face: basicfont.Face7x13, Dot: fixed.P(x, y)}
	d.DrawString(s)
}

func trimTo(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n-1] + "~"
}
