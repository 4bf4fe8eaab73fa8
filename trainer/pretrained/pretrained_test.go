package pretrained

import (
	"encoding/binary"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/hiwl/hiwl/trainer/hiwlnet"
)

// weight is one entry of a TF.js manifest and its values.
type weight struct {
	name  string
	shape []int
	quant bool // stored as uint8 with min 0, scale 1: values must be 0..255
	data  []float32
}

// writeTFJS writes ws as a TF.js layers model (one group, two shards cut
// at an arbitrary byte) into a new directory.
func writeTFJS(t *testing.T, ws []weight) string {
	t.Helper()
	var entries []map[string]any
	var bin []byte
	for _, w := range ws {
		e := map[string]any{"name": w.name, "shape": w.shape, "dtype": "float32"}
		if w.quant {
			e["quantization"] = map[string]any{"min": 0, "scale": 1, "dtype": "uint8"}
			for _, v := range w.data {
				bin = append(bin, byte(v))
			}
		} else {
			for _, v := range w.data {
				bin = binary.LittleEndian.AppendUint32(bin, math.Float32bits(v))
			}
		}
		entries = append(entries, e)
	}
	dir := t.TempDir()
	cut := len(bin) / 3
	m := map[string]any{"modelTopology": map[string]any{}, "weightsManifest": []any{
		map[string]any{"paths": []string{"s1", "s2"}, "weights": entries}}}
	raw, _ := json.Marshal(m)
	for name, data := range map[string][]byte{"model.json": raw, "s1": bin[:cut], "s2": bin[cut:]} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func seq(n int, f func(i int) float32) []float32 {
	d := make([]float32, n)
	for i := range d {
		d[i] = f(i)
	}
	return d
}

func TestReadTFJS(t *testing.T) {
	dir := writeTFJS(t, []weight{
		{name: "a/kernel", shape: []int{2, 3}, data: []float32{1.5, -2, 3, 4, 5, 6}},
		{name: "b/gamma", shape: []int{4}, quant: true, data: []float32{0, 7, 255, 1}},
	})
	w, err := ReadTFJS(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := w["a/kernel"]; len(got.Data) != 6 || got.Data[0] != 1.5 || got.Data[1] != -2 || got.Data[5] != 6 {
		t.Errorf("a/kernel = %+v", got)
	}
	if got := w["b/gamma"]; len(got.Data) != 4 || got.Data[1] != 7 || got.Data[2] != 255 {
		t.Errorf("b/gamma = %+v", got)
	}
}

func TestReadTFJSRefusesBadFiles(t *testing.T) {
	good := writeTFJS(t, []weight{{name: "a", shape: []int{3}, data: []float32{1, 2, 3}}})
	for name, edit := range map[string]func(dir string){
		"short shard": func(dir string) { os.WriteFile(filepath.Join(dir, "s2"), []byte{1}, 0o644) },
		"extra bytes": func(dir string) {
			b, _ := os.ReadFile(filepath.Join(dir, "s2"))
			os.WriteFile(filepath.Join(dir, "s2"), append(b, 0, 0, 0, 0), 0o644)
		},
		"missing shard": func(dir string) { os.Remove(filepath.Join(dir, "s1")) },
		"not json":      func(dir string) { os.WriteFile(filepath.Join(dir, "model.json"), []byte("{"), 0o644) },
		"huge shape": func(dir string) {
			os.WriteFile(filepath.Join(dir, "model.json"), []byte(`{"weightsManifest":[{"paths":["s1"],"weights":[{"name":"a","shape":[100000,100000],"dtype":"float32"}]}]}`), 0o644)
		},
		"float16": func(dir string) {
			os.WriteFile(filepath.Join(dir, "model.json"), []byte(`{"weightsManifest":[{"paths":["s1"],"weights":[{"name":"a","shape":[1],"dtype":"float16"}]}]}`), 0o644)
		},
		"shard outside": func(dir string) {
			os.WriteFile(filepath.Join(dir, "model.json"), []byte(`{"weightsManifest":[{"paths":["../s1"],"weights":[]}]}`), 0o644)
		},
		"no weights": func(dir string) {
			os.WriteFile(filepath.Join(dir, "model.json"), []byte(`{"weightsManifest":[]}`), 0o644)
		},
	} {
		dir := t.TempDir()
		for _, f := range []string{"model.json", "s1", "s2"} {
			b, _ := os.ReadFile(filepath.Join(good, f))
			os.WriteFile(filepath.Join(dir, f), b, 0o644)
		}
		edit(dir)
		if _, err := ReadTFJS(dir); err == nil || !strings.HasPrefix(err.Error(), "pretrained: ") {
			t.Errorf("%s: err = %v", name, err)
		}
	}
}

// mobileNetStart is MobileNetV2's stem and first two blocks as Keras names
// and shapes them, each value coding its own position.
func mobileNetStart() map[string]Tensor {
	w := map[string]Tensor{}
	conv := func(name string, shape ...int) {
		n := shape[0] * shape[1] * shape[2] * shape[3]
		w[name] = Tensor{Shape: shape, Data: seq(n, func(i int) float32 { return float32(i) })}
	}
	bn := func(name string, c int) {
		for k, part := range []string{"gamma", "beta", "moving_mean", "moving_variance"} {
			w[name+"/"+part] = Tensor{Shape: []int{c}, Data: seq(c, func(i int) float32 { return float32(1000*k + i) })}
		}
	}
	conv("Conv1/kernel", 3, 3, 3, 32)
	bn("bn_Conv1", 32)
	conv("expanded_conv_depthwise/depthwise_kernel", 3, 3, 32, 1)
	bn("expanded_conv_depthwise_BN", 32)
	conv("expanded_conv_project/kernel", 1, 1, 32, 16)
	bn("expanded_conv_project_BN", 16)
	conv("block_1_expand/kernel", 1, 1, 16, 96)
	bn("block_1_expand_BN", 96)
	conv("block_1_depthwise/depthwise_kernel", 3, 3, 96, 1)
	bn("block_1_depthwise_BN", 96)
	conv("block_1_project/kernel", 1, 1, 96, 24)
	bn("block_1_project_BN", 24)
	return w
}

func TestMobileNetV2(t *testing.T) {
	a, err := hiwlnet.ParseArch("32:relu6:s32k3/2,m16e1k3,m24e6k3/2,t40")
	if err != nil {
		t.Fatal(err)
	}
	p := hiwlnet.NewParams(a, 4, 1)
	top := append([]float32(nil), p["top.w"].Float32s()...)
	n, err := MobileNetV2(mobileNetStart(), a, p)
	if err != nil {
		t.Fatal(err)
	}
	if want := p.Count() - len(top) - 4*40 - p["head.w"].Shape().TotalSize() - p["head.b"].Shape().TotalSize(); n != want {
		t.Errorf("copied %d numbers, want %d (all but the top and head)", n, want)
	}
	// Keras [kh, kw, in, out] at (y, x, i, o) is hiwlnet's [out, in, kh, kw]
	// at (o, i, y, x); a depthwise [kh, kw, C, 1] is [C, 1, kh, kw].
	at := func(name string, idx ...int) float32 {
		t.Helper()
		v, err := p[name].At(idx...)
		if err != nil {
			t.Fatal(err)
		}
		return v.(float32)
	}
	if got, want := at("stem.w", 5, 2, 1, 0), float32(((1*3+0)*3+2)*32+5); got != want {
		t.Errorf("stem.w[5,2,1,0] = %v, want Conv1/kernel[1,0,2,5] = %v", got, want)
	}
	if got, want := at("mb2.dw.w", 70, 0, 2, 1), float32((2*3+1)*96+70); got != want {
		t.Errorf("mb2.dw.w[70,0,2,1] = %v, want block_1 depthwise[2,1,70,0] = %v", got, want)
	}
	if got, want := at("mb2.project.w", 7, 50, 0, 0), float32(50*24+7); got != want {
		t.Errorf("mb2.project.w[7,50,0,0] = %v, want block_1_project/kernel[0,0,50,7] = %v", got, want)
	}
	if got := at("mb1.project.bn.scale", 3); got != 3 {
		t.Errorf("gamma copied as %v, want 3", got)
	}
	if got, want := at("mb2.expand.bn.var", 9), float32(3009); got != want {
		t.Errorf("moving variance copied as %v, want %v (a ReLU6 backbone has Keras's epsilon)", got, want)
	}
	for i, v := range p["top.w"].Float32s() {
		if v != top[i] {
			t.Fatal("the top was overwritten")
		}
	}
}

func TestMobileNetV2RefusesOtherBackbones(t *testing.T) {
	for _, spec := range []string{
		"32:s32k3/2,m16e1k3,t40",                     // SiLU
		"32:relu6:s32k3/1,m16e1k3,t40",               // stem stride
		"32:relu6:s32k3/2,m16e1k3q4,t40",             // squeeze-excitation
		"32:relu6:s32k3/2,m16e1k5,t40",               // 5x5
		"32:relu6:s32k3/2,m16e1k3,m24e6k3,t40",       // block_1 has stride 2, and no block here does
		"32:relu6:s32k3/2,m16e1k3/2,m24e6k3/2,t40",   // two strides of 2 where MobileNetV2 has one
		"32:relu6:s32k3/2,m16e1k3,m24e4k3/2,t40",     // expansion 4
		"32:relu6:s32k3/2,m16e1k3,m24e6k3/2,m24e6k3", // block_2's weights are missing
		"32:relu6:s16k3/2,m16e1k3,t40",               // stem width
	} {
		a, err := hiwlnet.ParseArch(spec)
		if err != nil {
			t.Fatalf("%s: %v", spec, err)
		}
		if _, err := MobileNetV2(mobileNetStart(), a, hiwlnet.NewParams(a, 4, 1)); err == nil {
			t.Errorf("%s: accepted", spec)
		}
	}
}

// A block may take MobileNetV2's stride of 2 earlier: its weights do not
// depend on the stride, so the same numbers are copied.
func TestMobileNetV2MovedStride(t *testing.T) {
	copied := func(spec string) hiwlnet.Params {
		t.Helper()
		a, err := hiwlnet.ParseArch(spec)
		if err != nil {
			t.Fatal(err)
		}
		p := hiwlnet.NewParams(a, 4, 1)
		if _, err := MobileNetV2(mobileNetStart(), a, p); err != nil {
			t.Fatalf("%s: %v", spec, err)
		}
		return p
	}
	theirs := copied("32:relu6:s32k3/2,m16e1k3,m24e6k3/2,t40")
	moved := copied("32:relu6:s32k3/2,m16e1k3/2,m24e6k3,t40")
	for _, name := range []string{"stem.w", "mb1.dw.w", "mb2.expand.w", "mb2.dw.w", "mb2.project.w", "mb2.project.bn.var"} {
		a, b := theirs[name].Float32s(), moved[name].Float32s()
		if len(a) == 0 || !slices.Equal(a, b) {
			t.Errorf("%s differs with the stride moved", name)
		}
	}
}
