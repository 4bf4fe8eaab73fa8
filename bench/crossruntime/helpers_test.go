package crossruntime

import (
	"math/rand"
	"strings"
	"testing"

	"github.com/hiwl/hiwl/model"
	"github.com/hiwl/hiwl/trainer/hiwlnet"
	"github.com/hiwl/hiwl/trainer/onnxexport"
)

func repoRoot(t testing.TB) string {
	t.Helper()
	root, err := RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// randomModel exports a HIWL model at the default architecture with
// random weights, batch-norm statistics and heads far from uniform, so
// that a comparison exercises every parameter whatever the shipped model
// is (an untrained default model answers the same for every image).
func randomModel(t testing.TB, seed int64) ([]byte, hiwlnet.Arch, hiwlnet.Params, hiwlnet.Params) {
	t.Helper()
	arch := hiwlnet.DefaultArch()
	pa := hiwlnet.NewParams(arch, model.NumA, seed)
	pb := hiwlnet.NewParams(arch, model.NumB, seed+1)
	rng := rand.New(rand.NewSource(seed))
	for _, p := range []hiwlnet.Params{pa, pb} {
		for name, tt := range p {
			d := tt.Float32s()
			for i := range d {
				switch {
				case strings.HasSuffix(name, ".bn.var"):
					d[i] = 0.5 + rng.Float32()
				case strings.HasSuffix(name, ".bn.scale"):
					d[i] = 0.5 + rng.Float32()
				case strings.HasSuffix(name, ".bn.mean"), strings.HasSuffix(name, ".bn.bias"), name == "head.b":
					d[i] = rng.Float32() - 0.5
				case name == "head.w":
					d[i] = 0.1 * (rng.Float32() - 0.5)
				}
			}
		}
	}
	data, err := onnxexport.Marshal(arch, arch, pa, pb, onnxexport.Info{Version: "crossruntime test"})
	if err != nil {
		t.Fatal(err)
	}
	return data, arch, pa, pb
}
