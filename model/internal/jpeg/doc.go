// Copyright 2009 The Go Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

// Package jpeg is the standard library's JPEG decoder (image/jpeg, Go
// 1.27.3), copied to make it faster where hiwl spends its time, with the
// same output bytes: TestSameAsImageJPEG decodes every real Galaxy Zoo
// image in ../shared and the standard library's test images with both, and
// TestDamagedSameAsImageJPEG truncated and corrupted copies of them.
//
// Changes, in the entropy decoding every image goes through and in the
// baseline (sequential) path's reconstruction; progressive images keep the
// standard library's refinement and reconstruction (TestSameAsImageJPEG
// decodes the standard library's progressive test images too):
//   - coefficients are dequantized as they are decoded, so the zeros (most
//     of a block) are never multiplied;
//   - a code and the value bits after it (a DC difference, or an AC
//     coefficient and its zero run, and EOB and ZRL) are read with one
//     look-up of the next 10 bits when they fit (huffman.fast), from a
//     64-bit bit buffer topped up with several plain bytes at a time
//     straight from the byte buffer (decoder.fastFill); 0xff bytes and
//     refills from the reader keep image/jpeg's byte-at-a-time path, and a
//     table with more codes of a length than the length allows keeps
//     image/jpeg's decoding entirely. Galaxy Zoo images at half size decode
//     in 0.84x the time natively and 0.81x in wasm against the 8-bit
//     window and 32-bit buffer before (40 real images, the two decoders
//     alternated 40 times in one process, Intel Xeon with AVX-512);
//     TestFastTable holds the table to decodeHuffman and receiveExtend on
//     random tables, and FuzzSameAsImageJPEG's committed corpus holds an
//     over-full table (an 8-bit window of 32 bits once decoded 3 % faster,
//     its bulk refills 0.85x natively and about 0.8x in wasm). Then decodeAC
//     keeps the bit buffer in locals on that path, tops it up only when a
//     look-up lacks bits, and walks an MCU's blocks without dividing:
//     0.91x in wasm at half size, neutral natively (the same A/B);
//   - a block without AC coefficients skips the inverse DCT: its output
//     is one value (dcOnly, tested against idct for every input);
//   - the level shift and store is a small function of its own, which the
//     Go wasm backend compiles to far faster code than the same loop
//     inside reconstructBlock.
//
// One addition, DecodeScaled: decoding at 1/2, 1/4 or 1/8 of the size, as
// libjpeg's DCT scaling does, through a reduced inverse DCT of each block's
// lowest frequencies (scale.go, which says why that is the right
// downscale). model.DecodeFor uses it: a 424x424 Galaxy Zoo cutout for a
// 64-pixel network decodes at 212x212 in 0.55x the time natively and in
// wasm (BenchmarkDecodeScaled), and everything per pixel after it
// (framing, resize) works on a quarter of the pixels. TestDecodeScaled
// holds every scale to Decode's pixels averaged over the same area
// (within 1 level of 255 on Galaxy Zoo images), TestIDCTScaled the
// transform to float64 (within 1), TestDamagedScaled and
// FuzzDecodeScaled its errors to Decode's. Images in image/jpeg's flex
// sampling mode come back at full size.
//
// In wasm the half-size inverse DCT of a block with AC coefficients and
// its store are one SIMD128 pass (idct4x4Store, idct4_simd.go): the
// same integer sums rounded at the same places, so the same pixels
// (TestIDCT4x4Store, 100,000 blocks over the whole int32 range); half-size
// decoding 0.78x in wasm (the two paths alternated 40 times in one
// process, Node, on a 2-core Intel Xeon with AVX-512). Natively the
// same kernel runs in AVX's 128-bit vectors (idct4_simd.go builds for
// both; fusedIDCT4 asks the processor): half-size decoding 0.91x on the
// same images and host. A flat block (no AC
// coefficient) at a reduced scale is level-shifted and clipped once and
// written s×s times (storeFlat), not filled into the block and stored
// value by value: 0.96x in wasm, neutral natively (the same A/B).
//
// Four-component (CMYK, YCCK) images are not decoded here: their
// conversion uses a package internal to the standard library, so model
// sends them to image/jpeg. There is no encoder and no image.RegisterFormat:
// image/jpeg stays the registered "jpeg" format.
//
// JPEG is defined in ITU-T T.81: https://www.w3.org/Graphics/JPEG/itu-t81.pdf.
package jpeg
