package main

import (
	"flag"
	"fmt"

	"github.com/hiwl/hiwl/model"
	"github.com/hiwl/hiwl/trainer/atomicfile"
	"github.com/hiwl/hiwl/trainer/hiwlnet"
	"github.com/hiwl/hiwl/trainer/onnxexport"
	"github.com/hiwl/hiwl/trainer/pretrained"
	"github.com/hiwl/hiwl/trainer/training"
)

// Backbones that follow MobileNetV2 to its block_5 (32 channels at an
// eighth of the input side) and add their own top: at 64 px, A and B
// together cost 37.9 MFLOP, within issue 28's budget of 45.
const (
	mobileNetArchA = "64:relu6:s32k3/2,m16e1k3,m24e6k3/2,m24e6k3,m32e6k3/2,m32e6k3,m32e6k3,t128"
	mobileNetArchB = "64:relu6:s32k3/2,m16e1k3,m24e6k3/2,m24e6k3,m32e6k3/2,m32e6k3,m32e6k3,t96"
)

// runPretrained writes a model whose networks A and B start from
// MobileNetV2's pretrained weights, for `trainer train -init-from`: not a
// classifier until trained, since the tops and heads are random.
func runPretrained(args []string) error {
	fs := flag.NewFlagSet("pretrained", flag.ContinueOnError)
	fs.Usage = usageFor(fs, "pretrained", "write a starting model whose backbones hold MobileNetV2's ImageNet weights, for train -init-from",
		"node scripts/mobilenet-v2-weights.mjs node_modules/nsfwjs build/mobilenet_v2\n"+
			"  trainer pretrained -weights build/mobilenet_v2 -out build/mobilenet-init.onnx\n"+
			"  trainer train -arch <the same -arch> -arch-b <the same -arch-b> -init-from build/mobilenet-init.onnx ...")
	weights := fs.String("weights", "", "directory of a TF.js layers MobileNetV2 (model.json and shards; required)")
	archA := fs.String("arch", mobileNetArchA, "network A's backbone spec (ReLU6, MobileNetV2's blocks from the first)")
	archB := fs.String("arch-b", mobileNetArchB, "network B's backbone spec (likewise)")
	seed := fs.Int64("seed", 1, "random seed of the tops and heads")
	out := fs.String("out", "", "ONNX file to write (required)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *weights == "" || *out == "" {
		fs.Usage()
		return fmt.Errorf("pretrained: -weights and -out are required")
	}
	w, err := pretrained.ReadTFJS(*weights)
	if err != nil {
		return err
	}
	a, b, err := parseArchs("pretrained", *archA, *archB)
	if err != nil {
		return err
	}
	pa, pb := hiwlnet.NewParams(a, model.NumA, *seed), hiwlnet.NewParams(b, model.NumB, *seed+1)
	na, err := pretrained.MobileNetV2(w, a, pa)
	if err != nil {
		return fmt.Errorf("pretrained: network A: %w", err)
	}
	nb, err := pretrained.MobileNetV2(w, b, pb)
	if err != nil {
		return fmt.Errorf("pretrained: network B: %w", err)
	}
	data, err := onnxexport.Marshal(a, b, pa, pb, onnxexport.Info{Version: training.ProducerVersion,
		Doc:      "MobileNetV2's ImageNet weights in the backbones, random tops and heads: a starting point for training, not a classifier",
		Metadata: map[string]string{"hiwl.input_size": fmt.Sprint(a.Input), "hiwl.pretrained": "MobileNetV2 (Keras ImageNet weights, as npm nsfwjs 4.4.0 ships them)"}})
	if err != nil {
		return err
	}
	if err := atomicfile.WriteBytes(*out, data); err != nil {
		return err
	}
	fmt.Printf("wrote %s: A %s (%d of %d numbers pretrained), B %s (%d of %d), %.1f MFLOP per image\n", *out,
		a, na, pa.Count(), b, nb, pb.Count(), float64(a.FLOPs(model.NumA)+b.FLOPs(model.NumB))/1e6)
	return nil
}
