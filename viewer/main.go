// Command viewer is a desktop viewer for astronomers exploring what the hiwl
// model attends to: it shows each galaxy image with the class activation map
// of any of the five classes overlaid on the square the network saw, next to
// the five probabilities and the hierarchy's decisions.
//
//	go run ./viewer [flags] FILE|FOLDER...
//
// Folders are listed, not read: images are decoded and classified one at a
// time in the background as they come on screen (and their neighbours just
// before). Keys and flags are in viewer/README.md and in -help.
//
// The window needs a display (X11 or Wayland); under CI it runs in Xvfb.
// The -script flag drives the real window without a keyboard and writes
// screenshots, which is how the tests and docs/viewer-screenshot.png work.
package main

//go:generate make -C .. -f viewer/viewer.mk viewer-screenshot

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/hajimehoshi/ebiten/v2"

	"github.com/hiwl/hiwl/model"
	"github.com/hiwl/hiwl/viewer/gallery"
	"github.com/hiwl/hiwl/viewer/overlay"
	"github.com/hiwl/hiwl/viewer/script"
	"github.com/hiwl/hiwl/viewer/view"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "viewer:", err)
		if errors.Is(err, errUsage) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

var errUsage = errors.New("usage")

func run(args []string) error {
	fs := flag.NewFlagSet("viewer", flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `usage: viewer [flags] FILE|FOLDER...

Shows galaxy images with the hiwl model's attention map overlaid.
Folders are searched recursively for .jpg, .jpeg, .png and .gif files.

Keys: ←/→ (wheel, click left/right half) previous/next, Home/End first/last,
1-5 map of that class, 0 map of the predicted class (or click a row),
↑/↓ opacity, O overlay on/off, C colour map, S save the view as PNG, Esc quit.

Flags:
`)
		fs.PrintDefaults()
	}
	modelFile := fs.String("model", "", "ONNX `file` exported by the trainer (default: the embedded model)")
	class := fs.String("class", "predicted", "initial map: predicted, 1-5, or a class slug (round, in-between, cigar, edge-on, spiral)")
	cmap := fs.String("cmap", overlay.Inferno.Name, "initial colour map: inferno, jet, viridis or grey")
	opacity := fs.Float64("opacity", 0.6, "initial overlay opacity, 0 to 1")
	showOverlay := fs.Bool("overlay", true, "draw the overlay at start")
	outDir := fs.String("out", ".", "`folder` where S saves views")
	start := fs.Int("start", 1, "image to open first (1-based)")
	cache := fs.Int("cache", 32, "images kept in memory")
	scriptText := fs.String("script", "", "run these steps, then exit (see viewer/README.md), e.g. 'class=spiral;screenshot=a.png'")
	frames := fs.Int("frames", 0, "exit after this many frames (after -script, if any)")
	screenshot := fs.String("screenshot", "", "when the image is classified, write the window to this PNG `file` and exit")
	timeout := fs.Duration("timeout", 2*time.Minute, "longest a script waits for one image")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return errUsage
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return fmt.Errorf("%w: name at least one image file or folder", errUsage)
	}

	// Check every flag before opening a window, so that a typo gives a
	// message on the terminal rather than a window that closes at once.
	st := view.State{Overlay: *showOverlay, Opacity: float32(*opacity)}
	var err error
	if st.Predicted, st.Class, err = script.ParseClassKey(*class); err != nil {
		return fmt.Errorf("-class: %w", err)
	}
	if st.Colormap, err = overlay.ByName(*cmap); err != nil {
		return fmt.Errorf("-cmap: %w", err)
	}
	if *opacity < 0 || *opacity > 1 {
		return fmt.Errorf("-opacity %v: want a value from 0 to 1", *opacity)
	}
	steps, err := script.Parse(*scriptText)
	if err != nil {
		return fmt.Errorf("-script: %w", err)
	}
	if *frames > 0 {
		steps = append(steps, script.Step{Op: script.Frames, N: *frames, Text: fmt.Sprintf("frames=%d", *frames)})
	}
	if *screenshot != "" {
		steps = append(steps, script.Step{Op: script.Screenshot, File: *screenshot, Text: "screenshot=" + *screenshot})
	}
	if info, err := os.Stat(*outDir); err != nil || !info.IsDir() {
		return fmt.Errorf("-out %s: not a folder", *outDir)
	}

	paths, err := gallery.List(fs.Args())
	if err != nil {
		return err
	}
	if *start < 1 || *start > len(paths) {
		return fmt.Errorf("-start %d: there are %d images", *start, len(paths))
	}
	clf, err := model.Open(*modelFile)
	if err != nil {
		return fmt.Errorf("-model: %w", err)
	}
	st.Index, st.Count, st.ModelVersion = *start-1, len(paths), clf.Version()

	loader := gallery.NewLoader(paths, clf, *cache)
	defer loader.Close()
	g := newGame(loader, st, *outDir, steps, *timeout)

	ebiten.SetWindowTitle("hiwl viewer")
	ebiten.SetWindowSize(view.Width, view.Height)
	ebiten.SetWindowResizingMode(ebiten.WindowResizingModeEnabled)
	// A scripted run under Xvfb has no window manager to give it focus.
	ebiten.SetRunnableOnUnfocused(true)
	err = ebiten.RunGame(g)
	g.finish()
	if err != nil {
		return err
	}
	return g.err
}

// logf reports on stderr what the window also shows, for scripted runs.
func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "viewer: "+strings.TrimSuffix(format, "\n")+"\n", args...)
}
