package main

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/hiwl/hiwl/model"
	"github.com/hiwl/hiwl/trainer/galaxygen"
	"github.com/hiwl/hiwl/trainer/report"
)

// compare -keep keeps the candidates an earlier run listed, replaces the
// one scored again with its new numbers, and rings only the one named
// -shipped.
func TestCompareKeepsListed(t *testing.T) {
	data := fiveClassSet(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "default.onnx")
	if err := os.WriteFile(file, model.DefaultONNX(), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "plot.png")
	old := []report.Candidate{
		{Name: "earlier", MFLOP: 129, Accuracy: 0.5, MacroF1: 0.4, Shipped: true},
		{Name: "again", MFLOP: 1, Accuracy: -1},
	}
	raw, _ := json.Marshal(old)
	if err := os.WriteFile(filepath.Join(dir, "plot.json"), raw, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := runCompare([]string{"-data", data, "-out", out, "-keep", "-shipped", "again", "again=" + file}); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(dir, "plot.json"))
	if err != nil {
		t.Fatal(err)
	}
	var got []report.Candidate
	if err := json.Unmarshal(raw, &got); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0] != (report.Candidate{Name: "earlier", MFLOP: 129, Accuracy: 0.5, MacroF1: 0.4}) {
		t.Fatalf("listed %+v; want the earlier candidate kept, no longer ringed, then the one scored again", got)
	}
	md, err := model.ReadMetadata(model.DefaultONNX())
	if err != nil {
		t.Fatal(err)
	}
	mflops, err := strconv.ParseFloat(md.Props["hiwl.mflops"], 64)
	if err != nil {
		t.Fatal(err)
	}
	if a := got[1]; a.Name != "again" || a.Accuracy < 0 || math.Abs(a.MFLOP-mflops) > 0.05 || !a.Shipped {
		t.Fatalf("candidate scored again: %+v (the file's hiwl.mflops %v)", a, mflops)
	}
	if st, err := os.Stat(out); err != nil || st.Size() == 0 {
		t.Fatalf("plot not written: %v", err)
	}
}

// fiveClassSet writes 60 procedural galaxies of the five classes in the
// Challenge layout, for the commands that score models on a split.
func fiveClassSet(t *testing.T) string {
	t.Helper()
	data := t.TempDir()
	if _, err := galaxygen.Generate(data, galaxygen.Config{N: 60, Seed: 3, Mix: [model.NumClasses]float64{1, 1, 1, 1, 1}}); err != nil {
		t.Fatal(err)
	}
	return data
}
