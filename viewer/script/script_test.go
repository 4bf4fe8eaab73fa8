package script

import (
	"strings"
	"testing"

	"github.com/hiwl/hiwl/model"
	"github.com/hiwl/hiwl/viewer/gallery"
	"github.com/hiwl/hiwl/viewer/overlay"
)

func TestParse(t *testing.T) {
	steps, err := Parse(" class=spiral; frames=5;screenshot=out/a.png;class=2;class=0;cmap=jet;opacity=0.25;overlay=off;next;prev;goto=7;wait;save;contour=on;grid=on;sort=confidence;filter=edge-on;filter=all;filter=not-cutouts;move=3;enter;dump=d.json;; ")
	if err != nil {
		t.Fatal(err)
	}
	want := []Step{
		{Op: Class, Class: model.Spiral, Text: "class=spiral"},
		{Op: Frames, N: 5, Text: "frames=5"},
		{Op: Screenshot, File: "out/a.png", Text: "screenshot=out/a.png"},
		{Op: Class, Class: model.InBetween, Text: "class=2"},
		{Op: Class, Predicted: true, Text: "class=0"},
		{Op: Colormap, Colormap: overlay.Jet, Text: "cmap=jet"},
		{Op: Opacity, Opacity: 0.25, Text: "opacity=0.25"},
		{Op: Overlay, On: false, Text: "overlay=off"},
		{Op: Next, Text: "next"},
		{Op: Prev, Text: "prev"},
		{Op: Goto, N: 7, Text: "goto=7"},
		{Op: Wait, Text: "wait"},
		{Op: Save, Text: "save"},
		{Op: Contour, On: true, Text: "contour=on"},
		{Op: Grid, On: true, Text: "grid=on"},
		{Op: Sort, Order: gallery.ByUncertain, Text: "sort=confidence"},
		{Op: Filter, Filter: gallery.Filter{Class: model.EdgeOn}, Text: "filter=edge-on"},
		{Op: Filter, Filter: gallery.Filter{All: true}, Text: "filter=all"},
		{Op: Filter, Filter: gallery.Filter{Domain: gallery.NotCutouts}, Text: "filter=not-cutouts"},
		{Op: Move, N: 3, Text: "move=3"},
		{Op: Enter, Text: "enter"},
		{Op: Dump, File: "d.json", Text: "dump=d.json"},
	}
	if len(steps) != len(want) {
		t.Fatalf("got %d steps, want %d: %+v", len(steps), len(want), steps)
	}
	for i := range want {
		if steps[i] != want[i] {
			t.Errorf("step %d = %+v, want %+v", i, steps[i], want[i])
		}
	}
}

func TestParseErrors(t *testing.T) {
	for _, s := range []string{
		"class=galaxy", "class=6", "class", "cmap=rainbow", "opacity=2", "opacity=x",
		"overlay=maybe", "next=3", "goto=0", "frames=-1", "screenshot=", "jump",
		"grid=yes", "sort=size", "filter=0", "filter=galaxy", "move=0", "enter=1", "dump=",
	} {
		_, err := Parse("wait;" + s)
		if err == nil {
			t.Errorf("Parse(%q) accepted it", s)
			continue
		}
		if !strings.Contains(err.Error(), s) {
			t.Errorf("Parse(%q): error %q does not name the step", s, err)
		}
	}
}

func TestParseClassKey(t *testing.T) {
	for i, c := range model.Classes {
		for _, s := range []string{string(rune('1' + i)), c.Slug(), c.String()} {
			pred, got, err := ParseClassKey(s)
			if err != nil || pred || got != c {
				t.Errorf("ParseClassKey(%q) = %v, %v, %v; want %v", s, pred, got, err, c)
			}
		}
	}
	if pred, _, err := ParseClassKey("predicted"); !pred || err != nil {
		t.Errorf("ParseClassKey(predicted) = %v, %v", pred, err)
	}
}
