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
// Without one, -h and flag errors still work and anything else stops with
// "no display" (package internal/early).
// The -script flag drives the real window without a keyboard and writes
// screenshots, which is how the tests and docs/viewer-screenshot.png work.
package main

//go:generate make -C .. -f viewer/viewer.mk viewer-screenshot

import (
	"fmt"
	"os"
	"strings"

	"github.com/hajimehoshi/ebiten/v2"

	"github.com/hiwl/hiwl/model"
	"github.com/hiwl/hiwl/viewer/gallery"
	"github.com/hiwl/hiwl/viewer/internal/cli"
	_ "github.com/hiwl/hiwl/viewer/internal/early" // -h, flag errors and "no display" before ebiten opens the display
	"github.com/hiwl/hiwl/viewer/script"
	"github.com/hiwl/hiwl/viewer/view"
)

func main() {
	err := run(os.Args[1:])
	if code := cli.ExitCode(err); code != 0 {
		fmt.Fprintln(os.Stderr, "viewer:", err)
		os.Exit(code)
	}
}

func run(args []string) error {
	// Every flag is checked before a window opens, so that a typo gives a
	// message on the terminal rather than a window that closes at once.
	f, err := cli.Parse(args, os.Stderr)
	if err != nil {
		return err
	}
	st := view.State{Overlay: f.Overlay, Contour: f.Contour, Opacity: f.Opacity, Colormap: f.Colormap}
	if st.Predicted, st.Class, err = script.ParseClassKey(f.Class); err != nil {
		return fmt.Errorf("-class: %w", err)
	}
	steps, err := script.Parse(f.Script)
	if err != nil {
		return fmt.Errorf("-script: %w", err)
	}
	if f.Frames > 0 {
		steps = append(steps, script.Step{Op: script.Frames, N: f.Frames, Text: fmt.Sprintf("frames=%d", f.Frames)})
	}
	if f.Screenshot != "" {
		steps = append(steps, script.Step{Op: script.Screenshot, File: f.Screenshot, Text: "screenshot=" + f.Screenshot})
	}
	paths, err := gallery.List(f.Args)
	if err != nil {
		return err
	}
	if f.Start < 1 || f.Start > len(paths) {
		return fmt.Errorf("-start %d: there are %d images", f.Start, len(paths))
	}
	st.Index, st.Count = f.Start-1, len(paths)
	clf, err := model.Open(f.Model)
	if err != nil {
		return fmt.Errorf("-model: %w", err)
	}
	st.ModelVersion = clf.Version()

	loader := gallery.NewLoader(paths, clf, f.Cache)
	defer loader.Close()
	sh := newSheet(paths, clf, f.Cache)
	defer sh.close()
	g := newGame(loader, sh, st, f.OutDir, steps, f.Timeout)
	if f.Grid {
		g.openSheet()
	}

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
