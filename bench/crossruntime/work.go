package crossruntime

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"

	"github.com/hiwl/hiwl/model"
	"github.com/hiwl/hiwl/trainer/atomicfile"
	"github.com/hiwl/hiwl/trainer/galaxygen"
	gz "github.com/hiwl/hiwl/trainer/gzdata"
)

// Manifest tells a runtime script what to run on and how often. It is
// written as manifest.json into the work folder.
type Manifest struct {
	Root       string   `json:"root"`        // repository root
	Work       string   `json:"work"`        // the work folder
	Model      string   `json:"model"`       // the ONNX file (model.DefaultONNX)
	InputSize  int      `json:"input_size"`  // network input side
	Images     []string `json:"images"`      // image files, absolute
	Tensors    string   `json:"tensors"`     // model.Preprocess of each image, float32 little-endian
	Warmup     int      `json:"warmup"`      // untimed inferences after the cold start, at least
	WarmupMS   int64    `json:"warmup_ms"`   // and at least this long (at most 500 inferences)
	Runs       int      `json:"runs"`        // timed inferences, cycling through Images
	ColdStarts int      `json:"cold_starts"` // cold starts measured (Chromium: fresh contexts)
	TimeoutMS  int64    `json:"timeout_ms"`  // the script gives up after this long

	ChromiumRuntimes []string `json:"chromium_runtimes,omitempty"` // chromium.mjs: which to measure
}

// Measurement is what one runtime reports.
type Measurement struct {
	ColdMS     []float64      `json:"cold_ms"`     // each cold start: module + model load to first result
	LoadMS     float64        `json:"load_ms"`     // module + model load alone, first cold start
	LatencyMS  []float64      `json:"latency_ms"`  // each timed inference
	CPUMS      []float64      `json:"cpu_ms"`      // CPU time of the measured process in each, where the host can tell
	WarmupRuns int            `json:"warmup_runs"` // untimed inferences before them
	PeakRSSKB  int64          `json:"peak_rss_kb"` // VmHWM of the measured process
	Raw        []*RawOutput   `json:"outputs"`     // per image; nil where not run
	Info       map[string]any `json:"info,omitempty"`
	Error      string         `json:"error,omitempty"`
}

// Merge adds the samples of another measurement of the same runtime to
// m: latencies, CPU times, cold starts and every series in Info (a list of
// numbers, such as the engine's "inference_ms") are appended; the peak
// memory is the larger; the outputs, warm-up count and other Info stay
// m's. Crossbench measures each pair of rows (a reference and ours) in
// several rounds, alternately, so that a host that swings between fast
// and slow spells weighs on both alike.
func (m *Measurement) Merge(o *Measurement) {
	m.ColdMS = append(m.ColdMS, o.ColdMS...)
	m.LatencyMS = append(m.LatencyMS, o.LatencyMS...)
	m.CPUMS = append(m.CPUMS, o.CPUMS...)
	m.PeakRSSKB = max(m.PeakRSSKB, o.PeakRSSKB)
	for k, v := range o.Info {
		series, ok := v.([]any)
		if !ok {
			continue
		}
		if mine, ok := m.Info[k].([]any); ok {
			m.Info[k] = append(mine, series...)
		}
	}
}

// Work is a folder holding the inputs shared by every runtime.
type Work struct {
	Dir      string
	Manifest Manifest
	Tensors  [][]float32 // model.Preprocess of each image
	ONNX     []byte
}

// Prepare writes the model, the preprocessed tensors and the manifest of
// images into dir. Tensors come from model.Preprocess, computed here in Go,
// so that onnxruntime sees exactly the input hiwl's runtimes compute.
func Prepare(dir, root string, onnx []byte, images []string) (*Work, error) {
	c, err := model.Load(onnx)
	if err != nil {
		return nil, err
	}
	size := c.InputSize()
	w := &Work{Dir: dir, ONNX: onnx}
	var buf []byte
	abs := make([]string, len(images))
	for i, f := range images {
		if abs[i], err = filepath.Abs(f); err != nil {
			return nil, err
		}
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		x, _, err := model.PreprocessBytes(data, size)
		if err != nil {
			return nil, fmt.Errorf("crossruntime: %s: %w", f, err)
		}
		w.Tensors = append(w.Tensors, x)
		for _, v := range x {
			buf = binary.LittleEndian.AppendUint32(buf, math.Float32bits(v))
		}
	}
	w.Manifest = Manifest{
		Root:      root,
		Work:      dir,
		Model:     filepath.Join(dir, "model.onnx"),
		InputSize: size,
		Images:    abs,
		Tensors:   filepath.Join(dir, "tensors.bin"),
	}
	if err := atomicfile.WriteBytes(w.Manifest.Model, onnx); err != nil {
		return nil, err
	}
	if err := atomicfile.WriteBytes(w.Manifest.Tensors, buf); err != nil {
		return nil, err
	}
	return w, nil
}

// WriteManifest writes m as name in the work folder and returns its path.
func (w *Work) WriteManifest(name string, m Manifest) (string, error) {
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return "", err
	}
	path := filepath.Join(w.Dir, name)
	return path, atomicfile.WriteBytes(path, data)
}

// RepoRoot finds the repository root (the folder with hiwl's go.mod) from
// the working directory upwards.
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && bytes.Contains(data, []byte("module github.com/hiwl/hiwl\n")) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("crossruntime: not inside the hiwl repository (no go.mod of github.com/hiwl/hiwl above the working directory)")
		}
		dir = parent
	}
}

// RealImages returns the first perClass real Galaxy Zoo JPEGs (by name) of
// each validation class in ../shared/data beside the repository.
func RealImages(root string, perClass int) ([]string, error) {
	var out []string
	for _, class := range []string{"spirals", "non_spirals"} {
		dir := filepath.Join(root, "..", "shared", "data", "gz-challenge-spiral", "validation", class)
		files, err := filepath.Glob(filepath.Join(dir, "*.jpg"))
		if err != nil {
			return nil, err
		}
		if len(files) < perClass {
			return nil, fmt.Errorf("crossruntime: %d images in %s, want %d (the repository expects shared/data beside it)", len(files), dir, perClass)
		}
		slices.Sort(files)
		out = append(out, files[:perClass]...)
	}
	return out, nil
}

// Synthetic renders n galaxies with the trainer's generator into dir and
// returns their files.
func Synthetic(dir string, n int, seed int64) ([]string, error) {
	sum, err := galaxygen.Generate(dir, galaxygen.Config{N: n, Seed: seed, Workers: 1})
	if err != nil {
		return nil, err
	}
	out := make([]string, len(sum.Galaxies))
	for i, g := range sum.Galaxies {
		out[i] = filepath.Join(dir, gz.ImageDir, strconv.FormatInt(g.ID, 10)+gz.ImageExt)
	}
	return out, nil
}
