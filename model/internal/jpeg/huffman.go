// Copyright 2009 The Go Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package jpeg

import (
	"io"
)

// maxCodeLength is the maximum (inclusive) number of bits in a Huffman code.
const maxCodeLength = 16

// maxNCodes is the maximum (inclusive) number of codes in a Huffman tree.
const maxNCodes = 256

// lutSize is the log-2 size of the Huffman decoder's look-up table.
const lutSize = 8

// huffman is a Huffman decoder, specified in section C.
type huffman struct {
	// length is the number of codes in the tree.
	nCodes int32
	// lut is the look-up table for the next lutSize bits in the bit-stream.
	// The high 8 bits of the uint16 are the encoded value. The low 8 bits
	// are 1 plus the code length, or 0 if the value is too large to fit in
	// lutSize bits.
	lut [1 << lutSize]uint16
	// vals are the decoded values, sorted by their encoding.
	vals [maxNCodes]uint8
	// minCodes[i] is the minimum code of length i, or -1 if there are no
	// codes of that length.
	minCodes [maxCodeLength]int32
	// maxCodes[i] is the maximum code of length i, or -1 if there are no
	// codes of that length.
	maxCodes [maxCodeLength]int32
	// valsIndices[i] is the index into vals of minCodes[i].
	valsIndices [maxCodeLength]int32
	// fast decodes, for the next fastBits bits, a code and the value bits
	// after it in one look-up, when both fit (see fastEntry). For an AC
	// table, EOB and ZRL are entries too. Most codes of a Galaxy Zoo image
	// fit, and decodeAC and decodeDC then skip decodeHuffman and
	// receiveExtend.
	fast [1 << fastBits]fastEntry
}

// fastBits is the log-2 size of huffman.fast: with a 64-bit bit buffer a
// look-up of 10 bits almost always has its bits, and decodes most
// coefficients that an 8-bit window missed (a code of 4 or 5 bits and 5
// value bits).
const fastBits = 10

// fastEntry is one huffman.fast entry: the bits it uses (code and value
// bits) in bits 0-4, 0 where they do not fit in fastBits; the zero run
// before an AC coefficient in bits 8-11; fastEOB or fastZRL; and the
// decoded (extended) value, signed, in bits 16-31.
type fastEntry uint32

const (
	fastEOB fastEntry = 1 << 12 // AC end of block: the run is 0 and no value follows
	fastZRL fastEntry = 1 << 13 // AC zero run of 16: no value follows
)

func (e fastEntry) length() int32 { return int32(e & 0x1f) }
func (e fastEntry) run() int32    { return int32(e >> 8 & 0x0f) }
func (e fastEntry) value() int32  { return int32(e) >> 16 }

// errShortHuffmanData means that an unexpected EOF occurred while decoding
// Huffman data.
var errShortHuffmanData = FormatError("short Huffman data")

// ensureNBits reads bytes from the byte buffer to ensure that d.bits.n is at
// least n. For best performance (avoiding function calls inside hot loops),
// the caller is the one responsible for first checking that d.bits.n < n.
func (d *decoder) ensureNBits(n int32) error {
	for {
		c, err := d.readByteStuffedByte()
		if err != nil {
			if err == io.ErrUnexpectedEOF {
				return errShortHuffmanData
			}
			return err
		}
		d.bits.a = d.bits.a<<8 | uint64(c)
		d.bits.n += 8
		if d.bits.n >= n {
			break
		}
	}
	return nil
}

// fastFill tops the bit buffer up to more than 56 bits with whole bytes
// taken straight from the byte buffer while they are plain data: an 0xff,
// which starts a stuffed byte or a marker, and an empty buffer are left to
// ensureNBits and readByteStuffedByte, so errors and the end of a scan come
// at the same bit as before. It cannot fail. Bytes it takes cannot be
// unread (nUnreadable = 0); those a scan leaves unused are data before the
// next 0xff, which the marker loop skips anyway. image/jpeg reads one byte
// per refill, and a Galaxy Zoo block's coefficients then mostly missed
// huffman.fast's window: TestSameAsImageJPEG and its damaged and fuzzed
// kin hold the pixels and errors to image/jpeg's. It returns the buffer,
// d.bits.a and d.bits.n, for callers that keep them in locals.
func (d *decoder) fastFill() (uint64, int32) {
	i, j := d.bytes.i, d.bytes.j
	a, n := d.bits.a, d.bits.n
	for n <= 56 && i < j {
		c := d.bytes.buf[i]
		if c == 0xff {
			break
		}
		i++
		a = a<<8 | uint64(c)
		n += 8
	}
	if i != d.bytes.i {
		d.bytes.i = i
		d.bytes.nUnreadable = 0
		d.bits = bits{a: a, n: n}
	}
	return a, n
}

// receiveExtend is the composition of RECEIVE and EXTEND, specified in section
// F.2.2.1.
//
// It returns the signed integer that's encoded in t bits, where t < 16. The
// possible return values are:
//
//   - t ==  0:   0
//   - t ==  1:   -1, +1
//   - t ==  2:   -3, -2, +2, +3
//   - t ==  3:   -7, -6, -5, -4, +4, +5, +6, +7
//   - ...
//   - t == 15:   -32767, -32766, ..., -16384, +16384, ..., +32766, +32767
func (d *decoder) receiveExtend(t uint8) (int32, error) {
	if d.bits.n < int32(t) {
		if err := d.ensureNBits(int32(t)); err != nil {
			return 0, err
		}
	}
	d.bits.n -= int32(t)
	s := int32(1) << t
	x := int32(d.bits.a>>uint8(d.bits.n)) & (s - 1)

	// This adjustment, assuming two's complement, is a branchless equivalent of:
	//
	// if x < s>>1 {
	//   x += ((-1) << t) + 1
	// }
	//
	// sign is either -1 or 0, depending on whether x is in the low or high
	// half of the range 0 .. 1<<t.
	sign := (x >> (t - 1)) - 1
	x += sign & (((-1) << t) + 1)

	return x, nil
}

// processDHT processes a Define Huffman Table marker, and initializes a huffman
// struct from its contents. Specified in section B.2.4.2.
func (d *decoder) processDHT(n int) error {
	for n > 0 {
		if n < 17 {
			return FormatError("DHT has wrong length")
		}
		if err := d.readFull(d.tmp[:17]); err != nil {
			return err
		}
		tc := d.tmp[0] >> 4
		if tc > maxTc {
			return FormatError("bad Tc value")
		}
		th := d.tmp[0] & 0x0f
		// The baseline th <= 1 restriction is specified in table B.5.
		if th > maxTh || (d.baseline && th > 1) {
			return FormatError("bad Th value")
		}
		h := &d.huff[tc][th]

		// Read nCodes and h.vals (and derive h.nCodes).
		// nCodes[i] is the number of codes with code length i.
		// h.nCodes is the total number of codes.
		h.nCodes = 0
		var nCodes [maxCodeLength]int32
		for i := range nCodes {
			nCodes[i] = int32(d.tmp[i+1])
			h.nCodes += nCodes[i]
		}
		if h.nCodes == 0 {
			return FormatError("Huffman table has zero length")
		}
		if h.nCodes > maxNCodes {
			return FormatError("Huffman table has excessive length")
		}
		n -= int(h.nCodes) + 17
		if n < 0 {
			return FormatError("DHT has wrong length")
		}
		if err := d.readFull(h.vals[:h.nCodes]); err != nil {
			return err
		}

		// Derive the look-up table.
		clear(h.lut[:])
		var x, code uint32
		for i := uint32(0); i < lutSize; i++ {
			code <<= 1
			for j := int32(0); j < nCodes[i]; j++ {
				// The codeLength is 1+i, so shift code by 8-(1+i) to
				// calculate the high bits for every 8-bit sequence
				// whose codeLength's high bits matches code.
				// The high 8 bits of lutValue are the encoded value.
				// The low 8 bits are 1 plus the codeLength.
				base := uint8(code << (7 - i))
				lutValue := uint16(h.vals[x])<<8 | uint16(2+i)
				for k := uint8(0); k < 1<<(7-i); k++ {
					h.lut[base|k] = lutValue
				}
				code++
				x++
			}
		}

		h.deriveFast(&nCodes, tc == acTable)

		// Derive minCodes, maxCodes, and valsIndices.
		var c, index int32
		for i, n := range nCodes {
			if n == 0 {
				h.minCodes[i] = -1
				h.maxCodes[i] = -1
				h.valsIndices[i] = -1
			} else {
				h.minCodes[i] = c
				h.maxCodes[i] = c + n - 1
				h.valsIndices[i] = index
				c += n
				index += n
			}
			c <<= 1
		}
	}
	return nil
}

// deriveFast fills fast from the code lengths: for each fastBits-bit
// sequence, the value decodeHuffman would return and, when its bits follow
// within the same fastBits, the coefficient receiveExtend would then read
// from them (for an AC table the zero run is the value's high nibble, and
// EOB and ZRL carry no bits). Codes longer than fastBits, progressive
// EOB runs (EOBn, n > 0) and values whose bits do not fit stay 0: the
// caller takes decodeHuffman's path. So does every code of a table with
// more codes of some length than that length allows, which no encoder
// writes: image/jpeg's look-up table wraps around for those, and only
// decodeHuffman reproduces what it then decodes.
func (h *huffman) deriveFast(nCodes *[maxCodeLength]int32, ac bool) {
	clear(h.fast[:])
	var code, x uint32
	for i := uint32(0); i < fastBits; i++ {
		codeLen := i + 1
		if code+uint32(nCodes[i]) > 1<<codeLen {
			clear(h.fast[:])
			return
		}
		for range nCodes[i] {
			v := h.vals[x]
			x++
			run, size := uint32(0), uint32(v)
			if ac {
				run, size = uint32(v>>4), uint32(v&0x0f)
			}
			base := code << (fastBits - codeLen)
			code++
			var flag fastEntry
			switch {
			case !ac && size > 16: // decodeDC refuses it: an error to report
				continue
			case ac && size == 0 && run == 0:
				flag = fastEOB
			case ac && size == 0 && run == 15:
				flag = fastZRL
			case ac && size == 0: // EOBn, progressive only
				continue
			}
			if codeLen+size > fastBits {
				continue
			}
			for k := range uint32(1) << (fastBits - codeLen) {
				var val int32
				if size > 0 {
					val = int32(k>>(fastBits-codeLen-size)) & (1<<size - 1)
					if val < 1<<(size-1) {
						val += (-1 << size) + 1
					}
				}
				h.fast[base|k] = fastEntry(uint32(val)<<16) | flag | fastEntry(run<<8) | fastEntry(codeLen+size)
			}
		}
		code <<= 1
	}
}

// decodeHuffman returns the next Huffman-coded value from the bit-stream,
// decoded according to h.
func (d *decoder) decodeHuffman(h *huffman) (uint8, error) {
	if h.nCodes == 0 {
		return 0, FormatError("uninitialized Huffman table")
	}

	if d.bits.n < 8 {
		d.fastFill()
	}
	if d.bits.n < 8 {
		if err := d.ensureNBits(8); err != nil {
			if err != errMissingFF00 && err != errShortHuffmanData {
				return 0, err
			}
			// There are no more bytes of data in this segment, but we may still
			// be able to read the next symbol out of the previously read bits.
			// First, undo the readByte that the ensureNBits call made.
			if d.bytes.nUnreadable != 0 {
				d.unreadByteStuffedByte()
			}
			goto slowPath
		}
	}
	if v := h.lut[(d.bits.a>>uint32(d.bits.n-lutSize))&0xff]; v != 0 {
		n := (v & 0xff) - 1
		d.bits.n -= int32(n)
		return uint8(v >> 8), nil
	}

slowPath:
	for i, code := 0, int32(0); i < maxCodeLength; i++ {
		if d.bits.n == 0 {
			if err := d.ensureNBits(1); err != nil {
				return 0, err
			}
		}
		d.bits.n--
		code |= int32(d.bits.a>>uint32(d.bits.n)) & 1
		if code <= h.maxCodes[i] {
			return h.vals[h.valsIndices[i]+code-h.minCodes[i]], nil
		}
		code <<= 1
	}
	return 0, FormatError("bad Huffman code")
}

func (d *decoder) decodeBit() (bool, error) {
	if d.bits.n == 0 {
		if err := d.ensureNBits(1); err != nil {
			return false, err
		}
	}
	d.bits.n--
	return d.bits.a>>uint32(d.bits.n)&1 != 0, nil
}

func (d *decoder) decodeBits(n int32) (uint32, error) {
	if d.bits.n < n {
		if err := d.ensureNBits(n); err != nil {
			return 0, err
		}
	}
	ret := uint32(d.bits.a >> uint32(d.bits.n-n))
	ret &= (1 << uint32(n)) - 1
	d.bits.n -= n
	return ret, nil
}
