// Package crossruntime measures every hiwl runtime against onnxruntime, on
// the same exported ONNX file in the same run, and checks that they all
// compute the same probabilities.
//
// The runtimes are run as they ship, as processes: the native Go classifier
// (package model: hiwl's engine behind onnx-go's decoder), the gorgonia evaluation graph of the trainer
// (package hiwlnet, with the weights read back from the ONNX file), the
// wasm module (wasm/static/hiwl.wasm) in Node and in headless Chromium, the
// edge worker (edge/build) in workerd, and the references onnxruntime-node
// (native) and onnxruntime-web (wasm, one thread) in Node and in Chromium.
// The Node and Chromium sides are the scripts in js/; they read a manifest
// written by this package and write their measurements as JSON.
//
// The references are fed the float32 tensors that model.Preprocess made in
// Go, so a difference between runtimes is a difference in inference, not in
// JPEG decoding or resizing; hiwl's own runtimes take the image bytes.
//
// TestParity (make test-parity) asserts agreement within 1e-4; the command
// cmd/crossbench (make bench-crossruntime) writes docs/benchmarks.md and
// out/bench/results.json.
package crossruntime
