package training

import (
	"fmt"
	"strings"
)

// settings lists each Config field with the trainer flag that sets it, so
// that a resume with other settings can say which flag differs.
var settings = []struct {
	flag string
	get  func(Config) any
}{
	{"-data", func(c Config) any { return c.DataDir }},
	{"-extra-data", func(c Config) any { return c.ExtraData }},
	{"-input", func(c Config) any { return c.Input }},
	{"-widths", func(c Config) any { return c.Widths }},
	{"-widths-b", func(c Config) any { return c.widthsB() }},
	{"-arch", func(c Config) any { return c.Backbone }},
	{"-arch-b", func(c Config) any { return c.backboneB() }},
	{"-epochs", func(c Config) any { return c.Epochs }},
	{"-patience", func(c Config) any { return c.Patience }},
	{"-batch", func(c Config) any { return c.Batch }},
	{"-lr", func(c Config) any { return c.LR }},
	{"-momentum", func(c Config) any { return c.Momentum }},
	{"-weight-decay", func(c Config) any { return c.WeightDecay }},
	{"-smoothing", func(c Config) any { return c.Smoothing }},
	{"-seed", func(c Config) any { return c.Seed }},
	{"-init-seed", func(c Config) any { return c.initSeed() }},
	{"-rotation", func(c Config) any { return c.Augment.Rotation }},
	{"-zoom-out", func(c Config) any { return c.Augment.ZoomOut }},
	{"-zoom-out-prob", func(c Config) any { return c.Augment.ZoomOutProb }},
	{"-brightness", func(c Config) any { return c.Augment.Brightness }},
	{"-squeeze", func(c Config) any { return c.Augment.Squeeze }},
	{"-squeeze-b", func(c Config) any { return c.Augment.SqueezeB }},
	{"-flat", func(c Config) any { return c.Flat }},
	{"-no-weighted", func(c Config) any { return !c.Weighted }},
	{"-blas", func(c Config) any { return c.BLAS }},
	{"-select-b", func(c Config) any { return c.SelectB }},
	{"-init-b-from-a", func(c Config) any { return c.InitBFromA }},
	{"-init-from", func(c Config) any { return c.InitFrom }},
	{"-fit-validation", func(c Config) any { return c.FitValidation }},
	{"-train-fraction", func(c Config) any { return c.trainFraction() }},
	{"-attention", func(c Config) any { return c.Attention }},
	{"-unlabelled", func(c Config) any { return c.Unlabelled }},
	{"-teacher", func(c Config) any { return c.Teachers }},
	// Only with -unlabelled, where it has a default; runs without it
	// (and old checkpoints) compare equal whatever the flag says.
	{"-pseudo-confidence", func(c Config) any {
		if c.Unlabelled == "" {
			return ""
		}
		return c.PseudoConfidence
	}},
	{"-consistency", func(c Config) any { return c.Consistency }},
	{"-swa", func(c Config) any { return c.SWA }},
	// Only with -consistency, as -pseudo-confidence.
	{"-consistency-confidence", func(c Config) any {
		if c.Consistency == 0 {
			return ""
		}
		return c.ConsistencyConfidence
	}},
}

// resumeConfig checks the settings of a resumed run against its
// checkpoint's. They must be equal, except that -epochs may grow: that
// extends a finished or early-stopped run, whose networks then train on
// with the longer schedule. The output directory may have moved.
func resumeConfig(st *state, cfg Config) error {
	var diff []string
	for _, s := range settings {
		was, now := s.get(st.Config), s.get(cfg)
		if fmt.Sprint(was) == fmt.Sprint(now) || (s.flag == "-epochs" && cfg.Epochs > st.Config.Epochs) {
			continue
		}
		diff = append(diff, fmt.Sprintf("%s %v (the checkpoint has %v)", s.flag, now, was))
	}
	if len(diff) > 0 {
		return fmt.Errorf("training: cannot resume with other settings: %s; resume with the checkpoint's, or start a new -out", strings.Join(diff, ", "))
	}
	if cfg.Epochs > st.Config.Epochs {
		for _, n := range []*netState{&st.A, &st.B} {
			n.Stopped, n.SinceBest = false, 0
		}
		st.B.Stopped = cfg.Flat
	}
	st.Config = cfg
	return nil
}
