// Package cli reads the viewer's command line and checks what it can with
// the standard library alone: flag syntax, colour map, opacity, the -out
// folder, that every named file or folder exists. The class, the script
// and the image listing are checked by the viewer's main package.
//
// It imports nothing heavier than viewer/overlay on purpose: package early
// runs it before ebiten initialises, which works only while this package's
// dependencies are initialised before ebiten's (see package early).
package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/hiwl/hiwl/viewer/overlay"
)

// DefaultOpacity is low enough that a spiral's arms show through the
// strongest part of the map.
const DefaultOpacity = 0.35

// ErrUsage marks errors in how the command was called (exit status 2).
var ErrUsage = errors.New("usage")

// Flags is a command line that passed Parse.
type Flags struct {
	Model      string // ONNX file, "" for the embedded model
	Class      string // unchecked: script.ParseClassKey
	Colormap   *overlay.Colormap
	Opacity    float32
	Overlay    bool
	Contour    bool   // draw the map as contour lines instead of a wash
	Grid       bool   // start in the contact sheet
	OutDir     string // an existing folder
	Start      int    // 1-based, not yet checked against the image count
	Cache      int
	Script     string // unchecked: script.Parse
	Frames     int
	Screenshot string
	Timeout    time.Duration
	Args       []string // at least one, each an existing file or folder
}

const usageText = `usage: viewer [flags] FILE|FOLDER...

Shows galaxy images with the hiwl model's attention map overlaid.
Folders are searched recursively for .jpg, .jpeg, .png and .gif files.

Keys: ←/→ (wheel, click left/right half) previous/next, Home/End first/last,
1-5 map of that class, 0 map of the predicted class (or click a row),
↑/↓ opacity, O overlay on/off, K contours, C colour map, S save the view as PNG,
G contact sheet (grid), Esc quit. In the grid: arrows move, Enter opens,
N/U/L sort by name, least certain first, label; 1-5 show one class, 0 all;
S saves the grid as PNG.

Flags:
`

// Parse reads args (without the program name). Help goes to stderr and
// gives flag.ErrHelp; a malformed call gives an error wrapping ErrUsage;
// a well-formed call with a bad value (unknown colour map, missing
// folder) gives another error.
func Parse(args []string, stderr io.Writer) (*Flags, error) {
	fs := flag.NewFlagSet("viewer", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), usageText)
		fs.PrintDefaults()
	}
	modelFile := fs.String("model", "", "ONNX `file` exported by the trainer (default: the embedded model)")
	class := fs.String("class", "predicted", "initial map: predicted, 1-5, or a class slug (round, in-between, cigar, edge-on, spiral)")
	cmap := fs.String("cmap", overlay.Inferno.Name, "initial colour map: inferno, jet, viridis or grey")
	opacity := fs.Float64("opacity", DefaultOpacity, "initial overlay opacity, 0 to 1")
	contour := fs.Bool("contour", false, "draw the map as contour lines (key K)")
	grid := fs.Bool("grid", false, "start in the contact sheet of all images (key G)")
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
			return nil, flag.ErrHelp
		}
		return nil, fmt.Errorf("%w: %v", ErrUsage, err)
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return nil, fmt.Errorf("%w: name at least one image file or folder", ErrUsage)
	}

	f := &Flags{Model: *modelFile, Class: *class, Opacity: float32(*opacity), Overlay: *showOverlay,
		Contour: *contour, Grid: *grid,
		OutDir: *outDir, Start: *start, Cache: *cache, Script: *scriptText, Frames: *frames,
		Screenshot: *screenshot, Timeout: *timeout, Args: fs.Args()}
	var err error
	if f.Colormap, err = overlay.ByName(*cmap); err != nil {
		return nil, fmt.Errorf("-cmap: %w", err)
	}
	if *opacity < 0 || *opacity > 1 {
		return nil, fmt.Errorf("-opacity %v: want a value from 0 to 1", *opacity)
	}
	if info, err := os.Stat(*outDir); err != nil || !info.IsDir() {
		return nil, fmt.Errorf("-out %s: not a folder", *outDir)
	}
	for _, a := range f.Args {
		if _, err := os.Stat(a); err != nil {
			return nil, err
		}
	}
	return f, nil
}

// ExitCode is the process status for an error from Parse or from running
// the viewer: 0 for none or help, 2 for usage, 1 otherwise.
func ExitCode(err error) int {
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, ErrUsage):
		return 2
	}
	return 1
}

// HasDisplay reports whether a window could be opened: an X11 or Wayland
// display is named in the environment.
func HasDisplay() bool {
	return os.Getenv("DISPLAY") != "" || os.Getenv("WAYLAND_DISPLAY") != ""
}
