package training

import (
	"math"
	"math/rand"
	"strings"
	"testing"

	"github.com/hiwl/hiwl/model"
	"github.com/hiwl/hiwl/trainer/hiwlnet"
	"github.com/hiwl/hiwl/trainer/onnxexport"
)

// Labels drawn from softmax(z) and a model that says softmax(2z): the
// fitted temperature is about 2, and it lowers the NLL.
func TestFitTemperatureFindsOverconfidence(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	var probs [][]float64
	var target []int
	for i := 0; i < 4000; i++ {
		z := []float64{rng.NormFloat64(), rng.NormFloat64(), rng.NormFloat64()}
		truth := tempered([]float64{math.Exp(z[0]), math.Exp(z[1]), math.Exp(z[2])}, 1)
		u, c := rng.Float64(), 0
		for c < 2 && u > truth[c] {
			u -= truth[c]
			c++
		}
		probs = append(probs, tempered(truth, 0.5)) // overconfident: logits doubled
		target = append(target, c)
	}
	temp, before, after := fitTemperature(probs, target)
	if math.Abs(temp-2) > 0.15 || !(after < before) {
		t.Fatalf("T = %v (want about 2), NLL %v -> %v", temp, before, after)
	}
}

// The rewritten file gives each network's probabilities tempered, the
// same labels, and says what it carries; a second calibration is refused.
func TestApplyTemperatures(t *testing.T) {
	arch := hiwlnet.NewArch(16, 4, 8, 8)
	pa, pb := hiwlnet.NewParams(arch, model.NumA, 1), hiwlnet.NewParams(arch, model.NumB, 2)
	for _, p := range []hiwlnet.Params{pa, pb} {
		for i, v := range p["head.w"].Float32s() {
			p["head.w"].Float32s()[i] = v * 200 // a head that says something
		}
	}
	data, err := onnxexport.Marshal(arch, arch, pa, pb, onnxexport.Info{Version: "t", Doc: "a model.", Metadata: map[string]string{"hiwl.input_size": "16"}})
	if err != nil {
		t.Fatal(err)
	}
	temps := Temperatures{A: 0.5, B: 2}
	cal, err := ApplyTemperatures(data, temps)
	if err != nil {
		t.Fatal(err)
	}
	before, err := model.Load(data)
	if err != nil {
		t.Fatal(err)
	}
	after, err := model.Load(cal)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewSource(3))
	for trial := 0; trial < 5; trial++ {
		x := make([]float32, 3*16*16)
		for i := range x {
			x[i] = float32(rng.NormFloat64())
		}
		p0, err := before.ClassifyTensor(x)
		if err != nil {
			t.Fatal(err)
		}
		p1, err := after.ClassifyTensor(x)
		if err != nil {
			t.Fatal(err)
		}
		for i, want := range tempered(f64(p0.A[:]), temps.A) {
			if math.Abs(float64(p1.A[i])-want) > 1e-4 {
				t.Fatalf("A[%d] = %v, want %v", i, p1.A[i], want)
			}
		}
		for i, want := range tempered(f64(p0.B[:]), temps.B) {
			if math.Abs(float64(p1.B[i])-want) > 1e-4 {
				t.Fatalf("B[%d] = %v, want %v", i, p1.B[i], want)
			}
		}
		if p0.Label != p1.Label {
			t.Fatalf("label %v became %v", p0.Label, p1.Label)
		}
	}
	md := after.Metadata()
	if md.Props[PropTemperatureA] != "0.5000" || md.Props[PropTemperatureB] != "2.0000" || md.Props["hiwl.input_size"] != "16" ||
		!strings.HasPrefix(md.Doc, "a model. Calibrated") {
		t.Fatalf("metadata %+v", md)
	}
	if _, err := ApplyTemperatures(cal, temps); err == nil || !strings.Contains(err.Error(), "calibrated already") {
		t.Fatalf("second calibration: %v", err)
	}
}
