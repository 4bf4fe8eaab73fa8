package main

// These tests run the real viewer: the test binary re-executes itself as the
// viewer (TestMain), which opens an ebiten window on the X display, so they
// need one: `make test-viewer` runs them under xvfb-run.

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	xdraw "golang.org/x/image/draw"

	"github.com/hiwl/hiwl/model"
	"github.com/hiwl/hiwl/viewer/gallery"
	"github.com/hiwl/hiwl/viewer/internal/cli"
	"github.com/hiwl/hiwl/viewer/internal/early"
	"github.com/hiwl/hiwl/viewer/overlay"
	"github.com/hiwl/hiwl/viewer/view"
)

const runAsViewer = early.RunAsViewerEnv

func TestMain(m *testing.M) {
	if os.Getenv(runAsViewer) == "1" {
		main() // exits with a non-zero status itself on failure
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// A real Galaxy Zoo spiral from the challenge data (the repository's parent
// holds shared/).
const spiral = "../../shared/data/gz-challenge-spiral/validation/spirals/170676.jpg"

// viewer runs the viewer binary with args and returns its stderr.
func viewer(t *testing.T, args ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], args...)
	cmd.Env = append(os.Environ(), runAsViewer+"=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("viewer %v did not exit in time; stderr:\n%s", args, stderr.String())
	}
	return stderr.String(), err
}

func readPNG(t *testing.T, path string) *image.RGBA {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	if img.Bounds() != image.Rect(0, 0, view.Width, view.Height) {
		t.Fatalf("%s is %v, want %dx%d", path, img.Bounds(), view.Width, view.Height)
	}
	rgba := image.NewRGBA(img.Bounds())
	xdraw.Draw(rgba, rgba.Bounds(), img, image.Point{}, xdraw.Src)
	return rgba
}

// loadItem decodes and classifies a file with the native classifier,
// independently of the viewer process.
func loadItem(t *testing.T, path string) *gallery.Item {
	t.Helper()
	l := gallery.NewLoader([]string{path}, defaultClassifier(t), 1)
	defer l.Close()
	l.Focus(0)
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if it := l.Item(0); it.Done() {
			return it
		}
	}
	t.Fatalf("%s not classified in time", path)
	return nil
}

func defaultClassifier(t *testing.T) *model.Classifier {
	t.Helper()
	c, err := model.Default()
	if err != nil {
		t.Fatalf("embedded model: %v", err)
	}
	return c
}

// expected draws, without a window, the frame the viewer should show.
func expected(s view.State) *image.RGBA {
	dst := image.NewRGBA(image.Rect(0, 0, view.Width, view.Height))
	var r view.Renderer
	r.Render(dst, &s)
	return dst
}

// differing reports how many pixels of a and b differ by more than 2 in a
// channel (GPU upload and read-back may round).
func differing(a, b *image.RGBA, r image.Rectangle) int {
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			p, q := a.RGBAAt(x, y), b.RGBAAt(x, y)
			if absDiff(p.R, q.R) > 2 || absDiff(p.G, q.G) > 2 || absDiff(p.B, q.B) > 2 {
				n++
			}
		}
	}
	return n
}

func absDiff(a, b uint8) uint8 {
	if a > b {
		return a - b
	}
	return b - a
}

func distance(a, b color.RGBA) int {
	d := func(x, y uint8) int { return max(int(x)-int(y), int(y)-int(x)) }
	return d(a.R, b.R) + d(a.G, b.G) + d(a.B, b.B)
}

func brightness(img *image.RGBA, r image.Rectangle) int {
	sum := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			c := img.RGBAAt(x, y)
			sum += int(c.R) + int(c.G) + int(c.B)
		}
	}
	return sum
}

func TestWindowShowsOverlayOfChosenClass(t *testing.T) {
	dir := t.TempDir()
	shot := func(name string) string { return filepath.Join(dir, name+".png") }
	stderr, err := viewer(t,
		"-script", "cmap=jet;opacity=0.8;class=spiral;screenshot="+shot("spiral")+
			";class=round;screenshot="+shot("round")+";overlay=off;screenshot="+shot("off"),
		spiral)
	if err != nil {
		t.Fatalf("viewer failed: %v\n%s", err, stderr)
	}
	spiralShot, roundShot, offShot := readPNG(t, shot("spiral")), readPNG(t, shot("round")), readPNG(t, shot("off"))

	it := loadItem(t, spiral)
	if it.Err != nil {
		t.Fatal(it.Err)
	}
	crop := view.OverlayRect(it)
	b := it.Image.Bounds()
	fitted := overlay.Fit(b.Dx(), b.Dy(), view.ImageBox)
	area := crop.Dx() * crop.Dy()

	// Overlay present: with the map on, the pixels where the native spiral
	// CAM is strong are moved by the colour map, on dark sky and on a bright
	// core alike (measured as an RGB distance, not a saturation change: a
	// yellow core is already saturated).
	heat := overlay.Upsample(it.Result.CAMs[model.Spiral], it.Result.CAMSide, crop.Dx(), crop.Dy())
	strong, hued := 0, 0
	for y := crop.Min.Y; y < crop.Max.Y; y++ {
		for x := crop.Min.X; x < crop.Max.X; x++ {
			if heat[(y-crop.Min.Y)*crop.Dx()+x-crop.Min.X] < 0.5 {
				continue
			}
			strong++
			if distance(spiralShot.RGBAAt(x, y), offShot.RGBAAt(x, y)) > 60 {
				hued++
			}
		}
	}
	if strong < area/100 {
		t.Fatalf("the spiral CAM is strong in only %d of %d crop pixels; nothing to see", strong, area)
	}
	if hued < strong*9/10 {
		t.Errorf("overlay on: only %d of %d strong-attention pixels were changed by the colour map", hued, strong)
	}
	// Overlay off: those pixels are gone; the box shows the plain galaxy.
	plain := image.NewRGBA(view.ImageBox)
	view.Scale(plain, fitted, it.Image)
	if n := differing(offShot, plain, fitted); n > 0 {
		t.Errorf("overlay off: %d pixels differ from the plain galaxy", n)
	}
	// With the map on, the part of the image the network did not see is
	// dimmed.
	left := image.Rect(fitted.Min.X, fitted.Min.Y, crop.Min.X-2, fitted.Max.Y)
	if on, off := brightness(spiralShot, left), brightness(offShot, left); on*10 > off*6 {
		t.Errorf("outside the crop: brightness %d with the overlay, %d without; want it dimmed", on, off)
	}

	// The map follows the chosen class.
	changed := 0
	for y := crop.Min.Y; y < crop.Max.Y; y++ {
		for x := crop.Min.X; x < crop.Max.X; x++ {
			p, q := spiralShot.RGBAAt(x, y), roundShot.RGBAAt(x, y)
			if absDiff(p.R, q.R)+absDiff(p.G, q.G)+absDiff(p.B, q.B) > 30 {
				changed++
			}
		}
	}
	if changed < area/50 {
		t.Errorf("spiral and round maps differ in only %d of %d crop pixels", changed, area)
	}

	// Pixel for pixel, the window shows what the renderer draws from the
	// native classifier's result: the same probabilities, decisions and map.
	st := view.State{Count: 1, Path: spiral, Item: it, Colormap: overlay.Jet, Opacity: 0.8, Overlay: true,
		ModelVersion: defaultClassifier(t).Version()}
	for _, c := range []struct {
		shot    *image.RGBA
		class   model.Class
		overlay bool
	}{{spiralShot, model.Spiral, true}, {roundShot, model.Round, true}, {offShot, model.Round, false}} {
		st.Class, st.Overlay = c.class, c.overlay
		if n := differing(c.shot, expected(st), image.Rect(0, 0, view.Width, view.Height)); n > 0 {
			t.Errorf("%v map (overlay %v): %d pixels differ from the headless frame", c.class, c.overlay, n)
		}
	}
}

func TestWindowSkipsUnreadableFiles(t *testing.T) {
	dir := t.TempDir()
	good, err := os.ReadFile(spiral)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{
		"a-truncated.jpg": good[:len(good)/3],
		"b-galaxy.jpg":    good,
		"c-notes.jpg":     []byte("not an image"),
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// -model with a copy of the embedded model exercises loading a model
	// file as the trainer exports it.
	modelFile := filepath.Join(t.TempDir(), "exported.onnx")
	if err := os.WriteFile(modelFile, model.DefaultONNX(), 0o644); err != nil {
		t.Fatal(err)
	}
	shots := t.TempDir()
	shot := func(name string) string { return filepath.Join(shots, name+".png") }
	stderr, err := viewer(t, "-model", modelFile, "-script",
		"screenshot="+shot("truncated")+";next;screenshot="+shot("galaxy")+";next;screenshot="+shot("notes")+";prev;wait",
		dir)
	if err != nil {
		t.Fatalf("viewer failed: %v\n%s", err, stderr)
	}
	for _, want := range []string{"a-truncated.jpg", "truncated or corrupt", "c-notes.jpg", "not a JPEG, PNG or GIF"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr does not mention %q:\n%s", want, stderr)
		}
	}

	reddish := func(img *image.RGBA) int {
		n := 0
		for y := view.ImageBox.Min.Y; y < view.ImageBox.Max.Y; y++ {
			for x := view.ImageBox.Min.X; x < view.ImageBox.Max.X; x++ {
				c := img.RGBAAt(x, y)
				if int(c.R) > int(c.G)+20 && int(c.R) > int(c.B)+20 {
					n++
				}
			}
		}
		return n
	}
	for _, name := range []string{"truncated", "notes"} {
		if n := reddish(readPNG(t, shot(name))); n < 50_000 {
			t.Errorf("%s file: %d red pixels in the image box, want an error card", name, n)
		}
	}
	// The readable file after the broken one is shown with its map.
	it := loadItem(t, filepath.Join(dir, "b-galaxy.jpg"))
	st := view.State{Index: 1, Count: 3, Path: filepath.Join(dir, "b-galaxy.jpg"), Item: it, Predicted: true,
		Colormap: overlay.Inferno, Opacity: cli.DefaultOpacity, Overlay: true, ModelVersion: defaultClassifier(t).Version()}
	if n := differing(readPNG(t, shot("galaxy")), expected(st), image.Rect(0, 0, view.Width, view.Height)); n > 0 {
		t.Errorf("the readable file after a broken one: %d pixels differ from the headless frame", n)
	}
}

func TestBadArgumentsFailClearly(t *testing.T) {
	notModel := filepath.Join(t.TempDir(), "model.onnx")
	os.WriteFile(notModel, []byte("not a model"), 0o644)
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"-model", notModel, spiral}, 1, "not a usable HIWL ONNX model"},
		{[]string{"-class", "quasar", spiral}, 1, `unknown class "quasar"`},
		{[]string{"-script", "class=spiral;jump", spiral}, 1, `step "jump"`},
		{[]string{"-script", "goto=5", spiral}, 1, "there are 1 images"},
		{[]string{"/no/such/folder"}, 1, "no such file"},
		{nil, 2, "name at least one image"},
	}
	for _, tt := range tests {
		stderr, err := viewer(t, tt.args...)
		var exit *exec.ExitError
		if !errors.As(err, &exit) || exit.ExitCode() != tt.code {
			t.Errorf("viewer %v: %v, want exit status %d\n%s", tt.args, err, tt.code, stderr)
			continue
		}
		if !strings.Contains(stderr, tt.want) {
			t.Errorf("viewer %v: stderr does not say %q:\n%s", tt.args, tt.want, stderr)
		}
	}
}

// TestNoDisplay runs the real binary with no display named: help, flag
// errors and "no display" come out as messages and exit statuses, not as
// ebiten's start-up panic. This pins package early's init order.
func TestNoDisplay(t *testing.T) {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "DISPLAY=") && !strings.HasPrefix(kv, "WAYLAND_DISPLAY=") {
			env = append(env, kv)
		}
	}
	env = append(env, runAsViewer+"=1")
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"-h"}, 0, "usage: viewer [flags] FILE|FOLDER"},
		{[]string{"-bogus", spiral}, 2, "flag provided but not defined: -bogus"},
		{[]string{"-cmap", "nope", spiral}, 1, `unknown colour map "nope"`},
		{[]string{"-opacity", "2", spiral}, 1, "want a value from 0 to 1"},
		{[]string{"/no/such/folder"}, 1, "no such file"},
		{nil, 2, "name at least one image"},
		{[]string{spiral}, 1, "no display: DISPLAY is not set"},
	}
	for _, tt := range tests {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		cmd := exec.CommandContext(ctx, os.Args[0], tt.args...)
		cmd.Env = env
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		err := cmd.Run()
		cancel()
		code := 0
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			code = exit.ExitCode()
		} else if err != nil {
			t.Fatalf("viewer %v: %v", tt.args, err)
		}
		if code != tt.code || !strings.Contains(stderr.String(), tt.want) || strings.Contains(stderr.String(), "panic") {
			t.Errorf("viewer %v without a display: exit status %d, want %d with %q; stderr:\n%s",
				tt.args, code, tt.code, tt.want, stderr.String())
		}
	}
}
