//go:build js && wasm

// Command wasm is hiwl's in-browser classifier: built with GOOS=js
// GOARCH=wasm, it carries the embedded default model and, once started by
// wasm_exec.js (static/worker.js does this in a Web Worker), sets
//
//	globalThis.hiwl = {
//	  info:     JSON string (webapi.Info): model version, classes, limits
//	  classify: function(Uint8Array) -> JSON string (webapi.Answer or webapi.Failure)
//	  classifyTensor: function(Float32Array) -> JSON string (model.Result or webapi.Failure)
//	}
//
// classifyTensor takes the 3×S×S input model.Preprocess makes (S is
// info.input_size) and runs inference only.
//
// or globalThis.hiwl = {loadError: "..."} when the model cannot be loaded.
// Strings cross the boundary because JSON.parse is cheaper and simpler than
// building JS objects field by field from Go.
package main

import (
	"encoding/binary"
	"fmt"
	"math"
	"runtime/debug"
	"syscall/js"

	"github.com/hiwl/hiwl/model"
	"github.com/hiwl/hiwl/wasm/internal/webapi"
)

func main() {
	api := js.Global().Get("Object").New()
	// The worker splits its model_ms with these: Go's start (runtime and
	// package initialisation) before main, the model's load after.
	now := js.Global().Get("performance").Get("now").Call("bind", js.Global().Get("performance"))
	api.Set("mainAt", now.Invoke())
	c, err := model.Default()
	// static/worker.js starts Go with GOGC=off, so that initialisation and
	// the model's load run without collections; classifying runs with Go's
	// default.
	debug.SetGCPercent(100)
	if err != nil {
		api.Set("loadError", err.Error())
	} else {
		api.Set("info", string(webapi.Describe(c)))
		api.Set("classify", js.FuncOf(func(_ js.Value, args []js.Value) any {
			return classify(c, args)
		}))
		api.Set("classifyTensor", js.FuncOf(func(_ js.Value, args []js.Value) any {
			return classifyTensor(c, args)
		}))
	}
	api.Set("loadedAt", now.Invoke())
	js.Global().Set("hiwl", api)
	// Returning from main would end the Go program and with it every
	// js.Func; block so classify stays callable.
	select {}
}

// guarded runs answer and turns a panic into an error answer: an
// unrecovered panic would leave the Go runtime dead for the rest of the
// page's life.
func guarded(answer func() []byte) (out any) {
	defer func() {
		if r := recover(); r != nil {
			out = string(webapi.Panicked(r))
		}
	}()
	return string(answer())
}

// oneArgument is nil when args is one instance of the JavaScript class
// typ, and otherwise the refusal that hiwl.fn answers with.
func oneArgument(args []js.Value, fn, typ string) []byte {
	if len(args) == 1 && args[0].InstanceOf(js.Global().Get(typ)) {
		return nil
	}
	return webapi.Refuse(&webapi.Failure{
		Code:    "bad_input",
		Message: fmt.Sprintf("hiwl.%s takes one %s.", fn, typ),
		Detail:  fmt.Sprintf("%d arguments", len(args)),
	})
}

// classify copies the bytes out of JavaScript and answers in JSON.
func classify(c *model.Classifier, args []js.Value) any {
	return guarded(func() []byte {
		if refused := oneArgument(args, "classify", "Uint8Array"); refused != nil {
			return refused
		}
		n := args[0].Get("byteLength").Int()
		// Refuse before copying: the page may hand over anything.
		if err := webapi.CheckSize(n); err != nil {
			return webapi.Refuse(err)
		}
		data := make([]byte, n)
		js.CopyBytesToGo(data, args[0])
		return webapi.Respond(c, data)
	})
}

// classifyTensor copies a Float32Array out of JavaScript and runs inference
// on it.
func classifyTensor(c *model.Classifier, args []js.Value) any {
	return guarded(func() []byte {
		if refused := oneArgument(args, "classifyTensor", "Float32Array"); refused != nil {
			return refused
		}
		n := args[0].Get("length").Int()
		if err := webapi.CheckTensor(c, n); err != nil {
			return webapi.Refuse(err)
		}
		// js.CopyBytesToGo takes bytes: view the array's bytes as a Uint8Array.
		view := js.Global().Get("Uint8Array").New(args[0].Get("buffer"), args[0].Get("byteOffset"), 4*n)
		raw := make([]byte, 4*n)
		js.CopyBytesToGo(raw, view)
		x := make([]float32, n)
		for i := range x {
			x[i] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:]))
		}
		return webapi.RespondTensor(c, x)
	})
}
