package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hiwl/hiwl/model"
	"github.com/hiwl/hiwl/trainer/onnxexport"
)

// trainer domain takes any model file, fits its in-domain score on the
// data's training and validation splits and writes it into a copy that
// loads with the fit; refitting the fitted file gives the same bytes (the
// fit replaces its own entries, so make default-model can rerun it).
func TestDomainFitsAnyModelFile(t *testing.T) {
	data := t.TempDir()
	for _, class := range []string{"round", "in-between", "cigar", "edge-on", "spiral"} {
		files, _ := filepath.Glob(filepath.Join("..", realData, class, "*.jpg")) // realData is relative to the repository root
		if len(files) < 12 {
			t.Fatalf("%d images of %s under %s", len(files), class, realData)
		}
		if err := os.MkdirAll(filepath.Join(data, class), 0o755); err != nil {
			t.Fatal(err)
		}
		for _, f := range files[:12] {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(data, class, filepath.Base(f)), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	// a model file without a fit: the default model's with its domain
	// entries dropped
	bare := filepath.Join(t.TempDir(), "bare.onnx")
	raw, err := onnxexport.DeleteMetadata(model.DefaultONNX(), func(k string) bool { return strings.HasPrefix(k, "hiwl.domain.") })
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bare, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	if c, err := model.Load(raw); err != nil || c.DomainFit() != nil {
		t.Fatalf("bare model: %v, fit %v", err, c.DomainFit())
	}

	out := filepath.Join(t.TempDir(), "fitted.onnx")
	if err := runDomain([]string{"-data", data, "-model", bare, "-out", out}); err != nil {
		t.Fatal(err)
	}
	fitted, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	c, err := model.Load(fitted)
	if err != nil {
		t.Fatal(err)
	}
	f := c.DomainFit()
	if f == nil || len(f.Means) != model.NumClasses || !(f.DistanceThreshold > 0) || !(f.CrowdingThreshold > 0) || !(f.RadiusThreshold > 0) {
		t.Fatalf("fit %+v", f)
	}
	again := filepath.Join(t.TempDir(), "again.onnx")
	if err := runDomain([]string{"-data", data, "-model", out, "-out", again}); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(again); !bytes.Equal(b, fitted) {
		t.Error("refitting a fitted model on the same data changed it")
	}
}
