// Package model is what every hiwl runtime shares: the five-class Galaxy Zoo
// taxonomy and its two-network hierarchy, the one preprocessing function that
// turns image bytes into a network input, loading an exported HIWL ONNX model
// (onnx-go decodes it into hiwl's own engine, package model/engine), class
// activation maps, and the embedded default model.
//
// The data path reads top to bottom:
//
//	bytes -> Decode (size-checked) -> Preprocess (crop, resize, normalise)
//	      -> Classifier (engine plan) -> Combine (hierarchy) -> Prediction
//
// Decode and Preprocess give exactly the pixels of the standard library's
// image/jpeg and x/image/draw, which the default model was trained on;
// JPEGs take faster copies of both (model/internal/jpeg, resize.go), held
// byte for byte to the originals by their tests.
//
// Every runtime (trainer evaluation, native CLI, wasm, edge worker, desktop
// viewer) calls this package, so the same file gives the same probabilities
// everywhere. A Classifier is safe for concurrent use and runs in parallel;
// ClassifyBatch spreads work over every core.
package model
