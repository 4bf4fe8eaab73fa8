// Copyright 2009 The Go Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

// Package jpeg is the standard library's JPEG decoder (image/jpeg, Go
// 1.27.3), copied to make it faster where hiwl spends its time, with the
// same output bytes: TestSameAsImageJPEG decodes every real Galaxy Zoo
// image in ../shared and the standard library's test images with both, and
// TestDamagedSameAsImageJPEG truncated and corrupted copies of them.
//
// Changes, all in the baseline (sequential) path; progressive images take
// the standard library's code unchanged:
//   - coefficients are dequantized as they are decoded, so the zeros (most
//     of a block) are never multiplied;
//   - an AC code and the coefficient bits after it are read with one
//     table look-up when they fit in the next 8 bits (huffman.fastAC): 3 %
//     faster decoding of a Galaxy Zoo image, natively and in wasm;
//   - a block without AC coefficients skips the inverse DCT: its output
//     is one value (dcOnly, tested against idct for every input);
//   - the level shift and store is a small function of its own, which the
//     Go wasm backend compiles to far faster code than the same loop
//     inside reconstructBlock.
//
// Four-component (CMYK, YCCK) images are not decoded here: their
// conversion uses a package internal to the standard library, so model
// sends them to image/jpeg. There is no encoder and no image.RegisterFormat:
// image/jpeg stays the registered "jpeg" format.
//
// JPEG is defined in ITU-T T.81: https://www.w3.org/Graphics/JPEG/itu-t81.pdf.
package jpeg
