package view

import (
	"image"
	"testing"

	"github.com/hiwl/hiwl/viewer/gallery"
)

// A label the hierarchy chose over a more probable class is explained in
// the panel (marked at the label, the sentence under network B), and the
// sentence never reaches the help lines at the bottom.
func TestRenderLabelNote(t *testing.T) {
	it := classified(t)
	plainState := baseState(it)
	without := render(plainState)

	noted := *it
	res := *it.Result
	res.LabelNote = "Network A chose cigar-shaped or edge-on (51.9 %) over in-between smooth (46.5 %); network B then chose edge-on, which keeps 29.8 % of the group."
	noted.Result = &res
	with := render(baseState(&noted))

	differs := func(r image.Rectangle) bool {
		for y := r.Min.Y; y < r.Max.Y; y++ {
			for x := r.Min.X; x < r.Max.X; x++ {
				if with.RGBAAt(x, y) != without.RGBAAt(x, y) {
					return true
				}
			}
		}
		return false
	}
	if !differs(image.Rect(panelX0, 146, panelX1, 172)) {
		t.Error("the label line does not mark the note")
	}
	if !differs(image.Rect(panelX0, rowsTop+5*rowH+150, panelX1, Height-70)) {
		t.Error("no note under the hierarchy")
	}
	if differs(image.Rect(panelX0, Height-60, panelX1, Height)) {
		t.Error("the note moved or covered the help lines")
	}
	if differs(image.Rect(0, 0, panelX0-10, Height)) {
		t.Error("the note drew outside the panel")
	}
}

// On the contact sheet such a label is marked with an asterisk; the detail
// view holds the sentence.
func TestSheetMarksLabelNote(t *testing.T) {
	it := classified(t)
	thumb := *it
	thumb.Image = image.NewRGBA(image.Rect(0, 0, ThumbSide, ThumbSide))
	noted := thumb
	res := *it.Result
	res.LabelNote = "Network A chose …"
	noted.Result = &res
	frame := func(item *gallery.Item) *image.RGBA {
		return render(&State{Sheet: &Sheet{Cells: []Cell{{0, "a.jpg", item}}, Cursor: -1, Shown: 1, Total: 1, Filter: gallery.Filter{All: true}}})
	}
	plain, marked := frame(&thumb), frame(&noted)
	box := ThumbRect(0)
	label := textWidth(loadFaces().bold, it.Result.Label.Slug())
	star := image.Rect(box.Min.X+label, box.Max.Y+4, box.Min.X+label+12, box.Max.Y+20)
	changed := false
	for y := star.Min.Y; y < star.Max.Y; y++ {
		for x := star.Min.X; x < star.Max.X; x++ {
			changed = changed || plain.RGBAAt(x, y) != marked.RGBAAt(x, y)
		}
	}
	if !changed {
		t.Errorf("no mark after the label %q", it.Result.Label.Slug())
	}
}
