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
)

// Summary is written as summary.json next to the model.
type Summary struct {
	Config            Config             `json:"config"`
	ClassCounts       map[string]int     `json:"class_counts"`
	Train, Val, Test  int                `json:"-"`
	Split             map[string]int     `json:"split"`
	ParamsPerNetwork  int                `json:"params_per_network"`
	FLOPsPerImage     int64              `json:"flops_per_image"` // networks A and B together
	EpochsRun         int                `json:"epochs_run"`
	BestEpoch         map[string]int     `json:"best_epoch"`
	BestValAcc        map[string]float64 `json:"best_val_acc"`
	TrainImagesPerSec map[string]float64 `json:"train_images_per_sec"`
	TestAccuracy      float64            `json:"test_accuracy"`
	TestMacroF1       float64            `json:"test_macro_f1"`
	ParityMaxAbs      float64            `json:"parity_max_abs_gorgonia_vs_onnx_go"`
	ModelVersion      string             `json:"model_version"`
	ModelBytes        int                `json:"model_bytes"`
}

// parityTolerance is the largest accepted difference between gorgonia's
// evaluation graph and onnx-go running the exported file.
const parityTolerance = 1e-4

func (t *trainer) finish(st *state, ds *gzdata.Dataset, test []gzdata.Sample) (*Result, error) {
	if len(test) == 0 {
		return nil, fmt.Errorf("training: no readable test images")
	}
	bestA, bestB := st.A.Best.params(), st.B.Best.params()
	info := onnxexport.Info{
		Version: "hiwl-trainer",
		Doc: fmt.Sprintf("HIWL networks A (4-way) and B (cigar vs edge-on), %dx%d input, widths %v; best epochs A %d, B %d; seed %d",
			t.cfg.Input, t.cfg.Input, t.cfg.Widths, st.A.BestEpoch, st.B.BestEpoch, t.cfg.Seed),
		Metadata: map[string]string{
			"hiwl.classes":       "round,in-between,cigar,edge-on,spiral",
			"hiwl.network_a":     "in-between,merged(cigar+edge-on),round,spiral",
			"hiwl.network_b":     "cigar,edge-on",
			"hiwl.preprocessing": "centre crop 240/424 of the shorter side, bilinear resize, mean [0.046 0.041 0.030] std [0.090 0.075 0.065]",
		},
	}
	data, err := onnxexport.Marshal(t.arch, bestA, bestB, info)
	if err != nil {
		return nil, err
	}
	modelPath := filepath.Join(t.cfg.OutDir, ModelFile)
	if err := atomicfile.WriteBytes(modelPath, data); err != nil {
		return nil, err
	}
	clf, err := model.Load(data)
	if err != nil {
		return nil, fmt.Errorf("training: the exported model does not load: %w", err)
	}

	// The test split is classified by onnx-go through package model, from
	// the files: the numbers describe the model every runtime ships.
	fmt.Fprintf(t.log, "test split: %d images, model %s\n", len(test), clf.Version())
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
	if err := ev.Write(t.cfg.OutDir, t.log); err != nil {
		return nil, err
	}
	m := ev.Metrics
	out := func(name string) string { return filepath.Join(t.cfg.OutDir, name) }

	s := Summary{
		Config:            t.cfg,
		ClassCounts:       map[string]int{},
		Split:             map[string]int{"train": len(t.train), "validation": len(t.val), "test": len(test)},
		ParamsPerNetwork:  bestA.Count() - bnStatCount(bestA),
		FLOPsPerImage:     t.arch.FLOPs(model.NumA) + t.arch.FLOPs(model.NumB),
		EpochsRun:         st.Epoch,
		BestEpoch:         map[string]int{"A": st.A.BestEpoch, "B": st.B.BestEpoch},
		BestValAcc:        map[string]float64{"A": st.A.BestAcc, "B": st.B.BestAcc},
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
	if err := atomicfile.Write(out(SummaryFile), func(w io.Writer) error {
		e := json.NewEncoder(w)
		e.SetIndent("", "  ")
		return e.Encode(s)
	}); err != nil {
		return nil, err
	}
	fmt.Fprintf(t.log, "wrote %s, %s, %s, %s, %s\n", modelPath, out(MetricsFile), out(ConfusionFile), out(CurvesFile), out(SummaryFile))
	return &Result{Metrics: m, Summary: s, ModelPath: modelPath, ParityMaxAbs: parity}, nil
}

// parityImages bounds the parity check's cost.
const parityImages = 64

// parity compares gorgonia's evaluation graphs with onnx-go's outputs on
// the first test images.
func (t *trainer) parity(a, b hiwlnet.Params, ev *Evaluation) (worst float64, n int, err error) {
	samples := ev.Samples[:min(len(ev.Samples), parityImages)]
	images, bad := loadImages(samples, 0, prepareEval(t.cfg.Input), nil)
	if len(bad) > 0 {
		return 0, 0, fmt.Errorf("training: parity: %v", bad[0])
	}
	idx := make([]int, len(images))
	for i := range idx {
		idx[i] = i
	}
	for _, net := range []struct {
		p       hiwlnet.Params
		classes int
		onnx    func(p *model.Prediction) []float32
	}{
		{a, model.NumA, func(p *model.Prediction) []float32 { return p.A[:] }},
		{b, model.NumB, func(p *model.Prediction) []float32 { return p.B[:] }},
	} {
		evNet, err := hiwlnet.Build(t.arch, net.classes, evalBatch, net.p, false)
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

func bnStatCount(p hiwlnet.Params) int {
	n := 0
	for k, t := range p {
		if strings.HasSuffix(k, ".bn.mean") || strings.HasSuffix(k, ".bn.var") {
			n += t.Shape().TotalSize()
		}
	}
	return n
}

func round1(v float64) float64 { return math.Round(v*10) / 10 }
