package crossruntime

import (
	"fmt"

	"github.com/hiwl/hiwl/model"
	"github.com/hiwl/hiwl/trainer/hiwlnet"
	"github.com/hiwl/hiwl/trainer/onnxexport"
)

// Gorgonia runs networks A and B of an exported model through the
// trainer's own evaluation graph (hiwlnet, eval mode: running batch-norm
// statistics), which is the graph the weights were trained in. It is not
// safe for concurrent use.
type Gorgonia struct {
	ArchA, ArchB hiwlnet.Arch
	a, b         *hiwlnet.Net
}

// NewGorgonia reads the weights of an ONNX file and builds both networks
// for batch 1.
func NewGorgonia(onnx []byte) (*Gorgonia, error) {
	g, err := onnxexport.Read(onnx)
	if err != nil {
		return nil, err
	}
	archA, archB, pa, pb, err := g.Networks()
	if err != nil {
		return nil, err
	}
	na, err := hiwlnet.Build(archA, model.NumA, 1, pa, false)
	if err != nil {
		return nil, fmt.Errorf("crossruntime: network A: %w", err)
	}
	nb, err := hiwlnet.Build(archB, model.NumB, 1, pb, false)
	if err != nil {
		return nil, fmt.Errorf("crossruntime: network B: %w", err)
	}
	return &Gorgonia{ArchA: archA, ArchB: archB, a: na, b: nb}, nil
}

// Run classifies one preprocessed CHW tensor (model.Preprocess).
func (g *Gorgonia) Run(x []float32) (Output, error) {
	var out Output
	// Forward lets the graph hold the slice; each network gets its own copy.
	pa, _, err := g.a.Forward(append([]float32(nil), x...))
	if err != nil {
		return out, err
	}
	pb, _, err := g.b.Forward(append([]float32(nil), x...))
	if err != nil {
		return out, err
	}
	if len(pa) != model.NumA || len(pb) != model.NumB {
		return out, fmt.Errorf("crossruntime: gorgonia gave %d and %d probabilities", len(pa), len(pb))
	}
	copy(out.A[:], pa)
	copy(out.B[:], pb)
	out.P = model.Combine(out.A, out.B)
	return out, nil
}

// FLOPs is the multiply-adds x2 of one image through both networks.
func (g *Gorgonia) FLOPs() int64 {
	return g.ArchA.FLOPs(model.NumA) + g.ArchB.FLOPs(model.NumB)
}
