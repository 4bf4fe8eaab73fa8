// Package early lets the viewer answer -h, bad flags and "no display"
// where no display exists. Import it (blank) from the viewer's main
// package and from nothing else.
//
// Why a package init: ebiten opens the display while its own packages are
// initialised, before main runs, and panics when there is none, so a check
// in main comes too late. Go initialises packages in import-path order as
// far as dependencies allow; ebiten's UI package waits on dependencies that
// sort after this one (golang.org/x/..., its own subpackages), so this init
// runs first. TestNoDisplay in package main (viewer) pins that order by
// running the real binary without DISPLAY.
package early

import (
	"bytes"
	"fmt"
	"io"
	"log"
	"os"
	"testing"

	"github.com/jezek/xgb"

	"github.com/hiwl/hiwl/viewer/internal/cli"
)

// RunAsViewerEnv, set to 1, makes the viewer's test binary act as the
// viewer itself (its tests re-run it that way).
const RunAsViewerEnv = "HIWL_VIEWER_TEST_RUN_MAIN"

func init() {
	quietXGB()
	if cli.HasDisplay() {
		return
	}
	if testing.Testing() && os.Getenv(RunAsViewerEnv) != "1" {
		// go test ./... without a display: the window tests cannot run.
		fmt.Println("viewer: no display (DISPLAY and WAYLAND_DISPLAY unset): skipping the window tests; `make test-viewer` runs them under Xvfb")
		fmt.Println("PASS")
		os.Exit(0)
	}
	_, err := cli.Parse(os.Args[1:], os.Stderr)
	if err == nil {
		err = fmt.Errorf("no display: DISPLAY is not set; run the viewer on a desktop, or headless under xvfb-run -a")
	}
	if cli.ExitCode(err) != 0 {
		fmt.Fprintln(os.Stderr, "viewer:", err)
	}
	os.Exit(cli.ExitCode(err))
}

// quietXGB drops xgb's two log lines per connection about a missing
// ~/.Xauthority (ebiten connects twice at start-up, once for the monitors
// and once for the scale): Xvfb without -auth and most local displays
// need none, and the connection goes ahead without it. xgb's other
// messages (broken connections, protocol bugs) still reach stderr.
func quietXGB() {
	xgb.Logger = log.New(dropAuthNotes{os.Stderr}, xgb.Logger.Prefix(), xgb.Logger.Flags())
}

type dropAuthNotes struct{ w io.Writer }

func (d dropAuthNotes) Write(p []byte) (int, error) {
	if bytes.Contains(p, []byte("authority info")) {
		return len(p), nil
	}
	return d.w.Write(p)
}
