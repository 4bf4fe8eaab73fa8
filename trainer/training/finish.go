package training

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strings"

	"github.com/hiwl/hiwl/model"
	"github.com/hiwl/hiwl/trainer/atomicfile"
	"github.com/hiwl/hiwl/trainer/gzdata"
	"github.com/hiwl/hiwl/trainer/hiwlnet"
	"github.com/hiwl/hiwl/trainer/onnxexport"
	"github.com/hiwl/hiwl/trainer/report"
)

// Summary is written as summary.json next to the model.
type Summary struct {
	Config            Config             `json:"config"`
	ClassCounts       map[string]int     `json:"class_counts"`
	Train, Val, Test  int                `json:"-"`
	Split             map[string]int     `json:"split"`
	ParamsPerNetwork  map[string]int     `json:"params_per_network"`     // learnable, by network: their widths may differ
	FLOPsPerImage     int64              `json:"flops_per_image"`        // networks A and B together
	EpochsRun         int                `json:"epochs_run"`             // by this run: networks taken from others trained in theirs
	NetworkFrom       map[string]string  `json:"network_from,omitempty"` // checkpoint of a network taken from another run
	BestEpoch         map[string]int     `json:"best_epoch"`
	BestValAcc        map[string]float64 `json:"best_val_acc"`
	TrainImagesPerSec map[string]float64 `json:"train_images_per_sec"`
	TestAccuracy      float64            `json:"test_accuracy"`
	TestMacroF1       float64            `json:"test_macro_f1"`
	ParityMaxAbs      float64            `json:"parity_max_abs_gorgonia_vs_onnx_go"`
	ModelVersion      string             `json:"model_version"`
	ModelBytes        int                `json:"model_bytes"`
}

// write stores the summary as indented JSON, atomically.
func (s Summary) write(path string) error {
	return atomicfile.Write(path, func(w io.Writer) error {
		e := json.NewEncoder(w)
		e.SetIndent("", "  ")
		return e.Encode(s)
	})
}

// parityTolerance is the largest accepted difference between gorgonia's
// evaluation graph and onnx-go running the exported file.
const parityTolerance = 1e-4

func (t *trainer) finish(st *state, ds *gzdata.Dataset, test []gzdata.Sample) (*Result, error) {
	if len(test) == 0 {
		return nil, fmt.Errorf("training: no readable test images")
	}
	for _, name := range untrainedNets(st) {
		// said before the test numbers, which would otherwise read as the
		// network's own: no epoch of it ever replaced its start
		fmt.Fprintf(t.log, "WARNING: network %s never did better on validation than calling every image one class, in all %d epochs: the file keeps its starting weights\n",
			name, epochsOf(st, name))
	}
	bestA, bestB := st.A.Best.params(), st.B.Best.params()
	info := t.modelInfo(st, ds, len(test))
	data, err := onnxexport.Marshal(t.cfg.ArchA(), t.cfg.ArchB(), bestA, bestB, info)
	if err != nil {
		return nil, err
	}
	clf, err := model.Load(data)
	if err != nil {
		return nil, fmt.Errorf("training: the exported model does not load: %w", err)
	}

	// The test split is classified by onnx-go through package model, from
	// the files: the numbers describe the model every runtime ships.
	fmt.Fprintf(t.log, "test split: %d images\n", len(test))
	ev, err := Evaluate(clf, test, t.log)
	if err != nil {
		return nil, err
	}
	parity, checked, err := t.parity(bestA, bestB, ev)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(t.log, "parity: gorgonia eval vs onnx-go on %d test images: max |Δp| = %.2g (tolerance %g)\n", checked, parity, parityTolerance)
	if parity > parityTolerance {
		return nil, fmt.Errorf("training: exported model disagrees with gorgonia by %g", parity)
	}
	// The file carries its own test metrics; the weights are unchanged, so
	// the numbers above hold for the final file.
	info.Metadata["hiwl.test_metrics"] = metricsProp(ev.Metrics)
	if data, err = onnxexport.Marshal(t.cfg.ArchA(), t.cfg.ArchB(), bestA, bestB, info); err != nil {
		return nil, err
	}
	if clf, err = model.Load(data); err != nil {
		return nil, fmt.Errorf("training: the exported model does not load: %w", err)
	}
	modelPath := filepath.Join(t.cfg.OutDir, ModelFile)
	if err := atomicfile.WriteBytes(modelPath, data); err != nil {
		return nil, err
	}
	fmt.Fprintf(t.log, "model %s: %s\n", clf.Version(), modelPath)
	if err := ev.Write(t.cfg.OutDir, t.log); err != nil {
		return nil, err
	}
	m := ev.Metrics
	out := func(name string) string { return filepath.Join(t.cfg.OutDir, name) }

	s := Summary{
		Config:            t.cfg,
		ClassCounts:       map[string]int{},
		Split:             t.splitCounts(len(test)),
		ParamsPerNetwork:  map[string]int{"A": learnable(bestA), "B": learnable(bestB)},
		FLOPsPerImage:     t.cfg.FLOPs(),
		EpochsRun:         st.Epoch,
		NetworkFrom:       st.From,
		BestEpoch:         map[string]int{"A": st.A.BestEpoch, "B": st.B.BestEpoch},
		BestValAcc:        bestValAcc(st),
		TrainImagesPerSec: map[string]float64{"A": round1(st.A.ImagesPerSec), "B": round1(st.B.ImagesPerSec)},
		TestAccuracy:      m.Accuracy,
		TestMacroF1:       m.MacroF1,
		ParityMaxAbs:      parity,
		ModelVersion:      clf.Version(),
		ModelBytes:        len(data),
	}
	for _, c := range model.Classes {
		s.ClassCounts[c.Slug()] = ds.Counts[c]
	}
	if err := s.write(out(SummaryFile)); err != nil {
		return nil, err
	}
	fmt.Fprintf(t.log, "wrote %s, %s, %s, %s, %s\n", modelPath, out(MetricsFile), out(ConfusionFile), out(CurvesFile), out(SummaryFile))
	return &Result{Metrics: m, Summary: s, ModelPath: modelPath, ParityMaxAbs: parity}, nil
}

// modelInfo is what the exported file says about itself: the classes, the
// input and preprocessing every runtime must apply, and what it was
// trained on, in ONNX's own fields.
func (t *trainer) modelInfo(st *state, ds *gzdata.Dataset, nTest int) onnxexport.Info {
	c := t.cfg
	counts := make([]string, len(model.Classes))
	for i, cl := range model.Classes {
		counts[i] = fmt.Sprintf("%s %d", cl.Slug(), ds.Counts[cl])
	}
	f3 := func(v [3]float32) string { return fmt.Sprintf("%g,%g,%g", v[0], v[1], v[2]) }
	info := onnxexport.Info{
		Version:      ProducerVersion,
		ModelVersion: t.modelVersion,
		Doc: fmt.Sprintf("HIWL (Ma et al. 2023, MNRAS 519, 4765) galaxy morphology: network A (4-way: in-between, cigar+edge-on, round, spiral) "+
			"and network B (cigar vs edge-on), %dx%d input, %s. Trained on %s (%s layout, %d images), %s, seed %s.%s",
			c.Input, c.Input, c.backboneText(), filepath.Base(c.DataDir), ds.Layout, len(ds.Samples), epochsText(st), seedText(c), fromText(st)),
		Metadata: map[string]string{
			"hiwl.classes":            "round,in-between,cigar,edge-on,spiral",
			"hiwl.network_a":          "in-between,merged(cigar+edge-on),round,spiral",
			"hiwl.network_b":          "cigar,edge-on",
			"hiwl.input_size":         fmt.Sprint(c.Input),
			"hiwl.eval_crop_fraction": fmt.Sprintf("%.6f", model.EvalCropFraction),
			"hiwl.mean":               f3(model.Mean),
			"hiwl.std":                f3(model.Std),
			"hiwl.preprocessing":      "auto-framed centre crop (240/424 of the shorter side; tighter when the central galaxy's 10%-of-peak isophote radius is under 0.095 of the side, to bring it to 0.12, zoom <= 2), bilinear resize to input_size, RGB/255, (x-mean)/std, CHW",
			"hiwl.training_data": fmt.Sprintf("%s (%s): %s; split 70/15/15 per class, seed %d: %d train, %d validation, %d test",
				filepath.Base(c.DataDir), ds.Layout, strings.Join(counts, ", "), c.Seed, t.nTrain, t.nVal, nTest) + extraText(c),
			"hiwl.recipe": fmt.Sprintf("epochs %d, batch %d, SGD lr %g momentum %g wd %g cosine, label smoothing %g, weighted sampling on B %v, "+
				"rotation ±%g°, zoom-out up to %g (p %g), brightness ±%g%s",
				c.Epochs, c.Batch, c.LR, c.Momentum, c.WeightDecay, c.Smoothing, c.Weighted,
				c.Augment.Rotation, c.Augment.ZoomOut, c.Augment.ZoomOutProb, c.Augment.Brightness, squeezeText(c)) + attentionText(c) + consistencyText(c),
		},
	}
	if nets := fitNets(st); len(nets) > 0 {
		info.Metadata[PropValidationTrainedOn] = strings.Join(nets, ",")
	}
	return info
}

// namedNet is one of a state's networks with its name.
type namedNet struct {
	name string
	st   *netState
}

// namedNets is st's two networks.
func namedNets(st *state) []namedNet { return []namedNet{{"A", &st.A}, {"B", &st.B}} }

// fitNets names the networks that were trained on the validation split.
func fitNets(st *state) []string {
	var nets []string
	for _, n := range namedNets(st) {
		if n.st.FitValidation {
			nets = append(nets, n.name)
		}
	}
	return nets
}

// epochsText names each network's epoch and how it was chosen: the best
// on validation, or with -fit-validation the last.
func epochsText(st *state) string {
	averaged := func(n *netState) string {
		if n.BestSWA == 0 {
			return ""
		}
		return fmt.Sprintf(", the mean of the weights of epochs %d-%d", n.BestEpoch-n.BestSWA+1, n.BestEpoch)
	}
	if len(fitNets(st)) == 0 {
		if st.A.BestSWA == 0 && st.B.BestSWA == 0 {
			return fmt.Sprintf("best epochs A %d, B %d", st.A.BestEpoch, st.B.BestEpoch)
		}
		return fmt.Sprintf("best on validation: A epoch %d%s; B epoch %d%s", st.A.BestEpoch, averaged(&st.A), st.B.BestEpoch, averaged(&st.B))
	}
	how := func(n *netState) string {
		if n.FitValidation {
			return "its last; the validation split was trained on too (-fit-validation)"
		}
		return "best on validation" + averaged(n)
	}
	return fmt.Sprintf("epochs A %d (%s), B %d (%s)", st.A.BestEpoch, how(&st.A), st.B.BestEpoch, how(&st.B))
}

// bestValAcc is each network's best validation accuracy, for those chosen
// on validation.
func bestValAcc(st *state) map[string]float64 {
	m := map[string]float64{}
	for _, n := range namedNets(st) {
		if !n.st.FitValidation {
			m[n.name] = n.st.BestAcc
		}
	}
	return m
}

// splitCounts is the split's sizes, and with -fit-validation how many
// images were trained on.
func (t *trainer) splitCounts(nTest int) map[string]int {
	m := map[string]int{"train": t.nTrain, "validation": t.nVal, "test": nTest}
	if t.cfg.FitValidation {
		m["trained_on"] = len(t.train)
	}
	return m
}

// PropValidationTrainedOn is the metadata key naming the networks ("A",
// "A,B") that trained on the validation split; absent when none did.
// Such a file cannot be scored on that split.
const PropValidationTrainedOn = "hiwl.validation_trained_on"

// ProducerVersion is written as the ONNX producer_version.
const ProducerVersion = "hiwl-trainer 2"

// metricsProp is the test metrics as compact JSON for the file's metadata.
func metricsProp(m *report.Metrics) string {
	type class struct {
		Class                 string
		Precision, Recall, F1 float64
		Support               int
	}
	out := struct {
		Accuracy     float64    `json:"accuracy"`
		AccuracyCI95 [2]float64 `json:"accuracy_ci95"`
		MacroF1      float64    `json:"macro_f1"`
		PerClass     []class    `json:"per_class"`
	}{m.Accuracy, m.AccuracyCI95, m.MacroF1, nil}
	r4 := func(v float64) float64 { return math.Round(v*1e4) / 1e4 }
	for _, c := range m.PerClass {
		out.PerClass = append(out.PerClass, class{c.Class, r4(c.Precision), r4(c.Recall), r4(c.F1), c.Support})
	}
	b, _ := json.Marshal(out)
	return string(b)
}

// parityImages bounds the parity check's cost.
const parityImages = 64

// parity compares gorgonia's evaluation graphs with onnx-go's outputs on
// the first test images.
func (t *trainer) parity(a, b hiwlnet.Params, ev *Evaluation) (worst float64, n int, err error) {
	samples := ev.Samples[:min(len(ev.Samples), parityImages)]
	images, bad := loadImages(samples, t.cfg.Input, 0, prepareEval(t.cfg.Input), nil)
	if len(bad) > 0 {
		return 0, 0, fmt.Errorf("training: parity: %v", bad[0])
	}
	idx := make([]int, len(images))
	for i := range idx {
		idx[i] = i
	}
	for _, net := range []struct {
		arch    hiwlnet.Arch
		p       hiwlnet.Params
		classes int
		onnx    func(p *model.Prediction) []float32
	}{
		{t.cfg.ArchA(), a, model.NumA, func(p *model.Prediction) []float32 { return p.A[:] }},
		{t.cfg.ArchB(), b, model.NumB, func(p *model.Prediction) []float32 { return p.B[:] }},
	} {
		evNet, err := hiwlnet.Build(net.arch, net.classes, evalBatch, net.p, false)
		if err != nil {
			return 0, 0, err
		}
		probs, err := forwardAll(evNet, images, idx, t.cfg.Input)
		if err != nil {
			return 0, 0, err
		}
		for i := range images {
			got := net.onnx(ev.Predictions[i])
			for k := 0; k < net.classes; k++ {
				worst = math.Max(worst, math.Abs(float64(probs[i*net.classes+k]-got[k])))
			}
		}
	}
	return worst, len(images), nil
}

// learnable counts p's scalars without the batch-norm statistics.
func learnable(p hiwlnet.Params) int { return p.Count() - bnStatCount(p) }

func bnStatCount(p hiwlnet.Params) int {
	n := 0
	for k, t := range p {
		if isBNStat(k) {
			n += t.Shape().TotalSize()
		}
	}
	return n
}

func round1(v float64) float64 { return math.Round(v*10) / 10 }

// seedText names the split seed, and the initialisation seed when a run set
// one apart (left out otherwise, so older recipes export the same text).
func seedText(c Config) string {
	if c.InitSeed == 0 || c.InitSeed == c.Seed {
		return fmt.Sprint(c.Seed)
	}
	return fmt.Sprintf("%d (initialisation and augmentation %d)", c.Seed, c.InitSeed)
}

// fromText names the runs that networks were taken from, and the model
// training started from, if any.
func fromText(st *state) string {
	var b strings.Builder
	if st.Config.InitFrom != "" {
		fmt.Fprintf(&b, " Started from the weights of %s.", filepath.Base(st.Config.InitFrom))
	}
	for _, net := range []string{"A", "B"} {
		if p, ok := st.From[net]; ok {
			fmt.Fprintf(&b, " Network %s from the run in %s.", net, filepath.Base(filepath.Dir(p)))
		}
	}
	return b.String()
}

// attentionText names the attention penalty, if the loss had one.
func attentionText(c Config) string {
	if c.Attention == 0 {
		return ""
	}
	return fmt.Sprintf(", attention penalty %g (off-disc share of the target's CAM, disc radius %g)", c.Attention, AttentionRadius)
}

// consistencyText names the consistency loss, if the run had one.
func consistencyText(c Config) string {
	if c.Consistency == 0 {
		return ""
	}
	net := "network A"
	if c.Flat {
		net = "the flat network"
	}
	return fmt.Sprintf(", FixMatch consistency for %s on %s (weight %g, confidence %g)", net, filepath.Base(c.Unlabelled), c.Consistency, c.ConsistencyConfidence)
}

// extraText names the extra training set, if any.
func extraText(c Config) string {
	if c.ExtraData == "" {
		return ""
	}
	return fmt.Sprintf("; training split joined by %s (-extra-data)", filepath.Base(c.ExtraData))
}

// squeezeText names the squeeze augmentation, if used.
func squeezeText(c Config) string {
	var s string
	if c.Augment.Squeeze > 0 {
		s += fmt.Sprintf(", squeeze of smooth galaxies (p %g)", c.Augment.Squeeze)
	}
	if c.Augment.SqueezeB > 0 {
		s += fmt.Sprintf(", network B's draws replaced by in-between galaxies squeezed into cigars (p %g)", c.Augment.SqueezeB)
	}
	return s
}

// untrainedNets names the networks chosen on validation that never had an
// eligible epoch (selectionScore): their Best is still their start.
func untrainedNets(st *state) []string {
	var out []string
	for _, n := range namedNets(st) {
		if !n.st.FitValidation && n.st.BestEpoch == 0 && st.From[n.name] == "" && epochsOf(st, n.name) > 0 {
			out = append(out, n.name)
		}
	}
	return out
}

// epochsOf counts network name's epochs in st.History.
func epochsOf(st *state, name string) int {
	k := 0
	for _, h := range st.History {
		if h.Network == name {
			k++
		}
	}
	return k
}
