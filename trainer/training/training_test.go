package training

import (
	"context"
	"encoding/gob"
	"errors"
	"fmt"
	"image"
	"image/color"
	"math"
	"math/rand"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hiwl/hiwl/model"
	"github.com/hiwl/hiwl/trainer/galaxygen"
	"github.com/hiwl/hiwl/trainer/gzdata"
	"github.com/hiwl/hiwl/trainer/hiwlnet"
	"github.com/hiwl/hiwl/trainer/onnxexport"
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
	clf := openModel(t, res.ModelPath)
	if clf.InputSize() != 16 {
		t.Fatalf("exported input %d", clf.InputSize())
	}
	if res.Metrics.Total == 0 || res.Summary.FLOPsPerImage <= 0 || res.Summary.TrainImagesPerSec["A"] <= 0 {
		t.Fatalf("summary not filled: %+v", res.Summary)
	}
}

// The same path with MBConv backbones given as specs (B's own, smaller)
// and the attention penalty in the loss: the exported file carries the
// specs, parameter counts, FLOPs and recipe, runs through onnx-go as
// gorgonia does, and a resume with another -arch-b is refused by name.
func TestTrainMBConv(t *testing.T) {
	out := t.TempDir()
	cfg := tinyConfig(out)
	cfg.Backbone = "16:s8k3/2,m8e1k3q2,m12e4k5/2q3,t16"
	cfg.BackboneB = "16:s4k3/2,m8e2k3/2q2,t8"
	cfg.Augment.Squeeze, cfg.Augment.SqueezeB = 0.5, 0.3
	cfg.Attention = 0.5
	res, log := runLogged(t, cfg)
	if !strings.Contains(log, "-squeeze 0.5, -squeeze-b 0.3: smooth galaxies squeezed") {
		t.Errorf("progress does not report the squeeze:\n%s", log)
	}
	if !strings.Contains(log, "backbone A 16:s8k3/2,m8e1k3q2,m12e4k5/2q3,t16, B 16:s4k3/2,m8e2k3/2q2,t8") {
		t.Errorf("progress does not name the backbones:\n%s", log)
	}
	props := modelProps(t, res.ModelPath)
	if !strings.Contains(log, "off-galaxy 0.") {
		t.Errorf("progress does not report the attention penalty:\n%s", log)
	}
	if !regexp.MustCompile(`val loss [0-9.]+ acc [0-9.]+%( \(balanced [0-9.]+%\))? off-galaxy 0\.[0-9]{3} `).MatchString(log) {
		t.Errorf("validation lines lack the off-galaxy share:\n%s", log)
	}
	if !strings.Contains(props["hiwl.recipe"], "attention penalty 0.5") {
		t.Errorf("recipe %q does not name the attention penalty", props["hiwl.recipe"])
	}
	if props["hiwl.arch.a"] != cfg.Backbone || props["hiwl.arch.b"] != cfg.BackboneB || props["hiwl.params.a"] == "" {
		t.Errorf("metadata %v", props)
	}
	if want := fmt.Sprintf("%.2f", float64(res.Summary.FLOPsPerImage)/1e6); props["hiwl.mflops"] != want {
		t.Errorf("hiwl.mflops %q, summary %s", props["hiwl.mflops"], want)
	}
	if clf := openModel(t, res.ModelPath); clf.InputSize() != 16 {
		t.Fatalf("exported input %d", clf.InputSize())
	}
	changed := cfg
	changed.BackboneB = "16:s4k3/2,m8e2k3/2q2,t12"
	if _, err := Run(context.Background(), changed, Options{Resume: true}); err == nil || !strings.Contains(err.Error(), "-arch-b 16:s4k3/2,m8e2k3/2q2,t12") {
		t.Fatalf("resume with a different -arch-b: %v", err)
	}
	bad := tinyConfig(t.TempDir())
	bad.Backbone = "16:s8k4/2"
	if _, err := Run(context.Background(), bad, Options{}); err == nil || !strings.Contains(err.Error(), "-arch") {
		t.Fatalf("a bad -arch: %v", err)
	}
}

// -extra-data adds its images to the training split only, leaving out
// galaxies the main set has; validation and test are unchanged.
func TestExtraData(t *testing.T) {
	ds, err := gzdata.Load(synthDir)
	if err != nil {
		t.Fatal(err)
	}
	extra := t.TempDir()
	// Three galaxies copied under new IDs, and one the main set has.
	for i, s := range ds.Samples[:4] {
		dir := filepath.Join(extra, s.Class.Slug())
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		id := 900000 + i
		if i == 3 {
			id = int(s.ID)
		}
		data, err := os.ReadFile(s.Path)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%d.jpg", id)), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cfg := tinyConfig(t.TempDir())
	cfg.Epochs, cfg.ExtraData = 1, extra
	var log strings.Builder
	res, err := Run(context.Background(), cfg, Options{Progress: &log})
	if err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	base := tinyConfig(t.TempDir())
	base.Epochs = 1
	res0, err := Run(context.Background(), base, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(log.String(), "3 more training images") {
		t.Errorf("progress does not count the extra images:\n%s", log.String())
	}
	if res.Metrics.Total != res0.Metrics.Total || res.Summary.Split["validation"] != res0.Summary.Split["validation"] ||
		res.Summary.Split["train"] != res0.Summary.Split["train"]+3 {
		t.Errorf("splits %v (test %d), without -extra-data %v (test %d)", res.Summary.Split, res.Metrics.Total, res0.Summary.Split, res0.Metrics.Total)
	}
	empty := tinyConfig(t.TempDir())
	empty.ExtraData = t.TempDir()
	if _, err := Run(context.Background(), empty, Options{}); err == nil || !strings.Contains(err.Error(), "-extra-data") {
		t.Errorf("an empty -extra-data: %v", err)
	}
}

// -unlabelled: images without labels are labelled by the teacher and the
// confident ones join training; without a teacher the run is refused.
func TestPseudoLabels(t *testing.T) {
	unl := unlabelledDir(t, 24)
	cfg := tinyConfig(t.TempDir())
	cfg.Epochs, cfg.Unlabelled, cfg.Teachers, cfg.PseudoConfidence = 1, unl, "default", 0.3
	var log strings.Builder
	res, err := Run(context.Background(), cfg, Options{Progress: &log})
	if err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	var kept, of int
	for _, line := range strings.Split(log.String(), "\n") {
		if strings.HasPrefix(line, "pseudo-labels: ") {
			fmt.Sscanf(line, "pseudo-labels: %d of %d", &kept, &of)
		}
	}
	if of != 24 || kept == 0 {
		t.Fatalf("pseudo-labels kept %d of %d:\n%s", kept, of, log.String())
	}
	if res.Summary.Split["validation"] == 0 || res.Metrics.Total == 0 {
		t.Fatalf("splits %v", res.Summary.Split)
	}
	noTeacher := tinyConfig(t.TempDir())
	noTeacher.Unlabelled = unl
	if _, err := Run(context.Background(), noTeacher, Options{}); err == nil || !strings.Contains(err.Error(), "-teacher") {
		t.Fatalf("-unlabelled without -teacher: %v", err)
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
	if !strings.Contains(log.String(), "resuming from epoch 1 of 2") {
		t.Fatalf("resume did not say where it starts:\n%s", log.String())
	}
	if res.Summary.EpochsRun != 2 {
		t.Fatalf("epochs run %d", res.Summary.EpochsRun)
	}
	changed := cfg
	changed.LR *= 2
	_, err = Run(context.Background(), changed, Options{Resume: true})
	if err == nil || !strings.Contains(err.Error(), "-lr") {
		t.Fatalf("resume with a different -lr: %v", err)
	}
	changed = cfg
	changed.WidthsB = [3]int{2, 4, 8}
	_, err = Run(context.Background(), changed, Options{Resume: true})
	if err == nil || !strings.Contains(err.Error(), "-widths-b [2 4 8] (the checkpoint has [4 8 8])") {
		t.Fatalf("resume with a different -widths-b: %v", err)
	}

	// A finished run extends with a larger -epochs: it trains epoch 3 only.
	longer := cfg
	longer.Epochs = 3
	log.Reset()
	if res, err = Run(context.Background(), longer, Options{Resume: true, Progress: &log}); err != nil {
		t.Fatal(err)
	}
	if res.Summary.EpochsRun != 3 || strings.Contains(log.String(), "epoch 2/3 network") || !strings.Contains(log.String(), "epoch 3/3 network A") {
		t.Fatalf("extension ran %d epochs:\n%s", res.Summary.EpochsRun, log.String())
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

// However it rotates, zooms and mirrors, the augmentation of a uniform
// image is that uniform value scaled by the brightness gain, and without
// brightness jitter exactly it.
func TestAugmentUniformImage(t *testing.T) {
	im := prepareTrain(16)(gzdata.Sample{}, uniform(fullSide(16), 100))
	dst := image.NewRGBA(image.Rect(0, 0, 16, 16))
	want := (100.0/255 - float64(model.Mean[0])) / float64(model.Std[0])
	rng := rand.New(rand.NewSource(3))
	for draw := 0; draw < 50; draw++ {
		x := augment(rng, im, 16, Augment{Rotation: 180, ZoomOut: 2.2, ZoomOutProb: 0.5}, squeeze{S: 1}, dst)
		for i := 0; i < 256; i++ {
			if math.Abs(float64(x[i])-want) > 1e-4 {
				t.Fatalf("draw %d pixel %d = %v, want %v", draw, i, x[i], want)
			}
		}
	}
}

// A zoom-out shows a bright central disc smaller: fewer bright pixels than
// at zoom 1, and rotation leaves a centred disc's area alone.
func TestAugmentZoomOutShrinksGalaxy(t *testing.T) {
	side := fullSide(32)
	img := image.NewRGBA(image.Rect(0, 0, side, side))
	r := float64(side) * 0.15
	for y := 0; y < side; y++ {
		for x := 0; x < side; x++ {
			dx, dy := float64(x)+0.5-float64(side)/2, float64(y)+0.5-float64(side)/2
			v := uint8(10)
			if dx*dx+dy*dy < r*r {
				v = 250
			}
			img.SetRGBA(x, y, color.RGBA{v, v, v, 255})
		}
	}
	im := prepareTrain(32)(gzdata.Sample{}, img)
	dst := image.NewRGBA(image.Rect(0, 0, 32, 32))
	bright := func(aug Augment) int {
		x := augment(rand.New(rand.NewSource(5)), im, 32, aug, squeeze{S: 1}, dst)
		n := 0
		for _, v := range x[:32*32] {
			if v > 5 {
				n++
			}
		}
		return n
	}
	normal := bright(Augment{Rotation: 180, ZoomOut: 1})
	zoomed := bright(Augment{Rotation: 180, ZoomOut: 2, ZoomOutProb: 1})
	if zoomed >= normal*3/4 || zoomed == 0 {
		t.Fatalf("zoom-out kept %d bright pixels of %d", zoomed, normal)
	}
}

func TestMirror(t *testing.T) {
	for _, c := range []struct{ i, n, want int }{{-1, 4, 0}, {-2, 4, 1}, {0, 4, 0}, {3, 4, 3}, {4, 4, 3}, {5, 4, 2}, {9, 4, 1}, {-9, 4, 0}} {
		if got := mirror(c.i, c.n); got != c.want {
			t.Errorf("mirror(%d, %d) = %d, want %d", c.i, c.n, got, c.want)
		}
	}
}

func uniform(side int, v uint8) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, side, side))
	for i := range img.Pix {
		img.Pix[i] = v
	}
	return img
}

// TestBalancedAccuracy: a network B that calls all 47 validation images
// edge-on scores 85 % accuracy but 50 % balanced accuracy, no better than
// one class, which is what keeps it from being chosen; one that finds 4 of
// the 7 cigars and misses 3 edge-ons scores 87 % and 75 %.
func TestBalancedAccuracy(t *testing.T) {
	seen := []int{7, 40}
	if got := balancedAccuracy(seen, []int{0, 40}); got != 0.5 {
		t.Errorf("all edge-on: %v, want 0.5", got)
	}
	if got, want := balancedAccuracy(seen, []int{4, 37}), (4.0/7+37.0/40)/2; got != want {
		t.Errorf("4 cigars, 37 edge-ons: %v, want %v", got, want)
	}
	if got := balancedAccuracy([]int{0, 5}, []int{0, 5}); got != 1 {
		t.Errorf("one class present: %v, want 1", got)
	}
}

// Two finished runs on one split that differ in -init-seed give a third
// run its networks with -reuse-a and -reuse-b: it trains nothing, exports
// A of the first and B of the second, says so, and refuses a run whose
// settings shape the networks differently.
func TestReuseBothNetworks(t *testing.T) {
	one, two, pair := t.TempDir(), t.TempDir(), t.TempDir()
	cfg1, cfg2 := tinyConfig(one), tinyConfig(two)
	cfg2.InitSeed = 5
	for _, c := range []Config{cfg1, cfg2} {
		if _, err := Run(context.Background(), c, Options{}); err != nil {
			t.Fatal(err)
		}
	}
	var log strings.Builder
	opt := Options{ReuseA: filepath.Join(one, CheckpointFile), ReuseB: filepath.Join(two, CheckpointFile), Progress: &log}
	res, err := Run(context.Background(), tinyConfig(pair), opt)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(log.String(), "epoch 1/2 network") {
		t.Fatalf("the pair run trained:\n%s", log.String())
	}
	if _, err := os.Stat(filepath.Join(pair, CurvesFile)); err != nil {
		t.Fatalf("the pair run, which trained nothing, left no curves: %v", err)
	}
	st1, _ := readCheckpoint(filepath.Join(one, CheckpointFile))
	st2, _ := readCheckpoint(filepath.Join(two, CheckpointFile))
	stp, err := readCheckpoint(filepath.Join(pair, CheckpointFile))
	if err != nil {
		t.Fatal(err)
	}
	same := func(a, b savedParams) bool { return fmt.Sprint(a) == fmt.Sprint(b) }
	if !same(stp.A.Best, st1.A.Best) || !same(stp.B.Best, st2.B.Best) || same(st1.B.Best, st2.B.Best) {
		t.Fatal("the pair run's networks are not A of the first run and B of the second")
	}
	if res.Summary.NetworkFrom["A"] != opt.ReuseA || res.Summary.NetworkFrom["B"] != opt.ReuseB {
		t.Fatalf("summary does not say where the networks come from: %v", res.Summary.NetworkFrom)
	}
	if res.Summary.BestEpoch["B"] != st2.B.BestEpoch {
		t.Fatalf("B's best epoch %d, want the second run's %d", res.Summary.BestEpoch["B"], st2.B.BestEpoch)
	}

	other := tinyConfig(t.TempDir())
	other.Smoothing = 0
	_, err = Run(context.Background(), other, Options{ReuseB: opt.ReuseB})
	if err == nil || !strings.Contains(err.Error(), "-smoothing") {
		t.Fatalf("reusing B under another -smoothing: %v", err)
	}
}

// A narrower network B trains against network A taken from a finished
// run: only B trains, the export loads through package model and
// classifies, FLOPs and parameters are each network's own, the file says
// both widths, and -reuse-b holds B's widths to the run that trained it
// while leaving A's free.
func TestReuseANarrowerB(t *testing.T) {
	one, narrow := t.TempDir(), t.TempDir()
	if _, err := Run(context.Background(), tinyConfig(one), Options{}); err != nil {
		t.Fatal(err)
	}
	cfg := tinyConfig(narrow)
	cfg.WidthsB = [3]int{2, 4, 4}
	cfg.Augment.Squeeze = 0.3 // only alters B's training images: A may come from a run without it
	cfg.Epochs = 3            // and B alone may train longer
	var log strings.Builder
	res, err := Run(context.Background(), cfg, Options{ReuseA: filepath.Join(one, CheckpointFile), Progress: &log})
	if err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	if strings.Contains(log.String(), "network A:") || !strings.Contains(log.String(), "epoch 3/3 network B") {
		t.Fatalf("not B alone trained:\n%s", log.String())
	}
	archA, archB := cfg.ArchA(), cfg.ArchB()
	if archB.Layers[0].Out != 2 || archA.Layers[0].Out != 4 {
		t.Fatalf("archs A %+v, B %+v", archA, archB)
	}
	flops := archA.FLOPs(model.NumA) + archB.FLOPs(model.NumB)
	if res.Summary.FLOPsPerImage != flops || flops >= 2*archA.FLOPs(model.NumA) {
		t.Fatalf("FLOPs per image %d, want %d (A %d + B %d)", res.Summary.FLOPsPerImage, flops, archA.FLOPs(model.NumA), archB.FLOPs(model.NumB))
	}
	if !strings.Contains(log.String(), fmt.Sprintf("widths A 4-8-8, B 2-4-4, %.1f MFLOPs", float64(flops)/1e6)) {
		t.Fatalf("start line does not give both widths and their FLOPs:\n%s", log.String())
	}
	learn := func(a hiwlnet.Arch, classes int) int { return learnable(hiwlnet.NewParams(a, classes, 0)) }
	if p := res.Summary.ParamsPerNetwork; p["A"] != learn(archA, model.NumA) || p["B"] != learn(archB, model.NumB) || p["B"] >= p["A"] {
		t.Fatalf("params per network %v", p)
	}
	clf := openModel(t, res.ModelPath)
	if !strings.Contains(clf.Metadata().Doc, "widths A 4-8-8, B 2-4-4") {
		t.Fatalf("doc: %s", clf.Metadata().Doc)
	}
	pred, err := clf.ClassifyTensor(make([]float32, 3*16*16))
	if err != nil {
		t.Fatal(err)
	}
	if sum := pred.B[0] + pred.B[1]; math.Abs(float64(sum)-1) > 1e-5 || res.ParityMaxAbs > 1e-4 {
		t.Fatalf("B probabilities %v, parity %g", pred.B, res.ParityMaxAbs)
	}
	narrowCkpt := filepath.Join(narrow, CheckpointFile)
	st, err := readCheckpoint(narrowCkpt)
	if err != nil {
		t.Fatal(err)
	}
	if got := st.B.Best["conv1.w"].Shape; !slices.Equal(got, []int{2, 3, 3, 3}) || st.Config.WidthsB != cfg.WidthsB {
		t.Fatalf("checkpoint: B's conv1.w %v, widths-b %v", got, st.Config.WidthsB)
	}

	// -reuse-b: A's widths may differ, B's may not.
	fresh := func(c Config) *state {
		t.Helper()
		st, err := startState(filepath.Join(t.TempDir(), CheckpointFile), c, false)
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	wideA := cfg
	wideA.Widths = [3]int{8, 8, 8}
	if err := reuse(fresh(wideA), narrowCkpt, "B"); err != nil {
		t.Fatalf("reusing B under other A widths: %v", err)
	}
	if err := reuse(fresh(tinyConfig("")), narrowCkpt, "B"); err == nil || !strings.Contains(err.Error(), "-widths-b [4 8 8] (there [2 4 4])") {
		t.Fatalf("reusing B of other widths: %v", err)
	}
	// A checkpoint whose settings lie about B's widths is refused by shape.
	st.Config.WidthsB = [3]int{}
	lying := filepath.Join(t.TempDir(), CheckpointFile)
	if err := writeCheckpoint(lying, st); err != nil {
		t.Fatal(err)
	}
	if err := reuse(fresh(tinyConfig("")), lying, "B"); err == nil || !strings.Contains(err.Error(), "does not fit this run's (-widths-b 4,8,8): conv1.bn.bias has shape [2], want [4]") {
		t.Fatalf("reusing B whose parameters do not fit: %v", err)
	}
}

// A checkpoint written before -widths-b existed decodes without WidthsB:
// network B has A's widths, and a resume that spells them out with
// -widths-b is the same run, while other B widths are refused.
func TestWidthsBOldCheckpoint(t *testing.T) {
	type oldConfig struct {
		DataDir string
		Input   int
		Widths  [3]int
		Epochs  int
	}
	path := filepath.Join(t.TempDir(), CheckpointFile)
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	old := struct {
		Config oldConfig
		Epoch  int
	}{oldConfig{"data", 16, [3]int{4, 8, 8}, 2}, 1}
	if err := gob.NewEncoder(f).Encode(old); err != nil {
		t.Fatal(err)
	}
	f.Close()
	st, err := readCheckpoint(path)
	if err != nil {
		t.Fatal(err)
	}
	c := st.Config
	if c.WidthsB != ([3]int{}) || c.widthsB() != c.Widths || !slices.Equal(c.ArchB().Layers, c.ArchA().Layers) || c.widthsText() != "[4 8 8]" {
		t.Fatalf("old config: widths-b %v, effective %v, text %q", c.WidthsB, c.widthsB(), c.widthsText())
	}
	if c.FLOPs() != c.ArchA().FLOPs(model.NumA)+c.ArchA().FLOPs(model.NumB) {
		t.Fatalf("FLOPs %d", c.FLOPs())
	}
	spelled := c
	spelled.WidthsB = c.Widths
	if err := resumeConfig(st, spelled); err != nil {
		t.Fatalf("resume with -widths-b equal to -widths: %v", err)
	}
	st, _ = readCheckpoint(path)
	other := c
	other.WidthsB = [3]int{2, 4, 8}
	if err := resumeConfig(st, other); err == nil || !strings.Contains(err.Error(), "-widths-b [2 4 8] (the checkpoint has [4 8 8])") {
		t.Fatalf("resume with other -widths-b: %v", err)
	}
}

// -widths-b is refused with -flat, which has no network B, before any data
// is read.
func TestWidthsBRefused(t *testing.T) {
	flat := tinyConfig(t.TempDir())
	flat.Flat, flat.WidthsB = true, [3]int{2, 4, 8}
	if _, err := Run(context.Background(), flat, Options{}); err == nil || !strings.Contains(err.Error(), "-widths-b: a -flat run has no network B") {
		t.Fatalf("-flat with -widths-b: %v", err)
	}
}

// -init-from starts both networks from an exported model's weights: a run
// at another input side takes them as they are (the backbone is
// convolutional), the run trains on from there and its file says so; other
// widths are refused, naming the flag; a -flat run takes A's backbone.
func TestInitFrom(t *testing.T) {
	first := t.TempDir()
	res, err := Run(context.Background(), tinyConfig(first), Options{})
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(res.ModelPath)
	if err != nil {
		t.Fatal(err)
	}
	f, err := onnxexport.Read(data)
	if err != nil {
		t.Fatal(err)
	}
	_, _, wantA, wantB, err := f.Networks()
	if err != nil {
		t.Fatal(err)
	}

	cfg := tinyConfig(t.TempDir())
	cfg.Input, cfg.InitFrom = 24, res.ModelPath
	st, err := startState(filepath.Join(cfg.OutDir, CheckpointFile), cfg, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []struct {
		name string
		got  savedParams
		want hiwlnet.Params
	}{{"A", st.A.Params, wantA}, {"B", st.B.Params, wantB}} {
		if len(n.got) != len(n.want) {
			t.Fatalf("network %s: %d parameters, the file %d", n.name, len(n.got), len(n.want))
		}
		for k, v := range n.want {
			if !slices.Equal(n.got[k].Data, v.Float32s()) {
				t.Fatalf("network %s: %s is not the file's", n.name, k)
			}
		}
	}
	res2, err := Run(context.Background(), cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	clf := openModel(t, res2.ModelPath)
	if doc := clf.Metadata().Doc; !strings.Contains(doc, "Started from the weights of "+filepath.Base(res.ModelPath)) {
		t.Fatalf("doc: %s", doc)
	}

	wider := tinyConfig(t.TempDir())
	wider.Widths, wider.InitFrom = [3]int{4, 8, 16}, res.ModelPath
	if _, err := startState(filepath.Join(wider.OutDir, CheckpointFile), wider, false); err == nil || !strings.Contains(err.Error(), "its network A has widths 4,8,8, this run's -widths 4,8,16") {
		t.Fatalf("other widths: %v", err)
	}
	// A flat run takes network A's backbone and keeps a 5-way head of its
	// own; the file's network B, narrower here, plays no part.
	narrowB := tinyConfig(t.TempDir())
	narrowB.WidthsB, narrowB.Epochs = [3]int{4, 4, 8}, 1
	resB, err := Run(context.Background(), narrowB, Options{})
	if err != nil {
		t.Fatal(err)
	}
	flat := tinyConfig(t.TempDir())
	flat.Flat, flat.InitFrom = true, resB.ModelPath
	st, err = startState(filepath.Join(flat.OutDir, CheckpointFile), flat, false)
	if err != nil {
		t.Fatalf("-flat: %v", err)
	}
	data, err = os.ReadFile(resB.ModelPath)
	if err != nil {
		t.Fatal(err)
	}
	if f, err = onnxexport.Read(data); err != nil {
		t.Fatal(err)
	}
	if _, _, wantA, _, err = f.Networks(); err != nil {
		t.Fatal(err)
	}
	copied, head := 0, 0
	for k, v := range st.A.Params {
		w, ok := wantA[k]
		switch {
		case ok && slices.Equal(v.Shape, []int(w.Shape())):
			if !slices.Equal(v.Data, w.Float32s()) {
				t.Fatalf("-flat: %s has the file's shape but not its weights", k)
			}
			copied++
		case ok:
			if len(v.Data) != len(w.Float32s())/model.NumA*model.NumClasses {
				t.Fatalf("-flat: %s has %d weights, want a 5-way head's", k, len(v.Data))
			}
			head++
		default:
			t.Fatalf("-flat: %s is not in the file's network A", k)
		}
	}
	if copied == 0 || head == 0 {
		t.Fatalf("-flat: %d tensors copied, %d head tensors of its own", copied, head)
	}
}

// A ReLU6 backbone (MobileNetV2's blocks, as `trainer pretrained` writes
// them) trains, exports Clip and matches gorgonia; a run may start from
// its file only with the same activation, since ReLU6 weights in a SiLU
// network would silently be another function.
func TestTrainReLU6InitFrom(t *testing.T) {
	cfg := tinyConfig(t.TempDir())
	cfg.Backbone = "16:relu6:s32k3/2,m16e1k3,m24e6k3/2,t16"
	cfg.BackboneB = "16:relu6:s32k3/2,m16e1k3,m24e6k3/2,t8"
	cfg.Epochs = 1
	res, err := Run(context.Background(), cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.ParityMaxAbs > 1e-4 || math.IsNaN(res.ParityMaxAbs) {
		t.Fatalf("parity %g", res.ParityMaxAbs)
	}
	if props := modelProps(t, res.ModelPath); props["hiwl.arch.a"] != cfg.Backbone {
		t.Fatalf("hiwl.arch.a %q", props["hiwl.arch.a"])
	}
	next := cfg
	next.OutDir, next.InitFrom = t.TempDir(), res.ModelPath
	if _, err := startState(filepath.Join(next.OutDir, CheckpointFile), next, false); err != nil {
		t.Fatalf("same backbone: %v", err)
	}
	silu := next
	silu.Backbone = strings.Replace(cfg.Backbone, "relu6:", "", 1)
	if _, err := startState(filepath.Join(silu.OutDir, CheckpointFile), silu, false); err == nil || !strings.Contains(err.Error(), "its network A is "+cfg.Backbone) {
		t.Fatalf("SiLU backbone from ReLU6 weights: %v", err)
	}
}

// -fit-validation trains network A on the training and validation splits,
// keeps its last epoch, leaves the test split as it was, and says so in
// the summary and the exported file; network B, taken from a run that
// held the validation split out, keeps its best validation epoch.
func TestFitValidation(t *testing.T) {
	held := t.TempDir()
	base, err := Run(context.Background(), tinyConfig(held), Options{})
	if err != nil {
		t.Fatal(err)
	}
	cfg := tinyConfig(t.TempDir())
	cfg.FitValidation = true
	var log strings.Builder
	res, err := Run(context.Background(), cfg, Options{ReuseB: filepath.Join(held, CheckpointFile), Progress: &log})
	if err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	s, b := res.Summary, base.Summary
	if s.Split["train"] != b.Split["train"] || s.Split["validation"] != b.Split["validation"] || s.Split["test"] != b.Split["test"] {
		t.Fatalf("split %v, the held-out run's %v", s.Split, b.Split)
	}
	if s.Split["trained_on"] != b.Split["train"]+b.Split["validation"] {
		t.Fatalf("trained on %d images, want %d + %d", s.Split["trained_on"], b.Split["train"], b.Split["validation"])
	}
	if !strings.Contains(log.String(), fmt.Sprintf("training on %d training and %d validation images", b.Split["train"], b.Split["validation"])) ||
		!strings.Contains(log.String(), "epoch 2/2 network A: train loss") || strings.Contains(log.String(), "network B: train loss") {
		t.Fatalf("progress:\n%s", log.String())
	}
	if _, ok := s.BestValAcc["A"]; ok || s.BestValAcc["B"] != b.BestValAcc["B"] || s.BestEpoch["A"] != cfg.Epochs {
		t.Fatalf("best val acc %v, best epoch %v", s.BestValAcc, s.BestEpoch)
	}
	st, err := readCheckpoint(filepath.Join(cfg.OutDir, CheckpointFile))
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(st.A.Best) != fmt.Sprint(st.A.Params) || !st.A.FitValidation || st.B.FitValidation {
		t.Fatal("network A's exported weights are not its last epoch's, or the networks do not say what they trained on")
	}
	md := openModel(t, res.ModelPath).Metadata()
	if md.Props[PropValidationTrainedOn] != "A" || !strings.Contains(md.Doc, fmt.Sprintf("epochs A 2 (its last; the validation split was trained on too (-fit-validation)), B %d (best on validation)", b.BestEpoch["B"])) {
		t.Fatalf("the file does not say network A saw the validation split: %q, %s", md.Props[PropValidationTrainedOn], md.Doc)
	}
	if held := openModel(t, base.ModelPath).Metadata().Props; held[PropValidationTrainedOn] != "" {
		t.Fatalf("a held-out run's file says %q", held[PropValidationTrainedOn])
	}

	resumed := cfg
	resumed.FitValidation = false
	if _, err := Run(context.Background(), resumed, Options{Resume: true}); err == nil || !strings.Contains(err.Error(), "-fit-validation") {
		t.Fatalf("resuming without -fit-validation: %v", err)
	}
	flat := tinyConfig(t.TempDir())
	flat.Flat, flat.FitValidation = true, true
	if _, err := Run(context.Background(), flat, Options{}); err == nil || !strings.Contains(err.Error(), "-fit-validation") {
		t.Fatalf("-flat: %v", err)
	}
}

func openModel(t *testing.T, path string) *model.Classifier {
	t.Helper()
	clf, err := model.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	return clf
}

// runLogged runs cfg from scratch and fails the test on an error or on an
// exported model that does not match gorgonia; it returns the result and
// the progress log.
func runLogged(t *testing.T, cfg Config) (*Result, string) {
	t.Helper()
	var log strings.Builder
	res, err := Run(context.Background(), cfg, Options{Progress: &log})
	if err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	if res.ParityMaxAbs > 1e-4 || math.IsNaN(res.ParityMaxAbs) {
		t.Fatalf("parity %g", res.ParityMaxAbs)
	}
	return res, log.String()
}

// modelProps reads an exported model's metadata.
func modelProps(t *testing.T, path string) map[string]string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	md, err := model.ReadMetadata(data)
	if err != nil {
		t.Fatal(err)
	}
	return md.Props
}

// A learning curve's point trains on a share of each class of the training
// split; validation and test stay whole, and a resume must keep the share.
func TestTrainFraction(t *testing.T) {
	cfg := tinyConfig(t.TempDir())
	cfg.Epochs = 1
	full, err := Run(context.Background(), cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	half := tinyConfig(t.TempDir())
	half.Epochs, half.TrainFraction = 1, 0.5
	var log strings.Builder
	res, err := Run(context.Background(), half, Options{Progress: &log})
	if err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	s, f := res.Summary.Split, full.Summary.Split
	if s["validation"] != f["validation"] || s["test"] != f["test"] {
		t.Fatalf("split %v, the whole run's %v: validation and test must not change", s, f)
	}
	if s["train"] >= f["train"] || s["train"] < f["train"]/2 || s["train"] > f["train"]/2+model.NumClasses {
		t.Fatalf("trained on %d of %d images with -train-fraction 0.5", s["train"], f["train"])
	}
	if want := fmt.Sprintf("-train-fraction 0.5: training on %d of the %d", s["train"], f["train"]); !strings.Contains(log.String(), want) {
		t.Fatalf("progress does not say %q:\n%s", want, log.String())
	}
	resumed := half
	resumed.TrainFraction = 1
	if _, err := Run(context.Background(), resumed, Options{Resume: true}); err == nil || !strings.Contains(err.Error(), "-train-fraction") {
		t.Fatalf("resuming with another -train-fraction: %v", err)
	}
	bad := tinyConfig(t.TempDir())
	bad.TrainFraction = 1.5
	if _, err := Run(context.Background(), bad, Options{}); err == nil || !strings.Contains(err.Error(), "-train-fraction") {
		t.Fatalf("-train-fraction 1.5: %v", err)
	}
}

// Networks whose feature maps differ in side are refused before training:
// the runtimes draw both attention maps on one grid and would refuse the
// exported file.
func TestArchsFeatureSides(t *testing.T) {
	cfg := tinyConfig(t.TempDir())
	cfg.Backbone, cfg.BackboneB = "16:s8k3/2,m8e1k3/2,t8", "16:s8k3/2,m8e1k3,t8"
	_, err := Run(context.Background(), cfg, Options{})
	if err == nil || !strings.Contains(err.Error(), "same side") {
		t.Fatalf("A at 4x4 features and B at 8x8: %v", err)
	}
	cfg.BackboneB = "16:s8k3/2,m8e1k3/2,m8e1k3,t8"
	if err := cfg.checkArchs(); err != nil {
		t.Fatalf("both at 4x4: %v", err)
	}
}
