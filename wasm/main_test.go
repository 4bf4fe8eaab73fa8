//go:build js && wasm

package main

import (
	"encoding/json"
	"os"
	"syscall/js"
	"testing"

	"github.com/hiwl/hiwl/model"
	"github.com/hiwl/hiwl/wasm/internal/webapi"
)

// These run under Node with Go's js/wasm runner (see wasm.mk), checking the
// JavaScript boundary that the browser test reaches only through a worker.

func call(t *testing.T, args ...js.Value) map[string]any {
	t.Helper()
	c, err := model.Default()
	if err != nil {
		t.Fatal(err)
	}
	out, ok := classify(c, args).(string)
	if !ok {
		t.Fatalf("classify returned %T, want a JSON string", out)
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		t.Fatalf("classify returned %q: %v", out, err)
	}
	return m
}

func uint8Array(b []byte) js.Value {
	a := js.Global().Get("Uint8Array").New(len(b))
	js.CopyBytesToJS(a, b)
	return a
}

func TestClassifyBytes(t *testing.T) {
	data, err := os.ReadFile("static/examples/995423.jpg")
	if err != nil {
		t.Fatal(err)
	}
	got := call(t, uint8Array(data))
	c, _ := model.Default()
	p, err := c.Classify(data)
	if err != nil {
		t.Fatal(err)
	}
	if got["class"] != p.Label.Slug() || got["model_version"] != c.Version() {
		t.Errorf("class %v version %v, want %s %s", got["class"], got["model_version"], p.Label.Slug(), c.Version())
	}
	probs := got["probabilities"].(map[string]any)
	for _, cl := range model.Classes {
		if v := probs[cl.Slug()].(float64); float32(v) != p.Probabilities[cl] {
			t.Errorf("p(%s) = %v, want %v", cl.Slug(), v, p.Probabilities[cl])
		}
	}
}

// TestClassifyTensor: the tensor entry point gives the native classifier's
// probabilities on model.Preprocess's input, and refuses a wrong length.
func TestClassifyTensor(t *testing.T) {
	data, err := os.ReadFile("static/examples/848953.jpg")
	if err != nil {
		t.Fatal(err)
	}
	c, _ := model.Default()
	img, err := model.Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	x := model.Preprocess(img, c.InputSize())
	p, err := c.ClassifyTensor(x)
	if err != nil {
		t.Fatal(err)
	}
	f32 := js.Global().Get("Float32Array").New(len(x))
	for i, v := range x {
		f32.SetIndex(i, v)
	}
	var m map[string]any
	out := classifyTensor(c, []js.Value{f32}).(string)
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		t.Fatalf("classifyTensor returned %q: %v", out, err)
	}
	if m["class"] != p.Label.Slug() {
		t.Errorf("class %v, want %s", m["class"], p.Label.Slug())
	}
	probs := m["probabilities"].(map[string]any)
	for _, cl := range model.Classes {
		if v := probs[cl.Slug()].(float64); float32(v) != p.Probabilities[cl] {
			t.Errorf("p(%s) = %v, want %v", cl.Slug(), v, p.Probabilities[cl])
		}
	}
	short := classifyTensor(c, []js.Value{js.Global().Get("Float32Array").New(10)}).(string)
	bytes := classifyTensor(c, []js.Value{uint8Array(data)}).(string)
	for _, s := range []string{short, bytes} {
		if err := json.Unmarshal([]byte(s), &m); err != nil || m["code"] != "bad_input" {
			t.Errorf("got %s, want code bad_input", s)
		}
	}
}

func TestClassifyRefusals(t *testing.T) {
	for name, tc := range map[string]struct {
		args []js.Value
		code string
	}{
		"no argument":    {nil, "bad_input"},
		"a string":       {[]js.Value{js.ValueOf("galaxy.jpg")}, "bad_input"},
		"two arguments":  {[]js.Value{uint8Array([]byte("x")), uint8Array([]byte("y"))}, "bad_input"},
		"not an image":   {[]js.Value{uint8Array([]byte("plain text"))}, "not_image"},
		"empty":          {[]js.Value{uint8Array(nil)}, "empty"},
		"over the limit": {[]js.Value{js.Global().Get("Uint8Array").New(webapi.MaxFileBytes + 1)}, "file_too_large"},
	} {
		t.Run(name, func(t *testing.T) {
			got := call(t, tc.args...)
			if got["code"] != tc.code || got["error"] == "" {
				t.Errorf("got %v, want code %q with a message", got, tc.code)
			}
		})
	}
}
