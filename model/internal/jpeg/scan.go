// Copyright 2012 The Go Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package jpeg

import (
	"image"
)

// makeImg allocates and initializes the destination image.
func (d *decoder) makeImg(mxx, myy int) {
	bs := d.blockSide // 8, or less when decoding at a reduced scale
	if d.nComp == 1 {
		m := image.NewGray(image.Rect(0, 0, bs*mxx, bs*myy))
		d.img1 = m.SubImage(image.Rect(0, 0, d.scaled(d.width), d.scaled(d.height))).(*image.Gray)
		return
	}

	// Determine if we need flex mode for non-standard subsampling.
	// Flex mode is needed when:
	// - Cb and Cr have different sampling factors, or
	// - The Y component doesn't have the maximum sampling factors, or
	// - The ratio doesn't match any standard YCbCrSubsampleRatio.
	subsampleRatio := image.YCbCrSubsampleRatio444
	if d.comp[1].h != d.comp[2].h || d.comp[1].v != d.comp[2].v ||
		d.maxH != d.comp[0].h || d.maxV != d.comp[0].v {
		d.flex = true
	} else {
		hRatio := d.maxH / d.comp[1].h
		vRatio := d.maxV / d.comp[1].v
		switch hRatio<<4 | vRatio {
		case 0x11:
			subsampleRatio = image.YCbCrSubsampleRatio444
		case 0x12:
			subsampleRatio = image.YCbCrSubsampleRatio440
		case 0x21:
			subsampleRatio = image.YCbCrSubsampleRatio422
		case 0x22:
			subsampleRatio = image.YCbCrSubsampleRatio420
		case 0x41:
			subsampleRatio = image.YCbCrSubsampleRatio411
		case 0x42:
			subsampleRatio = image.YCbCrSubsampleRatio410
		default:
			d.flex = true
		}
	}

	if d.flex {
		// A component expanded to the maximum sampling factors would lose
		// resolution by a reduced transform and then the expansion: flex
		// images (rare) are decoded at full size (see DecodeScaled).
		d.blockSide, bs = 8, 8
	}
	m := image.NewYCbCr(image.Rect(0, 0, bs*d.maxH*mxx, bs*d.maxV*myy), subsampleRatio)
	d.img3 = m.SubImage(image.Rect(0, 0, d.scaled(d.width), d.scaled(d.height))).(*image.YCbCr)

	if d.nComp == 4 {
		h3, v3 := d.comp[3].h, d.comp[3].v
		d.blackPix = make([]byte, bs*h3*mxx*bs*v3*myy)
		d.blackStride = bs * h3 * mxx
	}
}

// Specified in section B.2.3.
func (d *decoder) processSOS(n int) error {
	if d.nComp == 0 {
		return FormatError("missing SOF marker")
	}
	if n < 6 || 4+2*d.nComp < n || n%2 != 0 {
		return FormatError("SOS has wrong length")
	}
	if err := d.readFull(d.tmp[:n]); err != nil {
		return err
	}
	nComp := int(d.tmp[0])
	if n != 4+2*nComp {
		return FormatError("SOS length inconsistent with number of components")
	}
	var scan [maxComponents]struct {
		compIndex uint8
		td        uint8 // DC table selector.
		ta        uint8 // AC table selector.
	}
	totalHV := 0
	for i := 0; i < nComp; i++ {
		cs := d.tmp[1+2*i] // Component selector.
		compIndex := -1
		for j, comp := range d.comp[:d.nComp] {
			if cs == comp.c {
				compIndex = j
			}
		}
		if compIndex < 0 {
			return FormatError("unknown component selector")
		}
		scan[i].compIndex = uint8(compIndex)
		// Section B.2.3 states that "the value of Cs_j shall be different from
		// the values of Cs_1 through Cs_(j-1)". Since we have previously
		// verified that a frame's component identifiers (C_i values in section
		// B.2.2) are unique, it suffices to check that the implicit indexes
		// into d.comp are unique.
		for j := 0; j < i; j++ {
			if scan[i].compIndex == scan[j].compIndex {
				return FormatError("repeated component selector")
			}
		}
		totalHV += d.comp[compIndex].h * d.comp[compIndex].v

		// The baseline t <= 1 restriction is specified in table B.3.
		scan[i].td = d.tmp[2+2*i] >> 4
		if t := scan[i].td; t > maxTh || (d.baseline && t > 1) {
			return FormatError("bad Td value")
		}
		scan[i].ta = d.tmp[2+2*i] & 0x0f
		if t := scan[i].ta; t > maxTh || (d.baseline && t > 1) {
			return FormatError("bad Ta value")
		}
	}
	// Section B.2.3 states that if there is more than one component then the
	// total H*V values in a scan must be <= 10.
	if d.nComp > 1 && totalHV > 10 {
		return FormatError("total sampling factors too large")
	}

	// zigStart and zigEnd are the spectral selection bounds.
	// ah and al are the successive approximation high and low values.
	// The spec calls these values Ss, Se, Ah and Al.
	//
	// For progressive JPEGs, these are the two more-or-less independent
	// aspects of progression. Spectral selection progression is when not
	// all of a block's 64 DCT coefficients are transmitted in one pass.
	// For example, three passes could transmit coefficient 0 (the DC
	// component), coefficients 1-5, and coefficients 6-63, in zig-zag
	// order. Successive approximation is when not all of the bits of a
	// band of coefficients are transmitted in one pass. For example,
	// three passes could transmit the 6 most significant bits, followed
	// by the second-least significant bit, followed by the least
	// significant bit.
	//
	// For sequential JPEGs, these parameters are hard-coded to 0/63/0/0, as
	// per table B.3.
	zigStart, zigEnd, ah, al := int32(0), int32(blockSize-1), uint32(0), uint32(0)
	if d.progressive {
		zigStart = int32(d.tmp[1+2*nComp])
		zigEnd = int32(d.tmp[2+2*nComp])
		ah = uint32(d.tmp[3+2*nComp] >> 4)
		al = uint32(d.tmp[3+2*nComp] & 0x0f)
		if (zigStart == 0 && zigEnd != 0) || zigStart > zigEnd || blockSize <= zigEnd {
			return FormatError("bad spectral selection bounds")
		}
		if zigStart != 0 && nComp != 1 {
			return FormatError("progressive AC coefficients for more than one component")
		}
		if ah != 0 && ah != al+1 {
			return FormatError("bad successive approximation values")
		}
	}

	// mxx and myy are the number of MCUs (Minimum Coded Units) in the image.
	// The MCU dimensions are based on the maximum sampling factors.
	// For standard subsampling, maxH/maxV equals h0/v0 (Y's factors).
	// For flex mode, Y may not have the maximum factors.
	mxx := (d.width + 8*d.maxH - 1) / (8 * d.maxH)
	myy := (d.height + 8*d.maxV - 1) / (8 * d.maxV)
	if d.img1 == nil && d.img3 == nil {
		d.makeImg(mxx, myy)
	}
	if d.progressive {
		for i := 0; i < nComp; i++ {
			compIndex := scan[i].compIndex
			if d.progCoeffs[compIndex] == nil {
				d.progCoeffs[compIndex] = make([]block, mxx*myy*d.comp[compIndex].h*d.comp[compIndex].v)
			}
		}
	}

	d.bits = bits{}
	mcu, expectedRST := 0, uint8(rst0Marker)
	var (
		// b is the decoded coefficients, in natural (not zig-zag) order.
		b  block
		dc [maxComponents]int32
		// bx and by are the location of the current block, in units of 8x8
		// blocks: the third block in the first row has (bx, by) = (2, 0).
		bx, by     int
		blockCount int
	)
	for my := 0; my < myy; my++ {
		for mx := 0; mx < mxx; mx++ {
			for i := 0; i < nComp; i++ {
				compIndex := scan[i].compIndex
				hi := d.comp[compIndex].h
				vi := d.comp[compIndex].v
				// The MCU's hi×vi blocks, row jy and column jx, walked as
				// two loops: image/jpeg's one loop over j took jx = j%hi
				// and jy = j/hi, each a call to runtime.wasmDiv in wasm.
				for jy := 0; jy < vi; jy++ {
					for jx := 0; jx < hi; jx++ {
						// The blocks are traversed one MCU at a time. For 4:2:0 chroma
						// subsampling, there are four Y 8x8 blocks in every 16x16 MCU.
						//
						// For a sequential 32x16 pixel image, the Y blocks visiting order is:
						//	0 1 4 5
						//	2 3 6 7
						//
						// For progressive images, the interleaved scans (those with nComp > 1)
						// are traversed as above, but non-interleaved scans are traversed left
						// to right, top to bottom:
						//	0 1 2 3
						//	4 5 6 7
						// Only DC scans (zigStart == 0) can be interleaved. AC scans must have
						// only one component.
						//
						// To further complicate matters, for non-interleaved scans, there is no
						// data for any blocks that are inside the image at the MCU level but
						// outside the image at the pixel level. For example, a 24x16 pixel 4:2:0
						// progressive image consists of two 16x16 MCUs. The interleaved scans
						// will process 8 Y blocks:
						//	0 1 4 5
						//	2 3 6 7
						// The non-interleaved scans will process only 6 Y blocks:
						//	0 1 2
						//	3 4 5
						if nComp != 1 {
							bx = hi*mx + jx
							by = vi*my + jy
						} else {
							q := mxx * hi
							bx = blockCount % q
							by = blockCount / q
							blockCount++
							if bx*8 >= d.width || by*8 >= d.height {
								continue
							}
						}

						// hasAC: a baseline block got a (dequantized) AC coefficient.
						hasAC := false
						// qt: a baseline block's quantization table, applied as its
						// coefficients are decoded; progressive blocks are
						// dequantized in reconstructBlock, after their last scan.
						var qt *block
						if !d.progressive {
							qt = &d.quant[d.comp[compIndex].tq]
						}

						// Load the previous partially decoded coefficients, if applicable.
						if d.progressive {
							b = d.progCoeffs[compIndex][by*mxx*hi+bx]
						} else {
							b = block{}
						}

						if ah != 0 {
							if err := d.refine(&b, &d.huff[acTable][scan[i].ta], zigStart, zigEnd, 1<<al); err != nil {
								return err
							}
						} else {
							zig := zigStart
							if zig == 0 {
								zig++
								// Decode the DC coefficient, as specified in section F.2.2.1.
								dcDelta, err := d.decodeDC(&d.huff[dcTable][scan[i].td])
								if err != nil {
									return err
								}
								dc[compIndex] += dcDelta
								b[0] = dc[compIndex] << al
								if qt != nil {
									b[0] *= qt[0]
								}
							}

							if zig <= zigEnd && d.eobRun > 0 {
								d.eobRun--
							} else {
								// Decode the AC coefficients, as specified in section F.2.2.2.
								var err error
								if hasAC, err = d.decodeAC(&b, &d.huff[acTable][scan[i].ta], zig, zigEnd, al, qt); err != nil {
									return err
								}
							}
						}

						if d.progressive {
							// Save the coefficients.
							d.progCoeffs[compIndex][by*mxx*hi+bx] = b
							// At this point, we could call reconstructBlock to dequantize and perform the
							// inverse DCT, to save early stages of a progressive image to the *image.YCbCr
							// buffers (the whole point of progressive encoding), but in Go, the jpeg.Decode
							// function does not return until the entire image is decoded, so we "continue"
							// here to avoid wasted computation. Instead, reconstructBlock is called on each
							// accumulated block by the reconstructProgressiveImage method after all of the
							// SOS markers are processed.
							continue
						}
						if d.blockSide != 8 && !hasAC && !d.progressive {
							// A flat block at a reduced scale: one value,
							// level-shifted and clipped once, written s×s
							// times (idctScaled's and storeScaled's result).
							dst, stride, err := d.blockDst(bx, by, int(compIndex))
							if err != nil {
								return err
							}
							storeFlat(dst, stride, d.blockSide, clip(scaledDC(b[0], d.blockSide)))
							continue
						}
						if d.blockSide == 4 && hasAC && fusedIDCT4 {
							// The half-size inverse DCT and its store in one
							// pass (idct4x4Store).
							dst, stride, err := d.blockDst(bx, by, int(compIndex))
							if err != nil {
								return err
							}
							idct4x4Store(dst, stride, &b)
							continue
						}
						switch {
						case d.blockSide != 8:
							idctScaled(&b, d.blockSide, hasAC)
						case hasAC:
							idct(&b)
						default:
							b.fill(dcOnly(b[0]))
						}
						if err := d.storeBlock(&b, bx, by, int(compIndex)); err != nil {
							return err
						}
					} // for jx
				} // for jy
			} // for i
			mcu++
			if d.ri > 0 && mcu%d.ri == 0 && mcu < mxx*myy {
				// For well-formed input, the RST[0-7] restart marker follows
				// immediately. For corrupt input, call findRST to try to
				// resynchronize.
				if err := d.readFull(d.tmp[:2]); err != nil {
					return err
				} else if d.tmp[0] != 0xff || d.tmp[1] != expectedRST {
					if err := d.findRST(expectedRST); err != nil {
						return err
					}
				}
				expectedRST++
				if expectedRST == rst7Marker+1 {
					expectedRST = rst0Marker
				}
				// Reset the Huffman decoder.
				d.bits = bits{}
				// Reset the DC components, as per section F.2.1.3.1.
				dc = [maxComponents]int32{}
				// Reset the progressive decoder state, as per section G.1.2.2.
				d.eobRun = 0
			}
		} // for mx
	} // for my

	return nil
}

// refine decodes a successive approximation refinement block, as specified in
// section G.1.2.
func (d *decoder) refine(b *block, h *huffman, zigStart, zigEnd, delta int32) error {
	// Refining a DC component is trivial.
	if zigStart == 0 {
		if zigEnd != 0 {
			panic("unreachable")
		}
		bit, err := d.decodeBit()
		if err != nil {
			return err
		}
		if bit {
			b[0] |= delta
		}
		return nil
	}

	// Refining AC components is more complicated; see sections G.1.2.2 and G.1.2.3.
	zig := zigStart
	if d.eobRun == 0 {
	loop:
		for ; zig <= zigEnd; zig++ {
			z := int32(0)
			value, err := d.decodeHuffman(h)
			if err != nil {
				return err
			}
			val0 := value >> 4
			val1 := value & 0x0f

			switch val1 {
			case 0:
				if val0 != 0x0f {
					d.eobRun = uint16(1 << val0)
					if val0 != 0 {
						bits, err := d.decodeBits(int32(val0))
						if err != nil {
							return err
						}
						d.eobRun |= uint16(bits)
					}
					break loop
				}
			case 1:
				z = delta
				bit, err := d.decodeBit()
				if err != nil {
					return err
				}
				if !bit {
					z = -z
				}
			default:
				return FormatError("unexpected Huffman code")
			}

			zig, err = d.refineNonZeroes(b, zig, zigEnd, int32(val0), delta)
			if err != nil {
				return err
			}
			if zig > zigEnd {
				return FormatError("too many coefficients")
			}
			if z != 0 {
				b[unzig[zig]] = z
			}
		}
	}
	if d.eobRun > 0 {
		d.eobRun--
		if _, err := d.refineNonZeroes(b, zig, zigEnd, -1, delta); err != nil {
			return err
		}
	}
	return nil
}

// refineNonZeroes refines non-zero entries of b in zig-zag order. If nz >= 0,
// the first nz zero entries are skipped over.
func (d *decoder) refineNonZeroes(b *block, zig, zigEnd, nz, delta int32) (int32, error) {
	for ; zig <= zigEnd; zig++ {
		u := unzig[zig]
		if b[u] == 0 {
			if nz == 0 {
				break
			}
			nz--
			continue
		}
		bit, err := d.decodeBit()
		if err != nil {
			return 0, err
		}
		if !bit {
			continue
		}
		if b[u] >= 0 {
			b[u] += delta
		} else {
			b[u] -= delta
		}
	}
	return zig, nil
}

func (d *decoder) reconstructProgressiveImage() error {
	// The mxx, by and bx variables have the same meaning as in the
	// processSOS method.
	mxx := (d.width + 8*d.maxH - 1) / (8 * d.maxH)
	for i := 0; i < d.nComp; i++ {
		if d.progCoeffs[i] == nil {
			continue
		}
		v := 8 * d.maxV / d.comp[i].v
		h := 8 * d.maxH / d.comp[i].h
		stride := mxx * d.comp[i].h
		for by := 0; by*v < d.height; by++ {
			for bx := 0; bx*h < d.width; bx++ {
				if err := d.reconstructBlock(&d.progCoeffs[i][by*stride+bx], bx, by, i); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// reconstructBlock dequantizes, performs the inverse DCT and stores the block
// to the image.
func (d *decoder) reconstructBlock(b *block, bx, by, compIndex int) error {
	qt := &d.quant[d.comp[compIndex].tq]
	for zig := 0; zig < blockSize; zig++ {
		b[unzig[zig]] *= qt[zig]
	}
	if d.blockSide != 8 {
		idctScaled(b, d.blockSide, true)
	} else {
		idct(b)
	}
	return d.storeBlock(b, bx, by, compIndex)
}

// storeBlock writes the inverse-transformed block b to the image, level
// shifted and clipped (the second half of image/jpeg's reconstructBlock).
// At a reduced scale b holds blockSide x blockSide values, row-major.
func (d *decoder) storeBlock(b *block, bx, by, compIndex int) error {
	bs := d.blockSide
	var h, v int
	if d.flex {
		// Flex mode: scale bx and by according to the component's sampling factors.
		h = d.comp[compIndex].expandH
		v = d.comp[compIndex].expandV
		bx, by = bx*h, by*v
	}

	dst, stride, err := d.blockDst(bx, by, compIndex)
	if err != nil {
		return err
	}

	if d.flex {
		// Flex mode: expand each source pixel to h×v destination pixels.
		for y := 0; y < bs; y++ {
			y8 := y * bs
			yv := y * v
			for x := 0; x < bs; x++ {
				val := uint8(max(0, min(255, b[y8+x]+128)))
				xh := x * h
				for yy := 0; yy < v; yy++ {
					for xx := 0; xx < h; xx++ {
						dst[(yv+yy)*stride+xh+xx] = val
					}
				}
			}
		}
		return nil
	}
	if bs != 8 {
		storeScaled(dst, stride, b, bs)
		return nil
	}
	levelShift(dst[:7*stride+8], stride, b)
	return nil
}

// blockDst is where block (bx, by) of component compIndex goes, from its
// top-left pixel on, and the row stride there.
func (d *decoder) blockDst(bx, by, compIndex int) ([]byte, int, error) {
	bs := d.blockSide
	if d.nComp == 1 {
		return d.img1.Pix[bs*(by*d.img1.Stride+bx):], d.img1.Stride, nil
	}
	switch compIndex {
	case 0:
		return d.img3.Y[bs*(by*d.img3.YStride+bx):], d.img3.YStride, nil
	case 1:
		return d.img3.Cb[bs*(by*d.img3.CStride+bx):], d.img3.CStride, nil
	case 2:
		return d.img3.Cr[bs*(by*d.img3.CStride+bx):], d.img3.CStride, nil
	case 3:
		return d.blackPix[bs*(by*d.blackStride+bx):], d.blackStride, nil
	}
	return nil, 0, UnsupportedError("too many components")
}

// levelShift shifts by +128, clips to [0, 255] and writes the 8x8 block to
// dst, whose rows are stride apart. Written out per row, with a clip that
// branches only out of range: the nested loops with the builtin min and
// max took 1.7 ms of a 424x424 image in wasm.
//
//go:noinline
func levelShift(dst []byte, stride int, b *block) {
	for y := 0; y < 8; y++ {
		row := (*[8]byte)(dst[y*stride : y*stride+8])
		src := (*[8]int32)(b[8*y : 8*y+8])
		row[0] = clip(src[0])
		row[1] = clip(src[1])
		row[2] = clip(src[2])
		row[3] = clip(src[3])
		row[4] = clip(src[4])
		row[5] = clip(src[5])
		row[6] = clip(src[6])
		row[7] = clip(src[7])
	}
}

// clip is uint8(max(0, min(255, v+128))).
func clip(v int32) uint8 {
	v += 128
	if uint32(v) > 255 {
		// 0 below the range, 255 above it
		return uint8(^(v >> 31))
	}
	return uint8(v)
}

// fill sets every value of b to v.
func (b *block) fill(v int32) {
	for i := range b {
		b[i] = v
	}
}

func (d *decoder) findRST(expectedRST uint8) error {
	for {
		// i is the index such that, at the bottom of the loop, we read 2-i
		// bytes into d.tmp[i:2], maintaining the invariant that d.tmp[:2]
		// holds the next two bytes of JPEG-encoded input. It is either 0 or 1,
		// so that each iteration advances by 1 or 2 bytes (or returns).
		i := 0

		if d.tmp[0] == 0xff {
			if d.tmp[1] == expectedRST {
				return nil
			} else if d.tmp[1] == 0xff {
				i = 1
			} else if d.tmp[1] != 0x00 {
				// libjpeg's jdmarker.c's jpeg_resync_to_restart does something
				// fancy here, treating RST markers within two (modulo 8) of
				// expectedRST differently from RST markers that are 'more
				// distant'. Until we see evidence that recovering from such
				// cases is frequent enough to be worth the complexity, we take
				// a simpler approach for now. Any marker that's not 0x00, 0xff
				// or expectedRST is a fatal FormatError.
				return FormatError("bad RST marker")
			}

		} else if d.tmp[1] == 0xff {
			d.tmp[0] = 0xff
			i = 1
		}

		if err := d.readFull(d.tmp[i:2]); err != nil {
			return err
		}
	}
}

// decodeAC decodes one block's AC coefficients zig..zigEnd (the loop of
// image/jpeg's processSOS, taken out of it: the Go wasm backend runs a
// small function's loop far faster than the same loop inside a large one).
// With qt, the baseline case, each coefficient is dequantized as it is
// stored; hasAC reports whether any was.
func (d *decoder) decodeAC(b *block, huff *huffman, zig, zigEnd int32, al uint32, qt *block) (hasAC bool, err error) {
	// The bit buffer stays in locals on the fast path (through d, the
	// compiler would load and store it for every coefficient) and goes
	// back to d.bits around everything else. It is topped up only when a
	// look-up lacks bits: fewer and longer refills, 0.96x in wasm against
	// topping up under 32 bits. zig is at most zigEnd (63) where it
	// indexes, so the masks only drop bounds checks.
	a, n := d.bits.a, d.bits.n
	for ; zig <= zigEnd; zig++ {
		if n < fastBits {
			d.bits.n = n
			a, n = d.fastFill()
		}
		if n >= fastBits {
			// The same bits decodeHuffman and receiveExtend would take,
			// in one look-up (huffman.fast).
			e := huff.fast[(a>>uint32(n-fastBits))&(1<<fastBits-1)]
			if l := e.length(); l != 0 {
				if e&(fastEOB|fastZRL) == 0 {
					if z := zig + e.run(); z <= zigEnd {
						n -= l
						zig = z
						v := e.value() << al
						if qt != nil {
							v *= qt[zig&63]
							hasAC = true
						}
						b[unzig[zig&63]&63] = v
						continue
					}
				} else if e&fastEOB != 0 {
					// eobRun is 0 here, and EOB leaves it so.
					d.bits.n = n - l
					return hasAC, nil
				} else {
					n -= l
					zig += 0x0f
					continue
				}
			}
		}
		d.bits.n = n
		done, stored, err := d.decodeACSlow(b, huff, &zig, zigEnd, al, qt)
		if err != nil {
			return false, err
		}
		hasAC = hasAC || stored
		if done {
			return hasAC, nil
		}
		a, n = d.bits.a, d.bits.n
	}
	d.bits.n = n
	return hasAC, nil
}

// decodeACSlow is image/jpeg's decoding of one AC code and its bits,
// through decodeHuffman and receiveExtend on d.bits, for what
// huffman.fast does not hold and where the bit-stream runs short. done
// says the block ends here (EOB, an EOB run, or a run past zigEnd);
// stored says a dequantized coefficient was stored.
func (d *decoder) decodeACSlow(b *block, huff *huffman, zig *int32, zigEnd int32, al uint32, qt *block) (done, stored bool, err error) {
	value, err := d.decodeHuffman(huff)
	if err != nil {
		return false, false, err
	}
	val0 := value >> 4
	val1 := value & 0x0f
	if val1 == 0 {
		if val0 != 0x0f {
			d.eobRun = uint16(1 << val0)
			if val0 != 0 {
				bits, err := d.decodeBits(int32(val0))
				if err != nil {
					return false, false, err
				}
				d.eobRun |= uint16(bits)
			}
			d.eobRun--
			return true, false, nil
		}
		*zig += 0x0f
		return false, false, nil
	}
	*zig += int32(val0)
	if *zig > zigEnd {
		return true, false, nil
	}
	ac, err := d.receiveExtend(val1)
	if err != nil {
		return false, false, err
	}
	if qt == nil {
		b[unzig[*zig]] = ac << al
		return false, false, nil
	}
	b[unzig[*zig]] = (ac << al) * qt[*zig]
	return false, true, nil
}

// decodeDC decodes a DC difference, as specified in section F.2.2.1: a
// code, then as many bits as its value says, in one look-up of
// huffman.fast when both fit.
func (d *decoder) decodeDC(h *huffman) (int32, error) {
	a, n := d.bits.a, d.bits.n
	if n < fastBits {
		a, n = d.fastFill()
	}
	if n >= fastBits {
		if e := h.fast[(a>>uint32(n-fastBits))&(1<<fastBits-1)]; e != 0 {
			d.bits.n = n - e.length()
			return e.value(), nil
		}
	}
	value, err := d.decodeHuffman(h)
	if err != nil {
		return 0, err
	}
	if value > 16 {
		return 0, UnsupportedError("excessive DC component")
	}
	return d.receiveExtend(value)
}

// storeFlat sets the s×s pixels at dst (rows stride apart) to v.
func storeFlat(dst []byte, stride, s int, v byte) {
	_ = dst[(s-1)*stride+s-1]
	for y := range s {
		row := dst[y*stride : y*stride+s]
		for x := range row {
			row[x] = v
		}
	}
}
