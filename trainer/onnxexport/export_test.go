package onnxexport

import (
	"errors"
	"fmt"
	"math"
	"math/rand"
	"testing"

	"github.com/hiwl/hiwl/model"
	"github.com/hiwl/hiwl/trainer/hiwlnet"
)

// perturb gives batch-norm statistics and biases non-trivial values so the
// comparison exercises every parameter, not just the initial identities.
func perturb(p hiwlnet.Params, seed int64) {
	rng := rand.New(rand.NewSource(seed))
	for name, t := range p {
		d := t.Float32s()
		for i := range d {
			switch {
			case hasSuffix(name, ".bn.var"):
				d[i] = 0.5 + rng.Float32()
			case hasSuffix(name, ".bn.mean"), hasSuffix(name, ".bn.bias"), hasSuffix(name, ".b"):
				d[i] = rng.Float32() - 0.5
			case hasSuffix(name, ".bn.scale"):
				d[i] = 0.5 + rng.Float32()
			case name == "head.w":
				d[i] = rng.Float32() - 0.5
			}
		}
	}
}

func hasSuffix(s, suf string) bool { return len(s) >= len(suf) && s[len(s)-len(suf):] == suf }

// The exported file, run by onnx-go through package model, must give the
// same probabilities and feature maps as gorgonia's evaluation graph.
func TestExportMatchesGorgonia(t *testing.T) {
	arch := hiwlnet.NewArch(16, 4, 8, 8)
	exportMatchesGorgonia(t, arch, arch)
}

// Network B with its own, narrower widths exports beside A and runs the
// same through package model, with fewer feature channels than A; its CAM
// comes from B's own head and map.
func TestExportNarrowerBMatchesGorgonia(t *testing.T) {
	exportMatchesGorgonia(t, hiwlnet.NewArch(16, 4, 8, 8), hiwlnet.NewArch(16, 2, 4, 4))
}

// An MBConv backbone (strided stem, depthwise 3x3 and 5x5 at strides 1
// and 2, squeeze-excitation, SiLU, top convolution) exports as ONNX Conv
// with group, GlobalAveragePool, Sigmoid and Mul, and runs the same.
func TestExportMBConvMatchesGorgonia(t *testing.T) {
	a, err := hiwlnet.ParseArch("16:s8k3/2,m8e1k3q2,m12e4k5/2q3,m12e2k3q3,t16")
	if err != nil {
		t.Fatal(err)
	}
	b, err := hiwlnet.ParseArch("16:s4k3/2,m8e2k3/2q2,t8")
	if err != nil {
		t.Fatal(err)
	}
	exportMatchesGorgonia(t, a, b)
}

// A ReLU6 backbone (MobileNetV2's blocks, which `trainer pretrained`
// starts) exports its activation as Clip(0, 6) and runs the same.
func TestExportReLU6MatchesGorgonia(t *testing.T) {
	a, err := hiwlnet.ParseArch("16:relu6:s8k3/2,m8e1k3,m12e6k3/2,m12e6k3,t16")
	if err != nil {
		t.Fatal(err)
	}
	b, err := hiwlnet.ParseArch("16:relu6:s8k3/2,m8e1k3,m12e6k3/2,t8")
	if err != nil {
		t.Fatal(err)
	}
	exportMatchesGorgonia(t, a, b)
}

func exportMatchesGorgonia(t *testing.T, archA, archB hiwlnet.Arch) {
	t.Helper()
	pa := hiwlnet.NewParams(archA, model.NumA, 1)
	pb := hiwlnet.NewParams(archB, model.NumB, 2)
	perturb(pa, 3)
	perturb(pb, 4)
	data, err := Marshal(archA, archB, pa, pb, Info{Version: "test", Metadata: map[string]string{"k": "v"}})
	if err != nil {
		t.Fatal(err)
	}
	clf, err := model.Load(data)
	if err != nil {
		t.Fatal(err)
	}
	if clf.InputSize() != 16 {
		t.Fatalf("input size %d", clf.InputSize())
	}
	netA, err := hiwlnet.Build(archA, model.NumA, 1, pa, false)
	if err != nil {
		t.Fatal(err)
	}
	netB, err := hiwlnet.Build(archB, model.NumB, 1, pb, false)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewSource(5))
	for trial := 0; trial < 3; trial++ {
		x := make([]float32, 3*16*16)
		for i := range x {
			x[i] = float32(rng.NormFloat64())
		}
		probA, featA, err := netA.Forward(x)
		if err != nil {
			t.Fatal(err)
		}
		probB, featB, err := netB.Forward(x)
		if err != nil {
			t.Fatal(err)
		}
		p, err := clf.ClassifyTensor(x)
		if err != nil {
			t.Fatal(err)
		}
		assertClose(t, "prob_a", p.A[:], probA)
		assertClose(t, "prob_b", p.B[:], probB)
		// CAM of a network-A class is the head column applied to feat_a.
		cam := p.CAM(model.Spiral)
		w := pa["head.w"].Float32s()
		cells := archA.FeatureSide() * archA.FeatureSide()
		want := make([]float32, cells)
		for k := 0; k < archA.Features(); k++ {
			for i := 0; i < cells; i++ {
				want[i] += w[k*model.NumA+model.ASpiral] * featA[k*cells+i]
			}
		}
		assertClose(t, "cam", cam.Values, want)
		cam = p.CAM(model.Cigar)
		w = pb["head.w"].Float32s()
		want = make([]float32, cells)
		for k := 0; k < archB.Features(); k++ {
			for i := 0; i < cells; i++ {
				want[i] += w[k*model.NumB+model.BCigar] * featB[k*cells+i]
			}
		}
		assertClose(t, "cam b", cam.Values, want)
	}
}

func assertClose(t *testing.T, what string, got, want []float32) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	for i := range got {
		if math.Abs(float64(got[i]-want[i])) > 1e-4 {
			t.Fatalf("%s[%d]: onnx-go %v, gorgonia %v", what, i, got[i], want[i])
		}
	}
}

func TestMarshalRejectsMissingParameter(t *testing.T) {
	arch := hiwlnet.NewArch(16, 4, 8, 8)
	pa := hiwlnet.NewParams(arch, model.NumA, 1)
	pb := hiwlnet.NewParams(arch, model.NumB, 2)
	delete(pb, "res2.c2.bn.var")
	if _, err := Marshal(arch, arch, pa, pb, Info{}); err == nil {
		t.Fatal("missing parameter accepted")
	}
	// B's parameters must be those of B's arch, not A's.
	pb = hiwlnet.NewParams(arch, model.NumB, 2)
	if _, err := Marshal(arch, hiwlnet.NewArch(16, 2, 4, 8), pa, pb, Info{}); err == nil {
		t.Fatal("network B's parameters accepted for another arch")
	}
	if _, err := Marshal(arch, hiwlnet.NewArch(24, 4, 8, 8), pa, pb, Info{}); err == nil {
		t.Fatal("networks with different input sides accepted")
	}
}

// Truncated and foreign files are refused with ErrBadModel, never a panic.
func TestCorruptModelsRefused(t *testing.T) {
	arch := hiwlnet.NewArch(16, 4, 8, 8)
	data, err := Marshal(arch, arch, hiwlnet.NewParams(arch, model.NumA, 1), hiwlnet.NewParams(arch, model.NumB, 2), Info{})
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string][]byte{
		"empty":     nil,
		"truncated": data[:len(data)/2],
		"garbage":   []byte("this is not an onnx file at all"),
		"flipped":   flip(data),
	}
	for name, b := range cases {
		if _, err := model.Load(b); !errors.Is(err, model.ErrBadModel) {
			t.Errorf("%s: got %v, want ErrBadModel", name, err)
		}
	}
}

func flip(b []byte) []byte {
	c := append([]byte(nil), b...)
	for i := 0; i < len(c); i += 97 {
		c[i] ^= 0xA5
	}
	return c
}

// What the exporter says about the model comes back through ONNX's own
// fields, as Netron or any runtime reads them.
func TestMarshalMetadataRoundTrip(t *testing.T) {
	arch := hiwlnet.NewArch(16, 4, 4, 4)
	info := Info{Version: "v1.2", ModelVersion: 7, Doc: "trained on real galaxies",
		Metadata: map[string]string{"hiwl.input_size": "16", "hiwl.classes": "round,in-between,cigar,edge-on,spiral"}}
	data, err := Marshal(arch, arch, hiwlnet.NewParams(arch, model.NumA, 1), hiwlnet.NewParams(arch, model.NumB, 2), info)
	if err != nil {
		t.Fatal(err)
	}
	md, err := model.ReadMetadata(data)
	if err != nil {
		t.Fatal(err)
	}
	if md.ProducerName != "hiwl trainer" || md.ProducerVersion != "v1.2" || md.ModelVersion != 7 ||
		md.Doc != info.Doc || len(md.Props) != 7 || md.Props["hiwl.input_size"] != "16" {
		t.Fatalf("metadata %+v", md)
	}
	// Marshal adds what the networks are and cost.
	flops := float64(arch.FLOPs(model.NumA)+arch.FLOPs(model.NumB)) / 1e6
	for k, want := range map[string]string{PropArchA: "16:c4,p,c4,p,r4,c4,p,r4", PropArchB: "16:c4,p,c4,p,r4,c4,p,r4",
		"hiwl.params.a": "1104", "hiwl.params.b": "1094", "hiwl.mflops": fmt.Sprintf("%.2f", flops)} {
		if md.Props[k] != want {
			t.Errorf("%s = %q, want %q", k, md.Props[k], want)
		}
	}
}
