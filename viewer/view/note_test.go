package view

import (
	"image"
	"testing"
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
