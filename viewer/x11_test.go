package main

import (
	"bytes"
	"fmt"
	"image"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jezek/xgb"
	"github.com/jezek/xgb/xproto"
	"github.com/jezek/xgb/xtest"

	"github.com/hiwl/hiwl/model"
	"github.com/hiwl/hiwl/viewer/gallery"
	"github.com/hiwl/hiwl/viewer/overlay"
	"github.com/hiwl/hiwl/viewer/view"
)

// x11 sends real key presses and mouse clicks to the X server with the
// XTEST extension (Xvfb has it), the way a person at the keyboard would.
type x11 struct {
	t    *testing.T
	c    *xgb.Conn
	root xproto.Window
	keys map[xproto.Keysym]xproto.Keycode
	win  xproto.Window
}

// X keysyms of the keys the test presses.
const (
	ksLeft     xproto.Keysym = 0xff51
	ksRight    xproto.Keysym = 0xff53
	ksUp       xproto.Keysym = 0xff52
	ksDown     xproto.Keysym = 0xff54
	ksEscape   xproto.Keysym = 0xff1b
	ksPageDown xproto.Keysym = 0xff56
	ksHome     xproto.Keysym = 0xff50
	ksReturn   xproto.Keysym = 0xff0d
)

func newX11(t *testing.T) *x11 {
	t.Helper()
	c, err := xgb.NewConn()
	if err != nil {
		t.Fatalf("no X display (run under xvfb-run): %v", err)
	}
	t.Cleanup(c.Close)
	if err := xtest.Init(c); err != nil {
		t.Fatalf("X server without XTEST: %v", err)
	}
	setup := xproto.Setup(c)
	x := &x11{t: t, c: c, root: setup.DefaultScreen(c).Root, keys: map[xproto.Keysym]xproto.Keycode{}}
	n := int(setup.MaxKeycode) - int(setup.MinKeycode) + 1
	m, err := xproto.GetKeyboardMapping(c, setup.MinKeycode, byte(n)).Reply()
	if err != nil {
		t.Fatal(err)
	}
	per := int(m.KeysymsPerKeycode)
	for i := 0; i < n; i++ {
		for j := 0; j < per; j++ {
			sym := m.Keysyms[i*per+j]
			if _, ok := x.keys[sym]; !ok && sym != 0 {
				x.keys[sym] = xproto.Keycode(int(setup.MinKeycode) + i)
			}
		}
	}
	return x
}

// waitWindow finds the top-level window whose title starts with prefix,
// moves the pointer over it and gives it the keyboard focus.
func (x *x11) waitWindow(prefix string, deadline time.Duration) {
	x.t.Helper()
	netName := x.atom("_NET_WM_NAME")
	for end := time.Now().Add(deadline); time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
		tree, err := xproto.QueryTree(x.c, x.root).Reply()
		if err != nil {
			x.t.Fatal(err)
		}
		for _, w := range tree.Children {
			for _, prop := range []xproto.Atom{netName, xproto.AtomWmName} {
				p, err := xproto.GetProperty(x.c, false, w, prop, xproto.GetPropertyTypeAny, 0, 256).Reply()
				if err == nil && strings.HasPrefix(string(p.Value), prefix) {
					attr, err := xproto.GetWindowAttributes(x.c, w).Reply()
					if err != nil || attr.MapState != xproto.MapStateViewable {
						continue
					}
					x.win = w
					x.pointerTo(view.Width/2, view.Height/2)
					xproto.SetInputFocus(x.c, xproto.InputFocusPointerRoot, w, xproto.TimeCurrentTime)
					x.c.Sync()
					return
				}
			}
		}
	}
	x.t.Fatalf("no window titled %q appeared", prefix)
}

// title is the window's title (the viewer puts the file and its position
// there).
func (x *x11) title() string {
	p, err := xproto.GetProperty(x.c, false, x.win, x.atom("_NET_WM_NAME"), xproto.GetPropertyTypeAny, 0, 256).Reply()
	if err != nil {
		x.t.Fatal(err)
	}
	return string(p.Value)
}

// waitTitle waits until the title contains s: the viewer has taken in the
// keys sent so far.
func (x *x11) waitTitle(s string) {
	x.t.Helper()
	for end := time.Now().Add(30 * time.Second); time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
		if strings.Contains(x.title(), s) {
			return
		}
	}
	x.t.Fatalf("window title %q never showed %q", x.title(), s)
}

func (x *x11) atom(name string) xproto.Atom {
	r, err := xproto.InternAtom(x.c, false, uint16(len(name)), name).Reply()
	if err != nil {
		x.t.Fatal(err)
	}
	return r.Atom
}

// pointerTo moves the pointer to frame coordinates (fx, fy), mapping them
// onto the window as ebiten does: scaled to fit, centred.
func (x *x11) pointerTo(fx, fy int) {
	g, err := xproto.GetGeometry(x.c, xproto.Drawable(x.win)).Reply()
	if err != nil {
		x.t.Fatal(err)
	}
	pos, err := xproto.TranslateCoordinates(x.c, x.win, x.root, 0, 0).Reply()
	if err != nil {
		x.t.Fatal(err)
	}
	scale := min(float64(g.Width)/view.Width, float64(g.Height)/view.Height)
	ox := (float64(g.Width) - view.Width*scale) / 2
	oy := (float64(g.Height) - view.Height*scale) / 2
	rx := int16(float64(pos.DstX) + ox + float64(fx)*scale)
	ry := int16(float64(pos.DstY) + oy + float64(fy)*scale)
	x.fake(xproto.MotionNotify, 0, rx, ry)
}

func (x *x11) fake(typ byte, detail byte, rx, ry int16) {
	x.t.Helper()
	if err := xtest.FakeInputChecked(x.c, typ, detail, 0, x.root, rx, ry, 0).Check(); err != nil {
		x.t.Fatal(err)
	}
	// Hold each event for a few frames so ebiten's per-frame polling sees
	// the press and the release as separate states.
	time.Sleep(80 * time.Millisecond)
}

func (x *x11) press(sym xproto.Keysym) {
	x.t.Helper()
	code, ok := x.keys[sym]
	if !ok {
		x.t.Fatalf("no keycode for keysym %#x", sym)
	}
	x.fake(xproto.KeyPress, byte(code), 0, 0)
	x.fake(xproto.KeyRelease, byte(code), 0, 0)
	// GLFW drops a release followed closely by a press of the same key as
	// auto-repeat, judging by X timestamps, which Xvfb assigns coarsely for
	// XTEST input; keep presses of one key well apart.
	time.Sleep(250 * time.Millisecond)
}

func (x *x11) wheel(button byte) {
	x.fake(xproto.ButtonPress, button, 0, 0)
	x.fake(xproto.ButtonRelease, button, 0, 0)
}

func (x *x11) click(fx, fy int) {
	x.t.Helper()
	x.pointerTo(fx, fy)
	x.fake(xproto.ButtonPress, 1, 0, 0)
	x.fake(xproto.ButtonRelease, 1, 0, 0)
}

// TestKeysAndMouseDriveTheWindow types keys and clicks into the real
// window and checks each saved view against the frame the state those
// inputs should produce draws.
func TestKeysAndMouseDriveTheWindow(t *testing.T) {
	files := []string{
		spiral,
		"../../shared/data/gz-challenge-spiral/validation/spirals/207682.jpg",
		"../../shared/data/gz-challenge-spiral/validation/non_spirals/" + firstFile(t, "../../shared/data/gz-challenge-spiral/validation/non_spirals"),
	}
	out := t.TempDir()
	// The script only waits for the first image, then leaves the window to
	// the keyboard for up to ten minutes; Esc ends it.
	// -opacity 0.6: the arrow keys step it by tenths, 0.6 -> 0.5 -> 0.6.
	cmd := exec.Command(os.Args[0], append([]string{"-opacity", "0.6", "-out", out, "-script", "wait;frames=36000"}, files...)...)
	cmd.Env = append(os.Environ(), runAsViewer+"=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	running := true
	defer func() {
		if running {
			cmd.Process.Kill()
			<-exited
		}
		if t.Failed() {
			t.Logf("viewer stderr:\n%s", stderr.String())
		}
	}()

	x := newX11(t)
	x.waitWindow("hiwl viewer", time.Minute)
	version := defaultClassifier(t).Version()

	// saved presses S until the saved view shows the classified image (the
	// first press can come while the network still runs) and compares it
	// with the expected frame.
	saved := func(name string, st view.State) {
		t.Helper()
		st.Count, st.Path, st.ModelVersion = len(files), files[st.Index], version
		st.Item = loadItem(t, files[st.Index])
		want := expected(st)
		path := filepath.Join(out, name)
		n := -1
		for try := 0; try < 5; try++ {
			os.Remove(path)
			x.press('s')
			for end := time.Now().Add(10 * time.Second); time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
				if _, err := os.Stat(path); err == nil {
					break
				}
			}
			if _, err := os.Stat(path); err != nil {
				t.Fatalf("S did not save %s; stderr:\n%s", name, stderr.String())
			}
			if n = differing(readPNG(t, path), want, image.Rect(0, 0, view.Width, view.Height)); n == 0 {
				return
			}
			time.Sleep(3500 * time.Millisecond) // let the "saved" note fade
		}
		t.Errorf("%s: %d pixels differ from the expected frame", name, n)
	}

	// The title changes once the game loop runs; keys sent before could be
	// lost while the window is still being set up.
	x.waitTitle("(1/3)")
	x.press(ksRight) // image 2
	x.waitTitle("(2/3)")
	x.press(ksPageDown) // image 3
	x.waitTitle("(3/3)")
	x.press(ksLeft) // back to image 2
	x.waitTitle("(2/3)")
	x.press('4')    // edge-on map
	x.press('c')    // inferno -> jet
	x.press(ksDown) // opacity 0.6 -> 0.5
	saved("207682-edge-on-jet.png", view.State{Index: 1, Class: model.EdgeOn, Colormap: overlay.Jet, Opacity: 0.5, Overlay: true})

	// Mouse: a click on the "round" row picks its map, a click on the right
	// half of the image goes to the next one.
	x.click(view.PanelX0+40, view.ClassRowMid(model.Round))
	x.click(view.ImageBox.Max.X-50, view.ImageBox.Max.Y/2)
	x.waitTitle("(3/3)")
	// The wheel: X buttons 4 (up: previous) and 5 (down: next).
	x.wheel(4)
	x.waitTitle("(2/3)")
	x.wheel(5)
	x.waitTitle("(3/3)")
	x.press(ksUp) // back to 0.6
	x.press('o')  // overlay off
	base := strings.TrimSuffix(filepath.Base(files[2]), ".jpg")
	saved(base+"-plain-jet.png", view.State{Index: 2, Class: model.Round, Colormap: overlay.Jet, Opacity: 0.6, Overlay: false})
	x.press('o')
	x.press('0') // the predicted class's map
	saved(base+"-"+loadItem(t, files[2]).Result.Label.Slug()+"-jet.png",
		view.State{Index: 2, Predicted: true, Colormap: overlay.Jet, Opacity: 0.6, Overlay: true})

	x.press(ksEscape)
	select {
	case err := <-exited:
		running = false
		if err != nil {
			t.Errorf("viewer exited with %v; stderr:\n%s", err, stderr.String())
		}
	case <-time.After(30 * time.Second):
		t.Errorf("Esc did not close the viewer; stderr:\n%s", stderr.String())
	}
}

func firstFile(t *testing.T, dir string) string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil || len(entries) == 0 {
		t.Fatalf("no files in %s: %v", dir, err)
	}
	return entries[0].Name()
}

// TestKeysDriveTheGrid uses the contact sheet from the keyboard: on a page
// of 30 real images, U sorts least certain first, Home and Enter open the
// least certain image, G returns, 3 keeps only the cigars and S saves the
// grid, which shows exactly the images the native classifier calls cigars.
func TestKeysDriveTheGrid(t *testing.T) {
	dir, out := sheetFolder(t, 6), t.TempDir()
	paths, err := gallery.List([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	clf := defaultClassifier(t)
	least, cigars := -1, 0
	var leastConf float32
	for i, p := range paths {
		pred, err := clf.ClassifyFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if c := pred.Probabilities[pred.Label]; least < 0 || c < leastConf {
			least, leastConf = i, c
		}
		if pred.Label == model.Cigar {
			cigars++
		}
	}
	if cigars == 0 || cigars == len(paths) {
		t.Fatalf("%d of %d images are predicted cigars; the filter needs some of each", cigars, len(paths))
	}
	cmd := exec.Command(os.Args[0], "-out", out, "-script", "wait;grid=on;wait;frames=36000", dir)
	cmd.Env = append(os.Environ(), runAsViewer+"=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	running := true
	defer func() {
		if running {
			cmd.Process.Kill()
			<-exited
		}
		if t.Failed() {
			t.Logf("viewer stderr:\n%s", stderr.String())
		}
	}()

	x := newX11(t)
	x.waitWindow("hiwl viewer", time.Minute)
	x.waitTitle(fmt.Sprintf("grid, %d of %d classified", len(paths), len(paths)))
	x.press('u')
	x.press(ksHome)
	x.press(ksReturn)
	x.waitTitle(fmt.Sprintf("(%d/%d)", least+1, len(paths)))
	x.press('g')
	x.waitTitle("grid,")
	x.press('3') // cigars only
	x.press('s')
	path := filepath.Join(out, "grid-confidence-cigar.png")
	for end := time.Now().Add(10 * time.Second); time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
		if _, err := os.Stat(path); err == nil {
			break
		}
	}
	shot := readPNG(t, path)
	for k := range view.SheetPage {
		box := view.ThumbRect(k)
		strip := shot.RGBAAt((box.Min.X+box.Max.X)/2, box.Max.Y-2)
		if isCigar := distance(strip, view.ClassColour[model.Cigar]) <= 6; isCigar != (k < cigars) {
			t.Errorf("cell %d: badge %v; want a cigar badge in the first %d cells only", k, strip, cigars)
		}
	}
	x.press(ksEscape)
	select {
	case err := <-exited:
		running = false
		if err != nil {
			t.Errorf("viewer exited with %v; stderr:\n%s", err, stderr.String())
		}
	case <-time.After(30 * time.Second):
		t.Errorf("Esc did not close the viewer; stderr:\n%s", stderr.String())
	}
}
