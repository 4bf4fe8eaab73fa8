package training

import (
	"context"
	"fmt"
	"image"
	"math"
	"math/rand"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hiwl/hiwl/model"
	"github.com/hiwl/hiwl/trainer/gzdata"
	"github.com/hiwl/hiwl/trainer/hiwlnet"
)

// unlabelledDir copies n of the synthetic galaxies into a folder without
// labels.
func unlabelledDir(t *testing.T, n int) string {
	t.Helper()
	ds, err := gzdata.Load(synthDir)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for i, s := range ds.Samples[:n] {
		data, err := os.ReadFile(s.Path)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%d.jpg", 800000+i)), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// fillConsistency's targets: none below the confidence, the network's own
// class (smoothed, scaled by twice the weight) at or above it; the strong
// views are images of the draws, one per row.
func TestFillConsistency(t *testing.T) {
	ds, err := gzdata.Load(synthDir)
	if err != nil {
		t.Fatal(err)
	}
	const input = 16
	arch, err := hiwlnet.ParseArch("16:s8k3/2,m8e1k3q2,t16")
	if err != nil {
		t.Fatal(err)
	}
	params := hiwlnet.NewParams(arch, model.NumA, 3)
	evalNet, err := hiwlnet.Build(arch, model.NumA, evalBatch, params, false)
	if err != nil {
		t.Fatal(err)
	}
	unl, bad := loadImages(ds.Samples[:12], input, 1, prepareTrain(input), nil)
	if len(bad) > 0 || len(unl) != 12 {
		t.Fatalf("%d images decoded: %v", len(unl), bad)
	}
	n := &network{name: "A", classes: model.NumA, evalNet: evalNet, consistent: true}
	scratch := image.NewRGBA(image.Rect(0, 0, input, input))
	const rows = 20 // more than one evaluation batch
	per := 3 * input * input
	for _, tc := range []struct {
		confidence float64
		wantKept   bool
	}{{1.01, false}, {0.01, true}} {
		tr := &trainer{cfg: Config{Input: input, Smoothing: 0.1, Consistency: 0.5, ConsistencyConfidence: tc.confidence,
			Augment: Augment{Rotation: 180, ZoomOut: 2, ZoomOutProb: 0.3, Brightness: 0.2}}, unlabelled: unl}
		x := make([]float32, rows*per)
		y := make([]float32, rows*model.NumA)
		for i := range y {
			y[i] = 7 // every row must be written
		}
		var st consistencyStats
		if err := tr.fillConsistency(rand.New(rand.NewSource(1)), n, x, y, scratch, &st); err != nil {
			t.Fatal(err)
		}
		if st.seen != rows {
			t.Fatalf("confidence %g: %d draws seen, want %d", tc.confidence, st.seen, rows)
		}
		for r := 0; r < rows; r++ {
			row := y[r*model.NumA : (r+1)*model.NumA]
			var sum float64
			for _, v := range row {
				sum += float64(v)
			}
			switch {
			case !tc.wantKept && sum != 0:
				t.Fatalf("confidence %g: row %d target %v, want zeros", tc.confidence, r, row)
			case tc.wantKept:
				top := row[model.Argmax(row)]
				if math.Abs(sum-1) > 1e-5 || math.Abs(float64(top)-0.9) > 1e-5 {
					t.Fatalf("confidence %g: row %d target %v, want a smoothed class scaled by 2*0.5", tc.confidence, r, row)
				}
			}
			img := x[r*per : (r+1)*per]
			var spread float64
			for _, v := range img {
				if math.IsNaN(float64(v)) {
					t.Fatalf("row %d: NaN in the strong view", r)
				}
				spread = math.Max(spread, math.Abs(float64(v-img[0])))
			}
			if spread == 0 {
				t.Fatalf("row %d: the strong view is flat", r)
			}
		}
		if kept := st.kept; (kept == rows) != tc.wantKept || (kept == 0) == tc.wantKept {
			t.Fatalf("confidence %g: %d of %d kept", tc.confidence, kept, rows)
		}
	}
}

// -consistency through a whole run: network A's batches carry the
// unlabelled draws and the log says how many were kept; the recipe names
// it; the exported model still matches gorgonia; a resume with another
// weight is refused by name; and it is refused without -unlabelled.
func TestConsistencyRun(t *testing.T) {
	cfg := tinyConfig(t.TempDir())
	cfg.Epochs, cfg.Unlabelled = 1, unlabelledDir(t, 24)
	cfg.Consistency, cfg.ConsistencyConfidence = 1, 0.26 // a fresh 4-way net is barely above 0.25
	cfg.Attention = 0.3
	res, log := runLogged(t, cfg)
	m := regexp.MustCompile(`epoch 1/1 network A: (\d+) of (\d+) unlabelled draws confident enough`).FindStringSubmatch(log)
	if m == nil {
		t.Fatalf("no consistency line for network A:\n%s", log)
	}
	var kept, seen int
	fmt.Sscan(m[1], &kept)
	fmt.Sscan(m[2], &seen)
	batches := res.Summary.Split["train"] / cfg.Batch
	if seen != batches*cfg.Batch || kept == 0 {
		t.Fatalf("%d of %d draws kept; want some of %d (%d batches of %d)", kept, seen, batches*cfg.Batch, batches, cfg.Batch)
	}
	if regexp.MustCompile(`network B: \d+ of \d+ unlabelled`).MatchString(log) {
		t.Errorf("network B has a consistency loss:\n%s", log)
	}
	if recipe := modelProps(t, res.ModelPath)["hiwl.recipe"]; !strings.Contains(recipe, "FixMatch consistency for network A") {
		t.Errorf("recipe %q does not name the consistency loss", recipe)
	}
	changed := cfg
	changed.Epochs, changed.Consistency = 2, 0.5
	if _, err := Run(context.Background(), changed, Options{Resume: true}); err == nil || !strings.Contains(err.Error(), "-consistency 0.5") {
		t.Fatalf("resume with another -consistency: %v", err)
	}
	bare := tinyConfig(t.TempDir())
	bare.Consistency, bare.ConsistencyConfidence = 1, 0.9
	if _, err := Run(context.Background(), bare, Options{}); err == nil || !strings.Contains(err.Error(), "-consistency needs -unlabelled") {
		t.Fatalf("-consistency without -unlabelled: %v", err)
	}
}
