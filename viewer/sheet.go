package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/hiwl/hiwl/viewer/gallery"
	"github.com/hiwl/hiwl/viewer/view"
)

// sheet is the contact sheet's side of the game: the arranged list of the
// session's images, the selection, the page on screen, and a loader of its
// own that keeps small thumbnails, so that a page of 32 costs less memory
// than one full image of the single view. Only the page on screen and the
// next are read; nothing is read before the grid is first shown.
type sheet struct {
	paths  []string
	clf    gallery.Classifier
	cache  int
	thumbs *gallery.Loader // nil until the grid is first shown

	on     bool
	order  gallery.Order
	filter gallery.Filter
	list   []int // indices into paths, as arranged
	cursor int   // position in list of the selected image
	top    int   // position in list of the first cell on screen
	wanted []int // what the loader was last asked for
}

func newSheet(paths []string, clf gallery.Classifier, cache int) *sheet {
	return &sheet{paths: paths, clf: clf, cache: cache, filter: gallery.Filter{All: true}}
}

func (s *sheet) close() {
	if s.thumbs != nil {
		s.thumbs.Close()
	}
}

// open shows the grid with image index selected (if it is in the list).
func (s *sheet) open(index int) {
	if s.thumbs == nil {
		// Three pages: the one on screen, the next (prefetched) and the
		// previous, so paging back and forth does not reload.
		s.thumbs = gallery.NewThumbLoader(s.paths, s.clf, max(s.cache, 3*view.SheetPage), view.ThumbSide)
	}
	s.on = true
	s.arrange(index)
}

// arrange sorts and filters with what is classified now, keeping image
// keep selected if it is still listed.
func (s *sheet) arrange(keep int) {
	summary := func(int) (gallery.Summary, bool) { return gallery.Summary{}, false }
	if s.thumbs != nil {
		summary = s.thumbs.Summary
	}
	s.list = gallery.Arrange(len(s.paths), summary, s.order, s.filter)
	s.top = 0
	s.cursor = max(slices.Index(s.list, keep), 0)
	s.scroll()
}

// selected is the image index of the selection, or -1 in an empty list.
func (s *sheet) selected() int {
	if s.cursor < len(s.list) {
		return s.list[s.cursor]
	}
	return -1
}

func (s *sheet) move(to int) {
	s.cursor = min(max(to, 0), max(len(s.list)-1, 0))
	s.scroll()
}

// scroll moves the page by whole rows so that the selection is on it.
func (s *sheet) scroll() {
	row := s.cursor / view.SheetCols
	switch {
	case s.cursor < s.top:
		s.top = row * view.SheetCols
	case s.cursor >= s.top+view.SheetPage:
		s.top = (row - view.SheetRows + 1) * view.SheetCols
	}
}

// page is the image indices on screen.
func (s *sheet) page() []int {
	return s.list[min(s.top, len(s.list)):min(s.top+view.SheetPage, len(s.list))]
}

// want tells the loader about the page on screen and the next one.
func (s *sheet) want() {
	w := s.list[min(s.top, len(s.list)):min(s.top+2*view.SheetPage, len(s.list))]
	if !slices.Equal(w, s.wanted) {
		s.wanted = slices.Clone(w)
		s.thumbs.Want(s.wanted)
	}
}

// done reports whether every thumbnail on screen is loaded and classified
// (or known unreadable).
func (s *sheet) done() bool {
	for _, i := range s.page() {
		if !s.thumbs.Item(i).Done() {
			return false
		}
	}
	return true
}

// state is what view draws of the sheet now.
func (s *sheet) state(msg string) *view.Sheet {
	sh := &view.Sheet{Cursor: s.cursor - s.top, First: s.top, Shown: len(s.list), Total: len(s.paths),
		Order: s.order, Filter: s.filter, Message: msg}
	for _, i := range s.page() {
		sh.Cells = append(sh.Cells, view.Cell{Index: i, Path: s.paths[i], Item: s.thumbs.Item(i)})
	}
	sh.Known = s.thumbs.Classified()
	return sh
}

// saveName is the file S writes in the grid.
func (s *sheet) saveName() string {
	return fmt.Sprintf("grid-%s-%s.png", s.order, s.filter)
}

// dumpState is what the dump script step writes: the grid's page, or the
// single view's image, as the tests read them.
type dumpState struct {
	Mode   string     `json:"mode"` // grid or single
	Order  string     `json:"order,omitempty"`
	Filter string     `json:"filter,omitempty"`
	Shown  int        `json:"shown"`
	Total  int        `json:"total"`
	Known  int        `json:"known"`
	First  int        `json:"first"`
	Cursor int        `json:"cursor"` // cell of the selection, single: the image's index
	Cells  []dumpCell `json:"cells"`
}

type dumpCell struct {
	Index      int     `json:"index"`
	Path       string  `json:"path"`
	Label      string  `json:"label,omitempty"`
	Confidence float32 `json:"confidence,omitempty"`
	Error      string  `json:"error,omitempty"`
}

func cellOf(index int, it *gallery.Item, path string) dumpCell {
	c := dumpCell{Index: index, Path: path}
	if it != nil && it.Result != nil {
		c.Label, c.Confidence = it.Result.Label.Slug(), it.Result.Probabilities[it.Result.Label]
	}
	if it != nil && it.Err != nil {
		c.Error = it.Err.Error()
	}
	return c
}

// dump writes st as JSON atomically (temp file and rename).
func (g *game) dump(file string) error {
	st := g.state
	var d dumpState
	if sh := st.Sheet; sh != nil {
		d = dumpState{Mode: "grid", Order: sh.Order.String(), Filter: sh.Filter.String(), Shown: sh.Shown,
			Total: sh.Total, Known: sh.Known, First: sh.First, Cursor: sh.Cursor, Cells: []dumpCell{}}
		for _, c := range sh.Cells {
			d.Cells = append(d.Cells, cellOf(c.Index, c.Item, c.Path))
		}
	} else {
		d = dumpState{Mode: "single", Shown: st.Count, Total: st.Count, Cursor: st.Index,
			Cells: []dumpCell{cellOf(st.Index, st.Item, st.Path)}}
	}
	data, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(file), "."+filepath.Base(file)+".*.tmp")
	if err != nil {
		return fmt.Errorf("dump: %w", err)
	}
	_, err = tmp.Write(append(data, '\n'))
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), file)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("dump: %w", err)
	}
	return nil
}
