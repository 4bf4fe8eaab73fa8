package crossruntime

import (
	"fmt"
	"os"
	"syscall"
	"time"

	"github.com/hiwl/hiwl/bench/harness"
	"github.com/hiwl/hiwl/model"
)

// Native runtimes measured in this process by MeasureNative.
const (
	NativeONNXGo   = "engine"   // model.Load + Classify(image bytes) on hiwl's engine: what the Go CLI and viewer run
	NativeGorgonia = "gorgonia" // hiwlnet evaluation graph on the preprocessed tensors
)

// MeasureNative measures a native Go runtime on the manifest's inputs in
// the calling process; run it in a process of its own (cmd/crossbench
// does) so that the peak memory is the runtime's alone. For the engine the
// extra series "inference_ms" (ClassifyTensor on the preprocessed tensors,
// back to back after the main series, as the reference runs) and
// "preprocess_ms" (decode, crop, resize, normalise, timed right after each
// run of the main series) split its latency.
func MeasureNative(m Manifest, onnx []byte, which string) (*Measurement, error) {
	inputs := make([][]byte, len(m.Images))
	tensors := make([][]float32, len(m.Images))
	for i, f := range m.Images {
		var err error
		if inputs[i], err = os.ReadFile(f); err != nil {
			return nil, err
		}
		if tensors[i], _, err = model.PreprocessBytes(inputs[i], m.InputSize); err != nil {
			return nil, fmt.Errorf("crossruntime: %s: %w", f, err)
		}
	}
	r := &Measurement{Raw: make([]*RawOutput, len(inputs)), Info: map[string]any{}}
	var infer func(i int) (Output, error)
	after := func(k int) error { return nil } // untimed work after each timed inference
	series := func() error { return nil }     // another series after the main one
	t0 := time.Now()
	switch which {
	case NativeONNXGo:
		c, err := model.Load(onnx)
		if err != nil {
			return nil, err
		}
		infer = func(i int) (Output, error) {
			p, err := c.Classify(inputs[i])
			if err != nil {
				return Output{}, err
			}
			return FromPrediction(p), nil
		}
		// Preprocessing is timed right after each whole run, so both see
		// the same machine load.
		var pre []float64
		after = func(k int) error {
			t := time.Now()
			if _, _, err := model.PreprocessBytes(inputs[k], m.InputSize); err != nil {
				return err
			}
			pre = append(pre, harness.MS(time.Since(t)))
			r.Info["preprocess_ms"] = pre
			return nil
		}
		// Inference alone runs back to back, as onnxruntime does on the
		// same tensors. Timed after a decode instead, it starts with the
		// weights pushed out of the cache by the JPEG and resize work,
		// which measured 5.3 ms against 4.0 back to back in one run: a fair end-to-end
		// part, but not the engines' like-for-like figure.
		series = func() error {
			var inf, infCPU []float64
			for i := 0; i < m.Warmup; i++ {
				if _, err := c.ClassifyTensor(tensors[i%len(tensors)]); err != nil {
					return err
				}
			}
			for i := 0; i < m.Runs; i++ {
				t, u := time.Now(), cpuMS()
				if _, err := c.ClassifyTensor(tensors[i%len(tensors)]); err != nil {
					return err
				}
				inf = append(inf, harness.MS(time.Since(t)))
				infCPU = append(infCPU, cpuMS()-u)
			}
			r.Info["inference_ms"], r.Info["inference_cpu_ms"] = inf, infCPU
			return nil
		}
	case NativeGorgonia:
		g, err := NewGorgonia(onnx)
		if err != nil {
			return nil, err
		}
		infer = func(i int) (Output, error) { return g.Run(tensors[i]) }
	default:
		return nil, fmt.Errorf("crossruntime: unknown native runtime %q", which)
	}
	r.LoadMS = harness.MS(time.Since(t0))
	first, err := infer(0)
	if err != nil {
		return nil, err
	}
	r.ColdMS = []float64{harness.MS(time.Since(t0))}
	r.Raw[0] = raw(first)
	if r.WarmupRuns, err = warmUp(m, func(i int) error {
		_, err := infer(i % len(inputs))
		return err
	}); err != nil {
		return nil, err
	}
	for i := 0; i < m.Runs; i++ {
		k := i % len(inputs)
		t, u := time.Now(), cpuMS()
		out, err := infer(k)
		if err != nil {
			return nil, err
		}
		r.LatencyMS = append(r.LatencyMS, harness.MS(time.Since(t)))
		r.CPUMS = append(r.CPUMS, cpuMS()-u)
		if i < len(inputs) {
			r.Raw[k] = raw(out)
		}
		if err := after(k); err != nil {
			return nil, err
		}
	}
	if err := series(); err != nil {
		return nil, err
	}
	r.PeakRSSKB, err = harness.PeakRSSKB(os.Getpid())
	return r, err
}

func raw(o Output) *RawOutput {
	return &RawOutput{Result: &model.Result{
		Probabilities: probMap(o.P),
		Hierarchy:     model.Hierarchy{A: nameMap(model.ANames[:], o.A[:]), B: nameMap(model.BNames[:], o.B[:])},
	}}
}

func probMap(p [model.NumClasses]float32) map[string]float32 {
	m := make(map[string]float32, len(p))
	for i, c := range model.Classes {
		m[c.Slug()] = p[i]
	}
	return m
}

func nameMap(names []string, v []float32) map[string]float32 {
	m := make(map[string]float32, len(v))
	for i, n := range names {
		m[n] = v[i]
	}
	return m
}

// cpuMS is the CPU time (user+system) this process has used, in ms.
func cpuMS() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e6
}
