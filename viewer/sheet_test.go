package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/hiwl/hiwl/model"
	"github.com/hiwl/hiwl/viewer/gallery"
	"github.com/hiwl/hiwl/viewer/view"
)

const fiveClass = "../../shared/data/gz-challenge-5class"

// sheetFolder copies n real Galaxy Zoo images of each of the five classes
// into a folder, so that the grid has more than a page and mixed labels.
func sheetFolder(t *testing.T, n int) string {
	t.Helper()
	dir := t.TempDir()
	for _, c := range model.Classes {
		entries, err := os.ReadDir(filepath.Join(fiveClass, c.Slug()))
		if err != nil || len(entries) < n {
			t.Fatalf("%s: %d files, %v", c.Slug(), len(entries), err)
		}
		for _, e := range entries[:n] {
			data, err := os.ReadFile(filepath.Join(fiveClass, c.Slug(), e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, c.Slug()+"-"+e.Name()), data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	return dir
}

func readDump(t *testing.T, path string) dumpState {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var d dumpState
	if err := json.Unmarshal(data, &d); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return d
}

func indices(d dumpState) []int {
	var out []int
	for _, c := range d.Cells {
		out = append(out, c.Index)
	}
	return out
}

// The contact sheet in the real window: a folder of 40 images shows a page
// of 32 thumbnails, each badge in its class's colour as the scripted state
// says; sorting by confidence reorders them, least certain first; Enter
// opens the selected one; S saves the grid.
func TestWindowGridSortsByConfidence(t *testing.T) {
	dir, out := sheetFolder(t, 8), t.TempDir()
	file := func(name string) string { return filepath.Join(out, name) }
	stderr, err := viewer(t, "-grid", "-out", out, "-script",
		"wait;dump="+file("name.json")+";screenshot="+file("name.png")+
			";sort=confidence;dump="+file("conf.json")+";screenshot="+file("conf.png")+
			";save;move=1;enter;wait;dump="+file("single.json"), dir)
	if err != nil {
		t.Fatalf("viewer failed: %v\n%s", err, stderr)
	}
	byName, byConf := readDump(t, file("name.json")), readDump(t, file("conf.json"))
	for _, d := range []dumpState{byName, byConf} {
		if d.Mode != "grid" || d.Total != 40 || d.Shown != 40 || len(d.Cells) != view.SheetPage {
			t.Fatalf("%s: mode %s, %d of %d listed, %d thumbnails; want grid, 40 of 40, %d",
				d.Order, d.Mode, d.Shown, d.Total, len(d.Cells), view.SheetPage)
		}
	}
	var listing []int
	for i := range view.SheetPage {
		listing = append(listing, i)
	}
	if got := indices(byName); !slices.Equal(got, listing) {
		t.Errorf("by name: cells %v, want the listing order", got)
	}
	// The first page was classified by name; sorting puts the classified
	// images first, least certain first.
	for i, c := range byConf.Cells {
		if c.Label == "" || c.Error != "" {
			t.Fatalf("sorted cell %d (%s) not classified: %q", i, c.Path, c.Error)
		}
		if i > 0 && c.Confidence < byConf.Cells[i-1].Confidence {
			t.Errorf("cell %d: confidence %v after %v", i, c.Confidence, byConf.Cells[i-1].Confidence)
		}
	}
	if slices.Equal(indices(byName), indices(byConf)) {
		t.Error("sorting by confidence did not change the order")
	}
	// The labels are those of the native classifier, and the window shows
	// each as the badge strip's colour, so the new order is on screen.
	clf := defaultClassifier(t)
	for name, d := range map[string]dumpState{"name.png": byName, "conf.png": byConf} {
		shot := readPNG(t, file(name))
		for k, c := range d.Cells {
			p, err := clf.ClassifyFile(c.Path)
			if err != nil {
				t.Fatal(err)
			}
			if c.Label != p.Label.Slug() || c.Confidence != p.Probabilities[p.Label] {
				t.Errorf("%s: %s shown as %s %v, classifier says %s %v", name, c.Path, c.Label, c.Confidence, p.Label.Slug(), p.Probabilities[p.Label])
			}
			box := view.ThumbRect(k)
			got := shot.RGBAAt((box.Min.X+box.Max.X)/2, box.Max.Y-2)
			if distance(got, view.ClassColour[p.Label]) > 6 {
				t.Errorf("%s: cell %d (%s) badge %v, want %s's %v", name, k, c.Path, got, c.Label, view.ClassColour[p.Label])
			}
		}
	}
	readPNG(t, file("grid-confidence-all.png")) // S in the grid saves the whole window
	single := readDump(t, file("single.json"))
	if single.Mode != "single" || len(single.Cells) != 1 || single.Cells[0].Index != byConf.Cells[0].Index {
		t.Errorf("Enter on the least certain image opened %+v, want image %d", single, byConf.Cells[0].Index)
	}
}

// A folder of thousands opens as a grid at once and reads only the page on
// screen and the next one.
func TestWindowGridIsLazy(t *testing.T) {
	paths, err := gallery.List([]string{fiveClass})
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) < 1000 {
		t.Fatalf("only %d images in %s", len(paths), fiveClass)
	}
	file := filepath.Join(t.TempDir(), "grid.json")
	stderr, err := viewer(t, "-grid", "-script", "wait;dump="+file, fiveClass)
	if err != nil {
		t.Fatalf("viewer failed: %v\n%s", err, stderr)
	}
	d := readDump(t, file)
	if d.Total != len(paths) || len(d.Cells) != view.SheetPage {
		t.Errorf("%d images, %d thumbnails; want %d and %d", d.Total, len(d.Cells), len(paths), view.SheetPage)
	}
	if d.Known < view.SheetPage || d.Known > 2*view.SheetPage {
		t.Errorf("%d of %d images classified; want the page on screen and at most the next", d.Known, d.Total)
	}
}
