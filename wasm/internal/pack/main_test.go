package main

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/andybalholm/brotli"
)

func TestPackRoundTrips(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "hiwl.wasm")
	data := bytes.Repeat([]byte("\x00asm galaxy bytes "), 5000)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	a, err := pack(path, 5)
	if err != nil {
		t.Fatal(err)
	}
	if a.Bytes != len(data) || a.File != "hiwl.wasm" || len(a.SHA256) != 64 {
		t.Errorf("asset %+v", a)
	}
	gz, _ := os.ReadFile(path + ".gz")
	br, _ := os.ReadFile(path + ".br")
	if a.GzipBytes != len(gz) || a.BrotliBytes != len(br) || len(gz) >= len(data) || len(br) >= len(data) {
		t.Errorf("sizes: raw %d, gzip %d (file %d), br %d (file %d)", len(data), a.GzipBytes, len(gz), a.BrotliBytes, len(br))
	}
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		t.Fatal(err)
	}
	if got, err := io.ReadAll(zr); err != nil || !bytes.Equal(got, data) {
		t.Errorf("gzip copy does not decompress to the file (err %v)", err)
	}
	if got, err := io.ReadAll(brotli.NewReader(bytes.NewReader(br))); err != nil || !bytes.Equal(got, data) {
		t.Errorf("brotli copy does not decompress to the file (err %v)", err)
	}

	// Without brotli, a stale .br from the last build must not survive.
	if _, err := pack(path, -1); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path + ".br"); !os.IsNotExist(err) {
		t.Errorf("stale .br kept: %v", err)
	}
	left, _ := filepath.Glob(filepath.Join(dir, ".*tmp*"))
	if len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

func TestPackMissingFile(t *testing.T) {
	if _, err := pack(filepath.Join(t.TempDir(), "hiwl.wasm"), 5); err == nil {
		t.Error("pack of a missing file succeeded")
	}
}
