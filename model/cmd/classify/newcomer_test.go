package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Named paths that do not exist are refused before any work: exit 2, each
// one named, nothing written.
func TestMissingPathsRefusedUpFront(t *testing.T) {
	_, images := folder(t)
	dir := t.TempDir()
	out := filepath.Join(dir, "out.csv")
	code, stdout, stderr := cli(t, "", "-o", out, images[0], filepath.Join(dir, "galaxy.jgp"), filepath.Join(dir, "nope"))
	if code != exitUsage || !strings.Contains(stderr, "galaxy.jgp") || !strings.Contains(stderr, "nope") || stdout != "" {
		t.Fatalf("exit %d, want %d naming both paths; stdout %q\n%s", code, exitUsage, stdout, stderr)
	}
	if _, err := os.Stat(out); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the refused run wrote %s (%v)", out, err)
	}
}

// The summary says what happened: one failed file is "1 file", with no
// speed (nothing was classified) and no table of zeros.
func TestSummaryHonest(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.jpg")
	os.WriteFile(bad, []byte("not an image"), 0o644)
	code, _, stderr := cli(t, "", bad)
	if code != exitFailed || !strings.Contains(stderr, "classify: 1 file: 0 classified, 1 failed; this run 1 file in ") {
		t.Errorf("one failed file: exit %d\n%s", code, stderr)
	}
	for _, not := range []string{"images/s", "1 files", "0.0 %", "spiral"} {
		if strings.Contains(stderr, not) {
			t.Errorf("one failed file: summary says %q\n%s", not, stderr)
		}
	}
	_, images := folder(t)
	code, _, stderr = cli(t, "", "-j", "1", images[0], bad)
	if code != exitFailed || !strings.Contains(stderr, "2 files: 1 classified, 1 failed") || !strings.Contains(stderr, "images/s with -j 1") ||
		!strings.Contains(stderr, "100.0 %") {
		t.Errorf("one good, one bad: exit %d\n%s", code, stderr)
	}
}

// An interrupted run (SIGINT, SIGTERM) says how to continue it, and the
// command it gives does continue it.
func TestInterruptHint(t *testing.T) {
	list := writeList(t, catalogue(t, 60))
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		out := filepath.Join(t.TempDir(), "part.csv")
		args := []string{"-o", out, "-j", "1", "-chunk", "2", "-list", list}
		cmd := exec.Command(os.Args[0], args...)
		cmd.Env = append(os.Environ(), runAsClassify+"=1")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait() }()
		sent := false
		for deadline := time.Now().Add(2 * time.Minute); time.Now().Before(deadline) && !sent; time.Sleep(2 * time.Millisecond) {
			if data, _ := os.ReadFile(out); bytes.Count(data, []byte{'\n'}) >= 1+4 {
				cmd.Process.Signal(sig)
				sent = true
			}
		}
		err := <-exited
		want := 130
		if sig == syscall.SIGTERM {
			want = 143
		}
		var exit *exec.ExitError
		if !sent || !errors.As(err, &exit) || exit.ExitCode() != want {
			t.Fatalf("%v: sent %v, exit %v, want %d\n%s", sig, sent, err, want, stderr.String())
		}
		msg := stderr.String()
		line := "  classify -resume " + strings.Join(args, " ")
		if !strings.Contains(msg, "interrupted") || !strings.Contains(msg, line) {
			t.Fatalf("%v: no -resume hint %q:\n%s", sig, line, msg)
		}
		code, _, errOut := cli(t, "", strings.Fields(strings.TrimPrefix(line, "  classify "))...)
		if code != exitFailed || !strings.Contains(errOut, "61 files: 60 classified, 1 failed") || !strings.Contains(errOut, "kept from") {
			t.Fatalf("%v: the hinted command: exit %d\n%s", sig, code, errOut)
		}
	}
	// Without -o the rows went to stdout: the hint says so.
	if h := interruptHint([]string{"a.jpg"}, &options{}, os.Interrupt); !strings.Contains(h, "-o FILE") || strings.Contains(h, "classify -resume") {
		t.Errorf("stdout hint: %s", h)
	}
	if got := shellJoin([]string{"-o", "my catalogue.csv", "it's"}); got != `-o 'my catalogue.csv' 'it'\''s'` {
		t.Errorf("shellJoin: %s", got)
	}
}

// -format table explains a label that is not the most probable class.
func TestTableExplainsHierarchy(t *testing.T) {
	img := filepath.Join("..", "..", "..", "..", "shared", "data", "gz-challenge-5class", "edge-on", "440481.jpg")
	if _, err := os.Stat(img); err != nil {
		t.Skip(err)
	}
	p, err := classifier(t).ClassifyFile(img)
	if err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := cli(t, "", "-format", "table", img)
	if code != exitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	note := p.LabelNote()
	if note == "" {
		t.Skipf("this model labels %s %v, its most probable class", img, p.Label)
	}
	if !strings.Contains(stdout, p.Label.Slug()+"*") || !strings.Contains(stdout, "* "+img+": "+note+"\n") {
		t.Errorf("table has no note for %s:\n%s", img, stdout)
	}
}
