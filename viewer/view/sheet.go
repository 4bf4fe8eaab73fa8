package view

import (
	"fmt"
	"image"
	"image/color"
	"path/filepath"

	"github.com/hiwl/hiwl/model"
	"github.com/hiwl/hiwl/viewer/gallery"
	"github.com/hiwl/hiwl/viewer/overlay"
)

// The contact sheet's layout: a page of SheetCols x SheetRows cells under a
// header line, each a thumbnail of at most ThumbSide pixels with a badge.
const (
	SheetCols = 8
	SheetRows = 4
	SheetPage = SheetCols * SheetRows
	ThumbSide = 120

	cellW     = 130
	cellH     = 160
	sheetTop  = 56
	sheetLeft = (Width - SheetCols*cellW) / 2
)

// Sheet is what a frame of the contact sheet shows: one page of an
// arranged list (gallery.Arrange) of the session's images.
type Sheet struct {
	Cells   []Cell // the page, at most SheetPage
	Cursor  int    // the selected cell, or -1
	First   int    // position of Cells[0] in the arranged list
	Shown   int    // length of the arranged list
	Total   int    // images in the session
	Known   int    // images classified so far
	Order   gallery.Order
	Filter  gallery.Filter
	Message string // a transient note, e.g. "saved grid.png"
}

// Cell is one thumbnail: image Index of the session's list.
type Cell struct {
	Index int
	Path  string
	Item  *gallery.Item // nil until loaded
}

// CellRect is where cell k of a page is drawn.
func CellRect(k int) image.Rectangle {
	x := sheetLeft + (k%SheetCols)*cellW
	y := sheetTop + (k/SheetCols)*cellH
	return image.Rect(x, y, x+cellW, y+cellH)
}

// ThumbRect is the box of cell k's thumbnail.
func ThumbRect(k int) image.Rectangle {
	c := CellRect(k)
	return image.Rect(c.Min.X+5, c.Min.Y+4, c.Min.X+5+ThumbSide, c.Min.Y+4+ThumbSide)
}

// CellAt reports which cell of a page contains p.
func CellAt(p image.Point) (int, bool) {
	for k := range SheetPage {
		if p.In(CellRect(k)) {
			return k, true
		}
	}
	return 0, false
}

// ClassColour is the badge colour of each class, in model.Classes order:
// distinct hues that read on the dark background.
var ClassColour = [model.NumClasses]color.RGBA{
	{0xf2, 0xc1, 0x4e, 255}, // round: amber
	{0xa3, 0xd9, 0x77, 255}, // in-between: green
	{0xff, 0x7b, 0x72, 255}, // cigar: red
	{0xd2, 0xa8, 0xff, 255}, // edge-on: violet
	{0x58, 0xa6, 0xff, 255}, // spiral: blue
}

var orderText = map[gallery.Order]string{
	gallery.ByName:      "by name",
	gallery.ByUncertain: "least certain first",
	gallery.ByLabel:     "by label",
}

func renderSheet(dst *image.RGBA, sh *Sheet, f *faces) {
	drawText(dst, f.title, sheetLeft, 34, textColour, "hiwl viewer · contact sheet")
	info := fmt.Sprintf("%s · %s · %d classified of %d", orderText[sh.Order], sh.Filter, sh.Known, sh.Total)
	if sh.Shown > 0 {
		info = fmt.Sprintf("%d–%d of %d  ·  ", sh.First+1, sh.First+len(sh.Cells), sh.Shown) + info
	}
	drawTextRight(dst, f.small, Width-sheetLeft, 34, greyColour, info)
	hline(dst, sheetLeft, Width-sheetLeft, 46)
	if len(sh.Cells) == 0 {
		msg := "no image here"
		switch {
		case sh.Filter.Domain == gallery.NotCutouts:
			msg = "no image that does not look like a galaxy cutout yet (0: all)"
		case sh.Filter.Domain == gallery.Cutouts:
			msg = "no image that looks like a galaxy cutout yet (0: all)"
		case !sh.Filter.All:
			msg = "no image classified as " + sh.Filter.Class.String() + " yet (0: all)"
		}
		drawTextCentred(dst, f.bold, Width/2, Height/2, greyColour, msg)
	}
	for k, c := range sh.Cells {
		drawCell(dst, k, c, k == sh.Cursor, f)
	}
	if sh.Message != "" {
		badge(dst, f, sheetLeft, Height-60, textColour, sh.Message, Width-2*sheetLeft)
	}
	drawText(dst, f.small, sheetLeft, Height-8, greyColour,
		"arrows PgUp/PgDn: move   Enter/click: open   N/U/L: sort name/uncertain/label   1–5: one class, 0: all   I/X: cutouts / not cutouts   S: save PNG   G: back")
}

func drawCell(dst *image.RGBA, k int, c Cell, selected bool, f *faces) {
	cell, box := CellRect(k), ThumbRect(k)
	if selected {
		fill(dst, cell.Inset(1), selColour)
		overlay.Outline(dst, cell.Inset(1), accentColour)
		overlay.Outline(dst, cell.Inset(2), accentColour)
	}
	fill(dst, box, boxColour)
	it := c.Item
	badgeY := box.Max.Y + 17
	switch {
	case it == nil:
		drawTextCentred(dst, f.small, (box.Min.X+box.Max.X)/2, (box.Min.Y+box.Max.Y)/2, greyColour, "loading…")
	case it.Image == nil:
		fill(dst, box, errBgColour)
		overlay.Outline(dst, box, errColour)
		drawTextCentred(dst, f.small, (box.Min.X+box.Max.X)/2, (box.Min.Y+box.Max.Y)/2, errColour, "unreadable")
	default:
		b := it.Image.Bounds()
		Scale(dst, overlay.Fit(b.Dx(), b.Dy(), box), it.Image)
	}
	switch {
	case it != nil && it.Result != nil:
		res := it.Result
		col := ClassColour[res.Label]
		fill(dst, image.Rect(box.Min.X, box.Max.Y-4, box.Max.X, box.Max.Y), col)
		label := res.Label.Slug()
		if res.LabelNote != "" {
			label += "*" // the hierarchy chose it over a likelier class: the detail view says why
		}
		drawText(dst, f.bold, box.Min.X, badgeY, col, label)
		drawTextRight(dst, f.small, box.Max.X, badgeY, textColour, fmt.Sprintf("%.0f %%", 100*res.Probabilities[res.Label]))
		if res.Domain.OutOfDomain {
			// the in-domain score says the answer may mean nothing
			badge(dst, f, box.Min.X+4, box.Min.Y+18, errColour, "not a cutout?", ThumbSide-8)
		}
	case it != nil && it.Err != nil:
		drawText(dst, f.small, box.Min.X, badgeY, errColour, "not classified")
	default:
		drawText(dst, f.small, box.Min.X, badgeY, greyColour, "classifying…")
	}
	drawText(dst, f.small, box.Min.X, badgeY+14, greyColour, ellipsize(f.small, filepath.Base(c.Path), ThumbSide))
}
