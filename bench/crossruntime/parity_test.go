package crossruntime

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hiwl/hiwl/model"
)

// parityRuntime is one runtime's answers on the parity images.
type parityRuntime struct {
	name    string
	outputs []Output
}

// TestParity runs the parity images through every runtime and asserts
// that, for the shipped model, gorgonia (eval mode), native hiwl engine (onnx-go decoding), the
// wasm module (in Node), the edge worker (in workerd), onnxruntime-node
// and onnxruntime-web agree within Tolerance on both networks'
// probabilities and the five final ones; and, for a model with random
// weights that only the file-loading runtimes can take, that gorgonia,
// the engine and both onnxruntimes agree too.
//
// It needs Node with the root node_modules, and wasm/static and edge/build
// built from the current model: `make test-parity` builds them and sets
// HIWL_PARITY=1. Without HIWL_PARITY the test is skipped, so that a plain
// `go test ./...` does not depend on those builds.
func TestParity(t *testing.T) {
	if os.Getenv("HIWL_PARITY") == "" {
		t.Skip("cross-runtime parity needs built artifacts; run `make test-parity` (sets HIWL_PARITY=1)")
	}
	root := repoRoot(t)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Second)
	defer cancel()

	// onnxruntime-node keeps a telemetry device id and event cache under
	// $XDG_CACHE_HOME/Microsoft/DeveloperTools unless ort_node.mjs turns it
	// off: with the cache in a folder of its own, nothing may appear there.
	// (GOCACHE is pinned first: it too would follow XDG_CACHE_HOME.)
	gocache, err := exec.Command("go", "env", "GOCACHE").Output()
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("GOCACHE", strings.TrimSpace(string(gocache)))
	cacheHome := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", cacheHome)
	defer func() {
		filepath.WalkDir(cacheHome, func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && strings.Contains(p, "onnxruntime") {
				t.Errorf("onnxruntime-node left a telemetry file: %s", p)
			}
			return nil
		})
	}()

	synth, err := Synthetic(t.TempDir(), 4, 20251125)
	if err != nil {
		t.Fatal(err)
	}
	real, err := RealImages(root, 2)
	if err != nil {
		t.Fatal(err)
	}
	images := append(synth, real...)
	native, err := model.Default()
	if err != nil {
		t.Fatal(err)
	}

	t.Run("default model", func(t *testing.T) {
		w, err := Prepare(t.TempDir(), root, model.DefaultONNX(), images)
		if err != nil {
			t.Fatal(err)
		}
		m := parityManifest(w)
		var rts []parityRuntime
		var outs []Output
		for _, f := range images {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			p, err := native.Classify(data)
			if err != nil {
				t.Fatal(err)
			}
			outs = append(outs, FromPrediction(p))
		}
		rts = append(rts, parityRuntime{"engine (native)", outs})
		rts = append(rts, gorgoniaOutputs(t, w))
		rts = append(rts, scriptOutputs(t, ctx, w, m, "onnxruntime-node", "ort_node.mjs", "--backend", "node").parityRuntime)
		rts = append(rts, scriptOutputs(t, ctx, w, m, "onnxruntime-web (node)", "ort_node.mjs", "--backend", "web").parityRuntime)
		wasm := scriptOutputs(t, ctx, w, m, "hiwl.wasm (node)", "hiwl_node.mjs")
		rts = append(rts, wasm.parityRuntime)
		edge, err := RunEdge(ctx, m)
		if err != nil {
			t.Fatal(err)
		}
		for name, mm := range map[string]*Measurement{"hiwl.wasm": wasm.m, "edge worker": edge} {
			if v := mm.ModelVersions(); len(v) != 1 || v[0] != native.Version() {
				t.Fatalf("%s answers with model %v, native has %s: rebuild it (make wasm-build edge-build)", name, v, native.Version())
			}
		}
		rts = append(rts, measured(t, "edge worker (workerd)", edge))
		compare(t, images, rts)
	})

	t.Run("random weights", func(t *testing.T) {
		onnx, _, _, _ := randomModel(t, 8)
		w, err := Prepare(t.TempDir(), root, onnx, images)
		if err != nil {
			t.Fatal(err)
		}
		m := parityManifest(w)
		c, err := model.Load(onnx)
		if err != nil {
			t.Fatal(err)
		}
		var outs []Output
		for _, x := range w.Tensors {
			p, err := c.ClassifyTensor(x)
			if err != nil {
				t.Fatal(err)
			}
			outs = append(outs, FromPrediction(p))
		}
		// Different images must get different answers, or agreement
		// would prove nothing.
		if MaxDiff(outs[0], outs[len(outs)-1]) < 1e-3 {
			t.Fatalf("the random model answers alike for different images: %+v", outs)
		}
		rts := []parityRuntime{
			{"engine (native)", outs},
			gorgoniaOutputs(t, w),
			scriptOutputs(t, ctx, w, m, "onnxruntime-node", "ort_node.mjs", "--backend", "node").parityRuntime,
			scriptOutputs(t, ctx, w, m, "onnxruntime-web (node)", "ort_node.mjs", "--backend", "web").parityRuntime,
		}
		compare(t, images, rts)
	})
}

func parityManifest(w *Work) Manifest {
	m := w.Manifest
	m.Runs, m.Warmup, m.ColdStarts = len(m.Images), 0, 1
	m.TimeoutMS = 60_000
	return m
}

func gorgoniaOutputs(t *testing.T, w *Work) parityRuntime {
	t.Helper()
	g, err := NewGorgonia(w.ONNX)
	if err != nil {
		t.Fatal(err)
	}
	var outs []Output
	for _, x := range w.Tensors {
		o, err := g.Run(x)
		if err != nil {
			t.Fatal(err)
		}
		outs = append(outs, o)
	}
	return parityRuntime{"gorgonia (trainer, eval)", outs}
}

type scriptRuntime struct {
	parityRuntime
	m *Measurement
}

func scriptOutputs(t *testing.T, ctx context.Context, w *Work, m Manifest, name, script string, args ...string) scriptRuntime {
	t.Helper()
	r, err := RunNodeRuntime(ctx, w, m, script, args...)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return scriptRuntime{measured(t, name, r), r}
}

func measured(t *testing.T, name string, r *Measurement) parityRuntime {
	t.Helper()
	outs, err := r.Outputs()
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return parityRuntime{name, outs}
}

// compare prints the largest difference of every runtime from the first
// (native engine) and from onnxruntime-node, and fails on any above
// Tolerance.
func compare(t *testing.T, images []string, rts []parityRuntime) {
	t.Helper()
	ref := map[string]parityRuntime{}
	for _, r := range rts {
		if r.name == "engine (native)" || r.name == "onnxruntime-node" {
			ref[r.name] = r
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "max |difference| over %d images (A, B and the five probabilities), tolerance %.0e:\n", len(images), Tolerance)
	fmt.Fprintf(&b, "  %-26s %12s %18s  %s\n", "runtime", "vs engine", "vs onnxruntime-node", "worst image")
	for _, r := range rts {
		if len(r.outputs) != len(images) {
			t.Fatalf("%s: %d answers for %d images", r.name, len(r.outputs), len(images))
		}
		line := fmt.Sprintf("  %-26s", r.name)
		worst, worstD := "", 0.0
		for _, refName := range []string{"engine (native)", "onnxruntime-node"} {
			d := 0.0
			for i := range images {
				di := MaxDiff(r.outputs[i], ref[refName].outputs[i])
				if di > d {
					d = di
				}
				if di > worstD {
					worst, worstD = filepath.Base(images[i]), di
				}
				if di > Tolerance {
					t.Errorf("%s differs from %s on %s by %.3g:\n  %s %+v\n  %s %+v", r.name, refName, images[i], di,
						r.name, r.outputs[i], refName, ref[refName].outputs[i])
				}
			}
			line += fmt.Sprintf(" %12.2e", d)
			if refName == "engine (native)" {
				line += "      "
			}
		}
		fmt.Fprintf(&b, "%s  %s\n", line, worst)
	}
	t.Log("\n" + b.String())
}
