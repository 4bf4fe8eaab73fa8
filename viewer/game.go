package main

import (
	"fmt"
	"image"
	"path/filepath"
	"strings"
	"time"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/inpututil"

	"github.com/hiwl/hiwl/model"
	"github.com/hiwl/hiwl/viewer/gallery"
	"github.com/hiwl/hiwl/viewer/overlay"
	"github.com/hiwl/hiwl/viewer/script"
	"github.com/hiwl/hiwl/viewer/view"
)

// game is the ebiten side of the viewer: it turns input and script steps
// into changes of view.State, redraws the frame with view.Renderer when the
// state or the loader changes, and reads the window back for screenshots.
// All drawing logic lives in package view.
type game struct {
	loader     *gallery.Loader
	state      view.State
	renderer   view.Renderer
	frame      *image.RGBA   // the CPU frame, redrawn only when dirty
	frameImg   *ebiten.Image // frame on the GPU
	dirty      bool
	focused    int    // the index the loader was last told about
	gen        uint64 // loader generation last looked at
	itemOf     int    // the index state.Item belongs to
	reported   *gallery.Item
	msgUntil   time.Time
	outDir     string
	sheet      *sheet
	sheetGen   uint64 // thumbnail loader generation last looked at
	sheetKnown int    // classified count last put in the title

	steps     []script.Step
	scripted  bool
	frames    int       // frames left in a frames=N step
	waitSince time.Time // when the current waiting step began
	timeout   time.Duration

	shot     string // file the next Draw reads the window into
	writing  bool   // a screenshot is being encoded and written
	shotDone chan shotResult
	wheel    float64
	err      error // set when a scripted run fails; returned by run
}

func newGame(l *gallery.Loader, sh *sheet, st view.State, outDir string, steps []script.Step, timeout time.Duration) *game {
	g := &game{
		loader:   l,
		sheet:    sh,
		state:    st,
		frame:    image.NewRGBA(image.Rect(0, 0, view.Width, view.Height)),
		frameImg: ebiten.NewImage(view.Width, view.Height),
		dirty:    true,
		focused:  -1,
		itemOf:   -1,
		outDir:   outDir,
		steps:    steps,
		scripted: len(steps) > 0,
		timeout:  timeout,
		shotDone: make(chan shotResult, 1),
	}
	return g
}

// Layout keeps a fixed frame; ebiten scales it to the window, keeping the
// aspect ratio, and reports cursor positions in frame coordinates.
func (g *game) Layout(int, int) (int, int) { return view.Width, view.Height }

// shotResult is the outcome of writing one screenshot.
type shotResult struct {
	file string
	err  error
}

func (g *game) Update() error {
	select {
	case r := <-g.shotDone:
		g.writing = false
		switch {
		case r.err != nil && g.scripted:
			g.err = r.err
			return ebiten.Termination
		case r.err != nil:
			g.note("could not save: " + r.err.Error())
		case g.scripted:
			logf("wrote %s", r.file)
		default:
			g.note("saved " + r.file)
		}
	default:
	}
	if quit := g.handleInput(); quit {
		return ebiten.Termination
	}
	if g.scripted && g.shot == "" && !g.writing {
		if done, err := g.runScript(); err != nil {
			g.err = err
			return ebiten.Termination
		} else if done {
			return ebiten.Termination
		}
	}
	g.sync()
	return nil
}

// finish waits for a screenshot still being written when the game ends, so
// that S followed at once by Esc still saves.
func (g *game) finish() {
	if g.writing {
		if r := <-g.shotDone; r.err != nil && g.err == nil {
			g.err = r.err
		}
		g.writing = false
	}
}

// sync tells the loader where we are, picks up what it has published and
// redraws the frame if anything changed.
func (g *game) sync() {
	s := &g.state
	if g.focused != s.Index {
		g.focused = s.Index
		g.loader.Focus(s.Index)
		s.Path = g.loader.Path(s.Index)
		ebiten.SetWindowTitle(fmt.Sprintf("hiwl viewer — %s (%d/%d)", filepath.Base(s.Path), s.Index+1, s.Count))
		g.dirty = true
	}
	// A prefetched image is already there when we arrive at it, so look it
	// up after every move, not only when the loader publishes.
	if gen := g.loader.Generation(); gen != g.gen || g.itemOf != s.Index {
		g.gen, g.itemOf = gen, s.Index
		if it := g.loader.Item(s.Index); it != s.Item {
			s.Item = it
			g.dirty = true
			if it != nil && it.Err != nil && it != g.reported {
				g.reported = it
				logf("%s: %v", it.Path, it.Err)
			}
		}
	}
	if s.Message != "" && time.Now().After(g.msgUntil) {
		s.Message = ""
		g.dirty = true
	}
	if sh := g.sheet; sh.on {
		sh.want()
		if gen := sh.thumbs.Generation(); gen != g.sheetGen {
			g.sheetGen = gen
			g.dirty = true
		}
	}
	if g.dirty {
		s.Sheet = nil
		if g.sheet.on {
			s.Sheet = g.sheet.state(s.Message)
			if s.Sheet.Known != g.sheetKnown {
				g.sheetKnown = s.Sheet.Known
				ebiten.SetWindowTitle(fmt.Sprintf("hiwl viewer — grid, %d of %d classified", s.Sheet.Known, s.Sheet.Total))
			}
		}
		g.renderer.Render(g.frame, s)
		g.frameImg.WritePixels(g.frame.Pix)
		g.dirty = false
	}
}

func (g *game) Draw(screen *ebiten.Image) {
	screen.DrawImage(g.frameImg, nil)
	if g.shot == "" || g.writing {
		return
	}
	// Read back what the window shows, not the CPU frame: the screenshot is
	// proof of what was on screen. PNG encoding takes tens of milliseconds,
	// so it runs beside the game loop.
	pix := make([]byte, 4*view.Width*view.Height)
	screen.ReadPixels(pix)
	img := &image.RGBA{Pix: pix, Stride: 4 * view.Width, Rect: image.Rect(0, 0, view.Width, view.Height)}
	file := g.shot
	g.shot, g.writing = "", true
	go func() { g.shotDone <- shotResult{file, view.WritePNG(file, img)} }()
}

// handleInput applies keys and mouse; it reports whether to quit.
func (g *game) handleInput() (quit bool) {
	s := &g.state
	if inpututil.IsKeyJustPressed(ebiten.KeyEscape) || inpututil.IsKeyJustPressed(ebiten.KeyQ) {
		return true
	}
	if g.sheet.on {
		g.handleSheetInput()
		return false
	}
	switch {
	case repeating(ebiten.KeyArrowRight) || repeating(ebiten.KeyPageDown) || inpututil.IsKeyJustPressed(ebiten.KeySpace):
		g.go_(s.Index + 1)
	case repeating(ebiten.KeyArrowLeft) || repeating(ebiten.KeyPageUp) || inpututil.IsKeyJustPressed(ebiten.KeyBackspace):
		g.go_(s.Index - 1)
	case inpututil.IsKeyJustPressed(ebiten.KeyHome):
		g.go_(0)
	case inpututil.IsKeyJustPressed(ebiten.KeyEnd):
		g.go_(s.Count - 1)
	case repeating(ebiten.KeyArrowUp):
		g.setOpacity(s.Opacity + 0.1)
	case repeating(ebiten.KeyArrowDown):
		g.setOpacity(s.Opacity - 0.1)
	case inpututil.IsKeyJustPressed(ebiten.KeyO):
		s.Overlay = !s.Overlay
		g.dirty = true
	case inpututil.IsKeyJustPressed(ebiten.KeyC):
		s.Colormap = overlay.Next(s.Colormap)
		g.dirty = true
	case inpututil.IsKeyJustPressed(ebiten.KeyK):
		s.Contour = !s.Contour
		g.dirty = true
	case inpututil.IsKeyJustPressed(ebiten.KeyG):
		g.openSheet()
	case inpututil.IsKeyJustPressed(ebiten.KeyS):
		g.save()
	}
	for k := 0; k <= model.NumClasses; k++ {
		if inpututil.IsKeyJustPressed(ebiten.Key0+ebiten.Key(k)) || inpututil.IsKeyJustPressed(ebiten.KeyNumpad0+ebiten.Key(k)) {
			g.setClass(k == 0, model.Classes[max(k-1, 0)])
		}
	}

	if inpututil.IsMouseButtonJustPressed(ebiten.MouseButtonLeft) {
		p := image.Pt(ebiten.CursorPosition())
		switch {
		case p.In(view.ImageBox) && p.X < (view.ImageBox.Min.X+view.ImageBox.Max.X)/2:
			g.go_(s.Index - 1)
		case p.In(view.ImageBox):
			g.go_(s.Index + 1)
		default:
			if c, ok := view.ClassAt(p); ok {
				g.setClass(false, c)
			}
		}
	}
	// Touchpads send many small wheel events: step once per whole notch.
	_, dy := ebiten.Wheel()
	g.wheel += dy
	for ; g.wheel >= 1; g.wheel-- {
		g.go_(s.Index - 1)
	}
	for ; g.wheel <= -1; g.wheel++ {
		g.go_(s.Index + 1)
	}
	return false
}

// repeating is true on a key press and then, while the key is held, about
// fifteen times a second: holding → flips through a folder.
func repeating(k ebiten.Key) bool {
	d := inpututil.KeyPressDuration(k)
	return d == 1 || (d >= 24 && d%4 == 0)
}

func (g *game) go_(i int) {
	i = min(max(i, 0), g.state.Count-1)
	if i != g.state.Index {
		g.state.Index = i
		g.dirty = true
	}
}

func (g *game) setClass(predicted bool, c model.Class) {
	g.state.Predicted, g.state.Class = predicted, c
	g.dirty = true
}

func (g *game) setOpacity(v float32) {
	// Round to tenths so that repeated steps land on 0 and 1 exactly.
	g.state.Opacity = min(max(float32(int(v*10+0.5))/10, 0), 1)
	g.dirty = true
}

// save writes the view as it is now to -out, named after the image, the map
// and the colour map.
func (g *game) save() {
	s := &g.state
	mapName := "predicted"
	if c, ok := s.MapClass(); ok {
		mapName = c.Slug()
	}
	if !s.Overlay {
		mapName = "plain"
	}
	if g.writing || g.shot != "" {
		return // one save at a time
	}
	if g.sheet.on {
		g.shot = filepath.Join(g.outDir, g.sheet.saveName())
		return
	}
	base := strings.TrimSuffix(filepath.Base(s.Path), filepath.Ext(s.Path))
	g.shot = filepath.Join(g.outDir, fmt.Sprintf("%s-%s-%s.png", base, mapName, s.Colormap.Name))
}

func (g *game) note(msg string) {
	g.state.Message = msg
	g.msgUntil = time.Now().Add(3 * time.Second)
	g.dirty = true
}

// runScript executes steps until one has to wait for later frames. It
// reports done when the script is over.
func (g *game) runScript() (done bool, err error) {
	for len(g.steps) > 0 {
		st := g.steps[0]
		s := &g.state
		switch st.Op {
		case script.Class:
			g.setClass(st.Predicted, st.Class)
		case script.Colormap:
			s.Colormap = st.Colormap
			g.dirty = true
		case script.Opacity:
			s.Opacity = st.Opacity
			g.dirty = true
		case script.Overlay:
			s.Overlay = st.On
			g.dirty = true
		case script.Contour:
			s.Contour = st.On
			g.dirty = true
		case script.Grid:
			if st.On {
				g.openSheet()
			} else {
				g.closeSheet()
			}
		case script.Sort, script.Filter, script.Move, script.Enter:
			if !g.sheet.on {
				return false, fmt.Errorf("script: %s: only in the grid (grid=on first)", st.Text)
			}
			switch st.Op {
			case script.Sort:
				g.sortSheet(st.Order)
			case script.Filter:
				g.filterSheet(st.Filter)
			case script.Move:
				if st.N > len(g.sheet.list) {
					return false, fmt.Errorf("script: %s: the grid lists %d images", st.Text, len(g.sheet.list))
				}
				g.sheet.move(st.N - 1)
				g.dirty = true
			case script.Enter:
				g.enterSheet()
			}
		case script.Next:
			g.go_(s.Index + 1)
		case script.Prev:
			g.go_(s.Index - 1)
		case script.Goto:
			if st.N > s.Count {
				return false, fmt.Errorf("script: %s: there are %d images", st.Text, s.Count)
			}
			g.go_(st.N - 1)
		case script.Frames:
			if g.frames == 0 {
				g.frames = st.N
			}
			if g.frames--; g.frames > 0 {
				return false, nil
			}
		case script.Wait, script.Screenshot, script.Save, script.Dump:
			// Waiting needs the loader's latest state and a redrawn frame.
			g.sync()
			if ready := (g.sheet.on && g.sheet.done()) || (!g.sheet.on && s.Item.Done()); !ready {
				if g.waitSince.IsZero() {
					g.waitSince = time.Now()
				}
				if time.Since(g.waitSince) > g.timeout {
					what := s.Path
					if g.sheet.on {
						what = "the grid's page"
					}
					return false, fmt.Errorf("script: %s: %s not classified after %v", st.Text, what, g.timeout)
				}
				return false, nil
			}
			g.waitSince = time.Time{}
			switch st.Op {
			case script.Screenshot:
				g.shot = st.File
			case script.Save:
				g.save()
			case script.Dump:
				if err := g.dump(st.File); err != nil {
					return false, fmt.Errorf("script: %s: %w", st.Text, err)
				}
				logf("wrote %s", st.File)
			}
		}
		g.steps = g.steps[1:]
		if g.shot != "" {
			return false, nil // Draw writes it; the script resumes after
		}
	}
	return true, nil
}

// The contact sheet's input and moves.

func (g *game) openSheet() {
	g.sheet.open(g.state.Index)
	g.sheetGen, g.sheetKnown = 0, -1
	g.dirty = true
}

func (g *game) closeSheet() {
	g.sheet.on = false
	g.focused = -1 // sync sets the single view's title again
	g.dirty = true
}

// enterSheet opens the selected image in the single view.
func (g *game) enterSheet() {
	if i := g.sheet.selected(); i >= 0 {
		g.state.Index = i
	}
	g.closeSheet()
}

func (g *game) sortSheet(o gallery.Order) {
	g.sheet.order = o
	g.sheet.arrange(g.sheet.selected())
	g.dirty = true
}

func (g *game) filterSheet(f gallery.Filter) {
	g.sheet.filter = f
	g.sheet.arrange(g.sheet.selected())
	g.dirty = true
}

func (g *game) handleSheetInput() {
	sh := g.sheet
	cur := sh.cursor
	switch {
	case repeating(ebiten.KeyArrowRight):
		sh.move(cur + 1)
	case repeating(ebiten.KeyArrowLeft):
		sh.move(cur - 1)
	case repeating(ebiten.KeyArrowDown):
		sh.move(cur + view.SheetCols)
	case repeating(ebiten.KeyArrowUp):
		sh.move(cur - view.SheetCols)
	case repeating(ebiten.KeyPageDown) || inpututil.IsKeyJustPressed(ebiten.KeySpace):
		sh.move(cur + view.SheetPage)
	case repeating(ebiten.KeyPageUp):
		sh.move(cur - view.SheetPage)
	case inpututil.IsKeyJustPressed(ebiten.KeyHome):
		sh.move(0)
	case inpututil.IsKeyJustPressed(ebiten.KeyEnd):
		sh.move(len(sh.list) - 1)
	case inpututil.IsKeyJustPressed(ebiten.KeyEnter) || inpututil.IsKeyJustPressed(ebiten.KeyNumpadEnter):
		g.enterSheet()
		return
	case inpututil.IsKeyJustPressed(ebiten.KeyG):
		g.closeSheet()
		return
	case inpututil.IsKeyJustPressed(ebiten.KeyN):
		g.sortSheet(gallery.ByName)
	case inpututil.IsKeyJustPressed(ebiten.KeyU):
		g.sortSheet(gallery.ByUncertain)
	case inpututil.IsKeyJustPressed(ebiten.KeyL):
		g.sortSheet(gallery.ByLabel)
	case inpututil.IsKeyJustPressed(ebiten.KeyS):
		g.save()
	case inpututil.IsKeyJustPressed(ebiten.KeyX):
		g.filterSheet(gallery.Filter{Domain: gallery.NotCutouts})
	case inpututil.IsKeyJustPressed(ebiten.KeyI):
		g.filterSheet(gallery.Filter{Domain: gallery.Cutouts})
	}
	for k := 0; k <= model.NumClasses; k++ {
		if inpututil.IsKeyJustPressed(ebiten.Key0+ebiten.Key(k)) || inpututil.IsKeyJustPressed(ebiten.KeyNumpad0+ebiten.Key(k)) {
			f := gallery.Filter{All: k == 0}
			if k > 0 {
				f.Class = model.Classes[k-1]
			}
			g.filterSheet(f)
		}
	}
	if inpututil.IsMouseButtonJustPressed(ebiten.MouseButtonLeft) {
		if k, ok := view.CellAt(image.Pt(ebiten.CursorPosition())); ok && sh.top+k < len(sh.list) {
			sh.move(sh.top + k)
			g.enterSheet()
			return
		}
	}
	_, dy := ebiten.Wheel()
	g.wheel += dy
	for ; g.wheel >= 1; g.wheel-- {
		sh.move(sh.cursor - view.SheetCols)
	}
	for ; g.wheel <= -1; g.wheel++ {
		sh.move(sh.cursor + view.SheetCols)
	}
	if sh.cursor != cur {
		g.dirty = true
	}
}
