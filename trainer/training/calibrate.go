package training

import (
	"errors"
	"fmt"
	"io"
	"math"

	"github.com/hiwl/hiwl/model"
	"github.com/hiwl/hiwl/trainer/gzdata"
	"github.com/hiwl/hiwl/trainer/onnxexport"
)

// Metadata keys of the temperatures a calibrated file carries.
const (
	PropTemperatureA = "hiwl.temperature.a"
	PropTemperatureB = "hiwl.temperature.b"
)

// Temperatures are network A's and B's, each fitted on the validation
// split by the negative log-likelihood of its own targets (Guo et al.
// 2017): p_T ∝ exp(logit/T). Label smoothing trains networks to stop short
// of certainty, so they come out below 1 (sharpening).
type Temperatures struct {
	A, B float64
	// NLL before and after, per network, on the validation images.
	NLLBefore, NLLAfter [2]float64
	N                   [2]int // validation images each network was fitted on
}

// FitTemperatures classifies the samples (the validation split) with clf
// and fits each network's temperature.
func FitTemperatures(clf *model.Classifier, samples []gzdata.Sample, log io.Writer) (Temperatures, error) {
	if log == nil {
		log = io.Discard
	}
	var probsA, probsB [][]float64
	var targetA, targetB []int
	for i, s := range samples {
		p, err := clf.ClassifyFile(s.Path)
		if err != nil {
			fmt.Fprintf(log, "skipped unreadable image: %s: %v\n", s.Path, err)
			continue
		}
		probsA = append(probsA, f64(p.A[:]))
		targetA = append(targetA, model.AIndex(s.Class))
		if b, ok := model.BIndex(s.Class); ok {
			probsB = append(probsB, f64(p.B[:]))
			targetB = append(targetB, b)
		}
		if i%50 == 49 || i == len(samples)-1 {
			fmt.Fprintf(log, "\rcalibrating on %d/%d validation images", i+1, len(samples))
		}
	}
	fmt.Fprintln(log)
	if len(probsA) == 0 || len(probsB) == 0 {
		return Temperatures{}, errors.New("training: calibration needs validation images of network A's and B's classes")
	}
	var t Temperatures
	t.A, t.NLLBefore[0], t.NLLAfter[0] = fitTemperature(probsA, targetA)
	t.B, t.NLLBefore[1], t.NLLAfter[1] = fitTemperature(probsB, targetB)
	t.N = [2]int{len(probsA), len(probsB)}
	return t, nil
}

func f64(p []float32) []float64 {
	out := make([]float64, len(p))
	for i, v := range p {
		out[i] = float64(v)
	}
	return out
}

// tempered is softmax(log p / T): the probabilities a network whose logits
// are divided by T gives, computed from its probabilities (log p is the
// logits up to a constant, which softmax ignores).
func tempered(p []float64, t float64) []float64 {
	out := make([]float64, len(p))
	hi := math.Inf(-1)
	for i, v := range p {
		out[i] = math.Log(max(v, 1e-30)) / t
		hi = max(hi, out[i])
	}
	var sum float64
	for i := range out {
		out[i] = math.Exp(out[i] - hi)
		sum += out[i]
	}
	for i := range out {
		out[i] /= sum
	}
	return out
}

// nll is the mean negative log-likelihood of the targets at temperature t.
func nll(probs [][]float64, target []int, t float64) float64 {
	var s float64
	for i, p := range probs {
		s -= math.Log(max(tempered(p, t)[target[i]], 1e-30))
	}
	return s / float64(len(probs))
}

// fitTemperature minimises the NLL over log T in [log 0.05, log 20] by
// golden-section search (the NLL is unimodal in T for a fixed set).
func fitTemperature(probs [][]float64, target []int) (t, before, after float64) {
	lo, hi := math.Log(0.05), math.Log(20)
	g := (math.Sqrt(5) - 1) / 2
	f := func(x float64) float64 { return nll(probs, target, math.Exp(x)) }
	a, b := hi-g*(hi-lo), lo+g*(hi-lo)
	fa, fb := f(a), f(b)
	for i := 0; i < 60; i++ {
		if fa < fb {
			hi, b, fb = b, a, fa
			a = hi - g*(hi-lo)
			fa = f(a)
		} else {
			lo, a, fa = a, b, fb
			b = lo + g*(hi-lo)
			fb = f(b)
		}
	}
	t = math.Exp((lo + hi) / 2)
	return t, nll(probs, target, 1), nll(probs, target, t)
}

// ApplyTemperatures rewrites an exported model so that each network's
// logits are divided by its temperature: the head's weights and bias are
// scaled by 1/T, which changes no runtime, keeps every label (argmax is
// unchanged) and scales the attention maps by 1/T (they are shown
// normalised). The file keeps its description and metadata, and records
// the temperatures. A file already calibrated is refused.
func ApplyTemperatures(data []byte, t Temperatures) ([]byte, error) {
	md, err := model.ReadMetadata(data)
	if err != nil {
		return nil, err
	}
	if _, ok := md.Props[PropTemperatureA]; ok {
		return nil, fmt.Errorf("training: the model is calibrated already (%s = %s)", PropTemperatureA, md.Props[PropTemperatureA])
	}
	if !(t.A > 0 && t.B > 0) {
		return nil, fmt.Errorf("training: temperatures %v and %v", t.A, t.B)
	}
	f, err := onnxexport.Read(data)
	if err != nil {
		return nil, err
	}
	archA, archB, a, b, err := f.Networks()
	if err != nil {
		return nil, err
	}
	for _, n := range []struct {
		p  map[string][]float32
		tt float64
	}{{map[string][]float32{"w": a["head.w"].Float32s(), "b": a["head.b"].Float32s()}, t.A},
		{map[string][]float32{"w": b["head.w"].Float32s(), "b": b["head.b"].Float32s()}, t.B}} {
		for _, v := range n.p {
			for i := range v {
				v[i] = float32(float64(v[i]) / n.tt)
			}
		}
	}
	props := md.Props
	props[PropTemperatureA] = fmt.Sprintf("%.4f", t.A)
	props[PropTemperatureB] = fmt.Sprintf("%.4f", t.B)
	doc := md.Doc + fmt.Sprintf(" Calibrated on the validation split: temperatures A %.3f, B %.3f (baked into the heads).", t.A, t.B)
	return onnxexport.Marshal(archA, archB, a, b, onnxexport.Info{
		Version: md.ProducerVersion, ModelVersion: md.ModelVersion, Doc: doc, Metadata: props})
}
