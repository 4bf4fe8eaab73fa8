// Package script parses the viewer's scripted mode: a list of steps, separated
// by semicolons, that drive the real viewer window the way keys and clicks
// would, wait for classification, and write screenshots. The Xvfb test and
// the documentation's screenshot use it, e.g.
//
//	class=spiral;screenshot=a.png;class=round;overlay=off;screenshot=b.png
//
// Steps:
//
//	class=C        show the map of C: a slug or name (model.ParseClass),
//	               1-5 as on the keyboard, or 0/predicted
//	cmap=NAME      colour map: inferno, jet, viridis, grey
//	opacity=X      overlay opacity in [0,1]
//	overlay=on|off draw the overlay or not
//	next, prev     the next or previous image
//	goto=N         image N of the list (1-based)
//	wait           until the image on screen is classified or known unreadable
//	frames=N       let N frames pass
//	screenshot=F   wait, then write the window's pixels to F as PNG
//	save           what the S key does: save the view (or the grid) under -out
//	contour=on|off draw the map as contour lines or as a wash
//	grid=on|off    the contact sheet of all images, or the single view
//	sort=O         in the grid: name, confidence (least certain first), label
//	filter=C       in the grid: all, a class as for class=, or by the
//	               in-domain score: cutouts (like a Galaxy Zoo cutout) or
//	               not-cutouts
//	move=N         in the grid: select the N-th thumbnail of the list (1-based)
//	enter          in the grid: what Enter does, open the selected image
//	dump=F         write what is on screen (the grid's cells in order) to F as JSON
package script

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/hiwl/hiwl/model"
	"github.com/hiwl/hiwl/viewer/gallery"
	"github.com/hiwl/hiwl/viewer/overlay"
)

// Op is the kind of a step.
type Op int

// The step kinds, one per verb of the syntax above.
const (
	Class Op = iota
	Colormap
	Opacity
	Overlay
	Next
	Prev
	Goto
	Wait
	Frames
	Screenshot
	Save
	Contour
	Grid
	Sort
	Filter
	Move
	Enter
	Dump
)

// Step is one parsed step. Only the fields of its Op are set.
type Step struct {
	Op        Op
	Predicted bool        // Class: show the predicted class's map
	Class     model.Class // Class
	Colormap  *overlay.Colormap
	Opacity   float32
	On        bool   // Overlay, Contour, Grid
	N         int    // Goto, Move (1-based), Frames
	File      string // Screenshot, Dump
	Order     gallery.Order
	Filter    gallery.Filter
	Text      string // the step as written, for error messages
}

// Parse parses a script. Empty steps (doubled or trailing semicolons) are
// ignored; anything else that is not a valid step is an error naming it.
func Parse(s string) ([]Step, error) {
	var steps []Step
	for _, raw := range strings.Split(s, ";") {
		text := strings.TrimSpace(raw)
		if text == "" {
			continue
		}
		st, err := parseStep(text)
		if err != nil {
			return nil, fmt.Errorf("script: step %q: %w", text, err)
		}
		st.Text = text
		steps = append(steps, st)
	}
	return steps, nil
}

func parseStep(text string) (Step, error) {
	verb, arg, hasArg := strings.Cut(text, "=")
	verb, arg = strings.TrimSpace(verb), strings.TrimSpace(arg)
	needArg := func() error {
		if !hasArg || arg == "" {
			return fmt.Errorf("%s needs a value (%s=...)", verb, verb)
		}
		return nil
	}
	noArg := func(op Op) (Step, error) {
		if hasArg {
			return Step{}, fmt.Errorf("%s takes no value", verb)
		}
		return Step{Op: op}, nil
	}
	switch verb {
	case "class":
		if err := needArg(); err != nil {
			return Step{}, err
		}
		predicted, c, err := ParseClassKey(arg)
		return Step{Op: Class, Predicted: predicted, Class: c}, err
	case "cmap":
		if err := needArg(); err != nil {
			return Step{}, err
		}
		cm, err := overlay.ByName(arg)
		return Step{Op: Colormap, Colormap: cm}, err
	case "opacity":
		if err := needArg(); err != nil {
			return Step{}, err
		}
		v, err := strconv.ParseFloat(arg, 32)
		if err != nil || v < 0 || v > 1 {
			return Step{}, fmt.Errorf("opacity must be a number from 0 to 1")
		}
		return Step{Op: Opacity, Opacity: float32(v)}, nil
	case "overlay", "contour", "grid":
		op := map[string]Op{"overlay": Overlay, "contour": Contour, "grid": Grid}[verb]
		switch arg {
		case "on":
			return Step{Op: op, On: true}, nil
		case "off":
			return Step{Op: op, On: false}, nil
		}
		return Step{}, fmt.Errorf("%s must be on or off", verb)
	case "sort":
		o, err := gallery.ParseOrder(arg)
		return Step{Op: Sort, Order: o}, err
	case "filter":
		if arg == "all" {
			return Step{Op: Filter, Filter: gallery.Filter{All: true}}, nil
		}
		if d, ok := gallery.DomainFilters[arg]; ok {
			return Step{Op: Filter, Filter: gallery.Filter{Domain: d}}, nil
		}
		if err := needArg(); err != nil {
			return Step{}, err
		}
		predicted, c, err := ParseClassKey(arg)
		if err == nil && predicted {
			err = fmt.Errorf("filter takes all, cutouts, not-cutouts or a class")
		}
		return Step{Op: Filter, Filter: gallery.Filter{Class: c}}, err
	case "enter":
		return noArg(Enter)
	case "dump":
		if err := needArg(); err != nil {
			return Step{}, err
		}
		return Step{Op: Dump, File: arg}, nil
	case "next":
		return noArg(Next)
	case "prev":
		return noArg(Prev)
	case "wait":
		return noArg(Wait)
	case "save":
		return noArg(Save)
	case "goto", "frames", "move":
		if err := needArg(); err != nil {
			return Step{}, err
		}
		n, err := strconv.Atoi(arg)
		if err != nil || n < 1 {
			return Step{}, fmt.Errorf("%s needs a whole number of at least 1", verb)
		}
		switch verb {
		case "goto":
			return Step{Op: Goto, N: n}, nil
		case "move":
			return Step{Op: Move, N: n}, nil
		}
		return Step{Op: Frames, N: n}, nil
	case "screenshot":
		if err := needArg(); err != nil {
			return Step{}, err
		}
		return Step{Op: Screenshot, File: arg}, nil
	}
	return Step{}, fmt.Errorf("unknown step %q (want class, cmap, opacity, overlay, contour, next, prev, goto, wait, frames, screenshot, save, grid, sort, filter, move, enter or dump)", verb)
}

// ParseClassKey reads a class choice as the keyboard and -class give it:
// "0" or "predicted" for the predicted class, "1"-"5" in model.Classes
// order, or a slug or full name.
func ParseClassKey(s string) (predicted bool, c model.Class, err error) {
	if s == "0" || s == "predicted" {
		return true, 0, nil
	}
	if n, err := strconv.Atoi(s); err == nil {
		if n < 1 || n > model.NumClasses {
			return false, 0, fmt.Errorf("class number %d: want 0 (predicted) or 1-%d", n, model.NumClasses)
		}
		return false, model.Classes[n-1], nil
	}
	c, err = model.ParseClass(s)
	return false, c, err
}
