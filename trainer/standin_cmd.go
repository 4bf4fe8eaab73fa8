package main

import (
	"flag"
	"fmt"
	"maps"
	"math/rand"
	"slices"
	"strings"

	"github.com/hiwl/hiwl/model"
	"github.com/hiwl/hiwl/trainer/atomicfile"
	"github.com/hiwl/hiwl/trainer/hiwlnet"
	"github.com/hiwl/hiwl/trainer/onnxexport"
	"github.com/hiwl/hiwl/trainer/training"
)

// runStandIn writes a model of the given backbones with random weights:
// the shape and cost of a model not trained yet, for the engine's kernels
// and benchmarks. Batch-norm statistics and biases are drawn too, so that
// no layer is an identity the engine could fold away and every output
// depends on the input.
func runStandIn(args []string) error {
	fs := flag.NewFlagSet("standin", flag.ContinueOnError)
	fs.Usage = usageFor(fs, "standin", "write an untrained stand-in model (random weights) of the given backbones, for engine work and benchmarks",
		"trainer standin -out /tmp/mbconv.onnx   (the MBConv default backbones)")
	archA := fs.String("arch", training.MBConvArchA, "network A's backbone spec")
	archB := fs.String("arch-b", training.MBConvArchB, "network B's backbone spec")
	seed := fs.Int64("seed", 1, "random seed")
	out := fs.String("out", "", "ONNX file to write (required)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" {
		fs.Usage()
		return fmt.Errorf("standin: -out is required")
	}
	a, b, err := parseArchs("standin", *archA, *archB)
	if err != nil {
		return err
	}
	rng := rand.New(rand.NewSource(*seed))
	pa, pb := hiwlnet.NewParams(a, model.NumA, *seed), hiwlnet.NewParams(b, model.NumB, *seed+1)
	for _, p := range []hiwlnet.Params{pa, pb} {
		// In name order: one generator serves every parameter, and a map's
		// order changes from run to run, so -seed gave a different file
		// each time.
		for _, name := range slices.Sorted(maps.Keys(p)) {
			d := p[name].Float32s()
			for i := range d {
				switch {
				case strings.HasSuffix(name, ".bn.var"), strings.HasSuffix(name, ".bn.scale"):
					d[i] = 0.5 + rng.Float32()
				case strings.HasSuffix(name, ".bn.mean"), strings.HasSuffix(name, ".bn.bias"), strings.HasSuffix(name, ".b"):
					d[i] = rng.Float32() - 0.5
				case name == "head.w":
					d[i] = 0.1 * (rng.Float32() - 0.5)
				}
			}
		}
	}
	data, err := onnxexport.Marshal(a, b, pa, pb, onnxexport.Info{Version: training.ProducerVersion,
		Doc:      fmt.Sprintf("untrained stand-in (random weights, seed %d): not a classifier", *seed),
		Metadata: map[string]string{"hiwl.input_size": fmt.Sprint(a.Input), "hiwl.standin": "true"}})
	if err != nil {
		return err
	}
	if err := atomicfile.WriteBytes(*out, data); err != nil {
		return err
	}
	fmt.Printf("wrote %s: A %s (%d params), B %s (%d params), %.1f MFLOP per image\n", *out, a, pa.Count(), b, pb.Count(),
		float64(a.FLOPs(model.NumA)+b.FLOPs(model.NumB))/1e6)
	return nil
}

// parseArchs reads a command's -arch and -arch-b specs, naming the flag
// that is wrong.
func parseArchs(cmd, specA, specB string) (a, b hiwlnet.Arch, err error) {
	if a, err = hiwlnet.ParseArch(specA); err != nil {
		return a, b, fmt.Errorf("%s: -arch: %w", cmd, err)
	}
	if b, err = hiwlnet.ParseArch(specB); err != nil {
		return a, b, fmt.Errorf("%s: -arch-b: %w", cmd, err)
	}
	return a, b, nil
}
