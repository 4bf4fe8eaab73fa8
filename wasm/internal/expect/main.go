// Command expect prints what the native Go classifier says about image files,
// as one JSON object {file: {model.Result fields..., "cams": {slug: values}}}
// (every class's normalised attention map), for the browser test to compare
// the wasm module against. It calls model.Default directly, not wasm/internal/webapi,
// so that the comparison also checks webapi.
//
//	go run ./wasm/internal/expect FILE...
package main

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/hiwl/hiwl/model"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: expect FILE...")
		os.Exit(2)
	}
	c, err := model.Default()
	if err != nil {
		fmt.Fprintln(os.Stderr, "expect:", err)
		os.Exit(1)
	}
	type expectation struct {
		model.Result
		CAMs map[string][]float32 `json:"cams"`
	}
	out := make(map[string]expectation, len(os.Args)-1)
	for _, name := range os.Args[1:] {
		data, err := os.ReadFile(name)
		if err != nil {
			fmt.Fprintln(os.Stderr, "expect:", err)
			os.Exit(1)
		}
		p, err := c.Classify(data)
		if err != nil {
			fmt.Fprintf(os.Stderr, "expect: %s: %v\n", name, err)
			os.Exit(1)
		}
		e := expectation{Result: p.Result(true), CAMs: make(map[string][]float32, model.NumClasses)}
		for _, cl := range model.Classes {
			e.CAMs[cl.Slug()] = p.CAM(cl).Normalized()
		}
		out[name] = e
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		fmt.Fprintln(os.Stderr, "expect:", err)
		os.Exit(1)
	}
}
