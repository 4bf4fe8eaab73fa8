package cli

import (
	"errors"
	"flag"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hiwl/hiwl/viewer/overlay"
)

func TestParse(t *testing.T) {
	dir := t.TempDir()
	f, err := Parse([]string{"-cmap", "jet", "-opacity", "0.3", "-overlay=false", "-out", dir,
		"-start", "2", "-cache", "8", "-class", "spiral", "-script", "next", "-frames", "5",
		"-timeout", "3s", dir, dir}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if f.Colormap != overlay.Jet || f.Opacity != 0.3 || f.Overlay || f.OutDir != dir || f.Start != 2 ||
		f.Cache != 8 || f.Class != "spiral" || f.Script != "next" || f.Frames != 5 || f.Timeout != 3*time.Second ||
		len(f.Args) != 2 {
		t.Errorf("Parse = %+v", f)
	}
	for _, tt := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"-h"}, 0, ""},
		{[]string{"-nope", dir}, 2, "flag provided but not defined"},
		{[]string{"-opacity", "x", dir}, 2, "invalid value"},
		{nil, 2, "name at least one image file or folder"},
		{[]string{"-cmap", "rainbow", dir}, 1, `unknown colour map "rainbow"`},
		{[]string{"-opacity", "1.5", dir}, 1, "want a value from 0 to 1"},
		{[]string{"-out", filepath.Join(dir, "missing"), dir}, 1, "not a folder"},
		{[]string{filepath.Join(dir, "missing.jpg")}, 1, "no such file"},
	} {
		var usage strings.Builder
		_, err := Parse(tt.args, &usage)
		if tt.code == 0 {
			if !errors.Is(err, flag.ErrHelp) || !strings.Contains(usage.String(), "usage: viewer") {
				t.Errorf("%v: %v, usage %q", tt.args, err, usage.String())
			}
			continue
		}
		if ExitCode(err) != tt.code || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%v: %v (exit %d), want exit %d with %q", tt.args, err, ExitCode(err), tt.code, tt.want)
		}
	}
}
