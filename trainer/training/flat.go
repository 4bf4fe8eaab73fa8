package training

import (
	"fmt"
	"path/filepath"

	"github.com/hiwl/hiwl/model"
	"github.com/hiwl/hiwl/trainer/gzdata"
	"github.com/hiwl/hiwl/trainer/hiwlnet"
	"github.com/hiwl/hiwl/trainer/report"
)

// finishFlat scores the ablation's flat 5-way network on the test split
// with gorgonia's evaluation graph. It exports no ONNX file: the runtimes
// read only the A/B hierarchy, and the ablation needs only the numbers.
func (t *trainer) finishFlat(st *state, test []gzdata.Sample) (*Result, error) {
	images, bad := loadImages(test, t.cfg.Input, 0, prepareEval(t.cfg.Input), nil)
	for _, e := range bad {
		fmt.Fprintf(t.log, "skipped unreadable image: %v\n", e)
	}
	if len(images) == 0 {
		return nil, fmt.Errorf("training: no readable test images")
	}
	net, err := hiwlnet.Build(t.cfg.ArchA(), model.NumClasses, evalBatch, st.A.Best.params(), false)
	if err != nil {
		return nil, err
	}
	idx := make([]int, len(images))
	for i := range idx {
		idx[i] = i
	}
	probs, err := forwardAll(net, images, idx, t.cfg.Input)
	if err != nil {
		return nil, err
	}
	truth, pred := make([]int, len(images)), make([]int, len(images))
	for i, im := range images {
		truth[i] = int(im.class)
		pred[i] = model.Argmax(probs[i*model.NumClasses : (i+1)*model.NumClasses])
	}
	m, err := report.Compute(classNames(), truth, pred)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(t.log, "test split (flat 5-way network, gorgonia): %d images\n", len(images))
	if err := (&Evaluation{Metrics: m}).Write(t.cfg.OutDir, t.log); err != nil {
		return nil, err
	}
	s := Summary{
		Config:           t.cfg,
		Split:            map[string]int{"train": len(t.train), "validation": len(t.val), "test": len(images)},
		ParamsPerNetwork: map[string]int{"flat": learnable(st.A.Best.params())},
		FLOPsPerImage:    t.cfg.FLOPs(),
		EpochsRun:        st.Epoch,
		BestEpoch:        map[string]int{"flat": st.A.BestEpoch},
		BestValAcc:       map[string]float64{"flat": st.A.BestAcc},
		TestAccuracy:     m.Accuracy,
		TestMacroF1:      m.MacroF1,
	}
	if err := s.write(filepath.Join(t.cfg.OutDir, SummaryFile)); err != nil {
		return nil, err
	}
	return &Result{Metrics: m, Summary: s}, nil
}

func classNames() []string {
	names := make([]string, model.NumClasses)
	for i, c := range model.Classes {
		names[i] = c.String()
	}
	return names
}
