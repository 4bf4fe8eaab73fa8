package view

import (
	"errors"
	"image"
	"testing"

	"github.com/hiwl/hiwl/viewer/gallery"
)

// Contours leave most of the galaxy in the crop untouched, where the wash
// changes every pixel with evidence.
func TestRenderContour(t *testing.T) {
	it := classified(t)
	s := baseState(it)
	crop := OverlayRect(it)
	wash := render(s)
	s.Contour = true
	lines := render(s)
	ref := plain(it)
	changed := func(img *image.RGBA) int {
		n := 0
		for y := crop.Min.Y; y < crop.Max.Y; y++ {
			for x := crop.Min.X; x < crop.Max.X; x++ {
				if img.RGBAAt(x, y) != ref.RGBAAt(x, y) {
					n++
				}
			}
		}
		return n
	}
	nw, nl := changed(wash), changed(lines)
	if nl == 0 || nl*4 > nw {
		t.Errorf("contours change %d pixels of the crop, the wash %d: want some, and under a quarter as many", nl, nw)
	}
}

// A page of the contact sheet: each cell shows its thumbnail and the badge
// colour of its class; an empty slot and a loading cell do not.
func TestRenderSheet(t *testing.T) {
	it := classified(t)
	thumb := *it
	thumb.Image = image.NewRGBA(image.Rect(0, 0, ThumbSide, ThumbSide))
	Scale(thumb.Image, thumb.Image.Bounds(), it.Image)
	cells := []Cell{{0, "a.jpg", &thumb}, {1, "b.jpg", nil}, {2, "c.jpg", &thumb}}
	sh := &Sheet{Cells: cells, Cursor: 2, Shown: 3, Total: 3, Known: 2, Filter: gallery.Filter{All: true}}
	frame := render(&State{Sheet: sh})
	col := ClassColour[it.Result.Label]
	for k := range SheetPage {
		box := ThumbRect(k)
		strip := frame.RGBAAt((box.Min.X+box.Max.X)/2, box.Max.Y-2)
		centre := frame.RGBAAt((box.Min.X+box.Max.X)/2, (box.Min.Y+box.Max.Y)/2)
		classified := k == 0 || k == 2
		if (strip == col) != classified {
			t.Errorf("cell %d: badge strip %v, class colour %v, classified %v", k, strip, col, classified)
		}
		if want := thumb.Image.RGBAAt(ThumbSide/2, ThumbSide/2); classified && distance(centre, want) > 6 {
			t.Errorf("cell %d: centre %v, thumbnail's %v", k, centre, want)
		}
		if k >= len(cells) && centre != bgColour {
			t.Errorf("empty slot %d: centre %v, want background", k, centre)
		}
	}
	if c := frame.RGBAAt(CellRect(2).Min.X+1, CellRect(2).Min.Y+1); c != accentColour {
		t.Errorf("selected cell's outline is %v, want %v", c, accentColour)
	}
	// An unreadable file: a red card, no class badge.
	bad := &gallery.Item{Path: "d.jpg", Err: errors.New("not an image")}
	frame = render(&State{Sheet: &Sheet{Cells: []Cell{{3, "d.jpg", bad}}, Cursor: -1, Shown: 1, Total: 1, Filter: gallery.Filter{All: true}}})
	box := ThumbRect(0)
	if c := frame.RGBAAt(box.Min.X+10, box.Min.Y+10); c != errBgColour {
		t.Errorf("unreadable cell: %v, want the error colour %v", c, errBgColour)
	}
	for _, col := range ClassColour {
		if frame.RGBAAt((box.Min.X+box.Max.X)/2, box.Max.Y-2) == col {
			t.Error("unreadable cell has a class badge")
		}
	}
	if k, ok := CellAt(image.Pt(CellRect(9).Min.X+3, CellRect(9).Max.Y-3)); !ok || k != 9 {
		t.Errorf("CellAt in cell 9 = %d, %v", k, ok)
	}
}
