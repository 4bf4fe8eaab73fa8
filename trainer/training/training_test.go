package training

import (
	"context"
	"errors"
	"image"
	"math"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hiwl/hiwl/model"
	"github.com/hiwl/hiwl/trainer/galaxygen"
)

// synthData renders a small Challenge layout once per test binary.
var synthDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "hiwl-training-*")
	if err != nil {
		panic(err)
	}
	// Balanced, so that network B has enough cigar and edge-on galaxies
	// for its batches.
	cfg := galaxygen.Config{N: 160, Seed: 7, Mix: [model.NumClasses]float64{1, 1, 1, 1, 1}}
	if _, err := galaxygen.Generate(dir, cfg); err != nil {
		panic(err)
	}
	synthDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func tinyConfig(out string) Config {
	cfg := DefaultConfig()
	cfg.DataDir, cfg.OutDir = synthDir, out
	cfg.Input, cfg.Widths = 16, [3]int{4, 8, 8}
	cfg.Epochs, cfg.Batch = 2, 8
	return cfg
}

// The whole path in seconds: Challenge layout -> gorgonia training ->
// ONNX export -> onnx-go load -> classification, with the exported
// model's outputs equal to gorgonia's evaluation graph within 1e-4.
func TestTrainExportClassify(t *testing.T) {
	out := t.TempDir()
	var log strings.Builder
	res, err := Run(context.Background(), tinyConfig(out), Options{Progress: &log})
	if err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	if res.ParityMaxAbs > 1e-4 || math.IsNaN(res.ParityMaxAbs) {
		t.Fatalf("parity %g", res.ParityMaxAbs)
	}
	for _, f := range []string{ModelFile, MetricsFile, ConfusionFile, CurvesFile, SummaryFile, CheckpointFile} {
		if st, err := os.Stat(filepath.Join(out, f)); err != nil || st.Size() == 0 {
			t.Errorf("%s not written: %v", f, err)
		}
	}
	for _, want := range []string{"epoch 2/2 network A", "epoch 2/2 network B", "img/s", "ETA", "parity"} {
		if !strings.Contains(log.String(), want) {
			t.Errorf("progress lacks %q", want)
		}
	}
	clf, err := model.Open(res.ModelPath)
	if err != nil {
		t.Fatal(err)
	}
	if clf.InputSize() != 16 {
		t.Fatalf("exported input %d", clf.InputSize())
	}
	if res.Metrics.Total == 0 || res.Summary.FLOPsPerImage <= 0 || res.Summary.TrainImagesPerSec["A"] <= 0 {
		t.Fatalf("summary not filled: %+v", res.Summary)
	}
}

// A run stopped during epoch 2 resumes from epoch 1's checkpoint and
// finishes with the same history length as an uninterrupted run.
func TestResumeAfterInterruption(t *testing.T) {
	out := t.TempDir()
	cfg := tinyConfig(out)
	ctx, cancel := context.WithCancel(context.Background())
	w := &cancelAfter{marker: "checkpoint: epoch 1", cancel: cancel}
	if _, err := Run(ctx, cfg, Options{Progress: w}); !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted run returned %v", err)
	}
	st, err := readCheckpoint(filepath.Join(out, CheckpointFile))
	if err != nil {
		t.Fatal(err)
	}
	if st.Epoch != 1 {
		t.Fatalf("checkpoint at epoch %d, want 1", st.Epoch)
	}
	if _, err := Run(context.Background(), cfg, Options{}); err == nil {
		t.Fatal("a second run over an existing checkpoint without -resume was accepted")
	}
	var log strings.Builder
	res, err := Run(context.Background(), cfg, Options{Resume: true, Progress: &log})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(log.String(), "epoch 1/2 network") {
		t.Fatal("resumed run repeated epoch 1")
	}
	if res.Summary.EpochsRun != 2 {
		t.Fatalf("epochs run %d", res.Summary.EpochsRun)
	}
	changed := cfg
	changed.LR *= 2
	if _, err := Run(context.Background(), changed, Options{Resume: true}); err == nil {
		t.Fatal("resume with different settings accepted")
	}
}

// cancelAfter cancels once the progress output contains marker, after a
// checkpoint has been written: the nearest thing to a kill in-process.
type cancelAfter struct {
	strings.Builder
	marker string
	cancel func()
}

func (c *cancelAfter) Write(p []byte) (int, error) {
	n, err := c.Builder.Write(p)
	if strings.Contains(c.String(), c.marker) {
		c.cancel()
	}
	return n, err
}

func TestWeightedDrawBalancesClasses(t *testing.T) {
	classes := make([]int, 1000)
	for i := 0; i < 50; i++ {
		classes[i] = 1 // 5% rare class
	}
	rng := rand.New(rand.NewSource(1))
	draws := weightedDraw(rng, classes, 20000)
	rare := 0
	for _, i := range draws {
		if classes[i] == 1 {
			rare++
		}
	}
	if f := float64(rare) / 20000; math.Abs(f-0.5) > 0.02 {
		t.Fatalf("rare class drawn %.3f of the time, want 0.5", f)
	}
}

func TestSmoothedTargets(t *testing.T) {
	y := make([]float32, 4)
	smoothed(y, 2, 4, 0.05)
	want := []float32{0.05 / 3, 0.05 / 3, 0.95, 0.05 / 3}
	var sum float32
	for i := range y {
		if math.Abs(float64(y[i]-want[i])) > 1e-7 {
			t.Fatalf("targets %v", y)
		}
		sum += y[i]
	}
	if math.Abs(float64(sum)-1) > 1e-6 {
		t.Fatalf("targets sum to %v", sum)
	}
}

// With no rotation room the augmentation stays inside the image and keeps
// the mean brightness of a uniform source.
func TestAugmentUniformImage(t *testing.T) {
	side := augSide(16)
	src := image.NewRGBA(image.Rect(0, 0, side, side))
	for i := range src.Pix {
		src.Pix[i] = 100
	}
	dst := image.NewRGBA(image.Rect(0, 0, 16, 16))
	x := augment(rand.New(rand.NewSource(3)), src, 16, dst)
	want := (100.0/255 - float64(model.Mean[0])) / float64(model.Std[0])
	for i := 0; i < 256; i++ {
		if math.Abs(float64(x[i])-want) > 1e-4 {
			t.Fatalf("pixel %d = %v, want %v", i, x[i], want)
		}
	}
}
