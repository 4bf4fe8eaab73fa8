package jpeg

import (
	"bytes"
	"math/rand/v2"
	"testing"
)

// TestFastTable holds huffman.fast to decodeHuffman and receiveExtend, the
// path it short-cuts: for random valid tables (DC and AC, complete and
// not), every fastBits-bit window whose entry is set must decode to the
// same value (and run, EOB or ZRL) from the same number of bits, with
// random bits after the window. It also requires that many windows hit
// (they would all miss if the table decoded nothing).
func TestFastTable(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	const trials = 200
	allHits := 0
	for trial := range trials {
		ac := trial%2 == 1
		h := randomTable(t, rng, ac)
		hits := 0
		for w := range uint64(1) << fastBits {
			e := h.fast[w]
			if e == 0 {
				continue
			}
			hits++
			const tail = 20
			d := &decoder{}
			d.bits = bits{a: w<<tail | rng.Uint64N(1<<tail), n: fastBits + tail}
			value, err := d.decodeHuffman(h)
			if err != nil {
				t.Fatalf("trial %d window %#x: decodeHuffman: %v", trial, w, err)
			}
			run, size := uint8(0), value
			if ac {
				run, size = value>>4, value&0x0f
			}
			var got int32
			if size > 0 {
				if got, err = d.receiveExtend(size); err != nil {
					t.Fatalf("trial %d window %#x: receiveExtend: %v", trial, w, err)
				}
			}
			used := fastBits + tail - d.bits.n
			switch {
			case used != e.length():
				t.Fatalf("trial %d window %#x (value %#x): %d bits, the entry says %d", trial, w, value, used, e.length())
			case got != e.value():
				t.Fatalf("trial %d window %#x (value %#x): coefficient %d, the entry says %d", trial, w, value, got, e.value())
			case ac && int32(run) != e.run() && e&fastZRL == 0:
				t.Fatalf("trial %d window %#x (value %#x): run %d, the entry says %d", trial, w, value, run, e.run())
			case (e&fastEOB != 0) != (ac && value == 0x00):
				t.Fatalf("trial %d window %#x (value %#x): EOB flag %v", trial, w, value, e&fastEOB != 0)
			case (e&fastZRL != 0) != (ac && value == 0xf0):
				t.Fatalf("trial %d window %#x (value %#x): ZRL flag %v", trial, w, value, e&fastZRL != 0)
			}
		}
		allHits += hits
	}
	if share := float64(allHits) / (trials << fastBits); share < 0.4 {
		t.Errorf("only %.0f %% of the windows decode in one look-up", 100*share)
	}
}

// randomTable is a Huffman table, as processDHT builds it, with random code lengths (short codes
// first, as encoders build them, and within what the lengths allow) and
// distinct random values: DC sizes 0-11, or AC run/size bytes with EOB and
// ZRL among them.
func randomTable(t *testing.T, rng *rand.Rand, ac bool) *huffman {
	var pool []uint8
	if ac {
		pool = append(pool, 0x00, 0xf0)
		for r := range 16 {
			for s := 1; s <= 10; s++ {
				pool = append(pool, uint8(r<<4|s))
			}
		}
	} else {
		for s := range 12 {
			pool = append(pool, uint8(s))
		}
	}
	rng.Shuffle(len(pool), func(i, j int) { pool[i], pool[j] = pool[j], pool[i] })
	if ac { // the usual symbols take the short codes
		for i, v := range pool {
			if v == 0x00 || v == 0x01 || v == 0x02 || v == 0x11 {
				j := rng.IntN(i + 1)
				pool[i], pool[j] = pool[j], pool[i]
			}
		}
	}
	// A DHT segment, read by processDHT as a decoder reads it.
	seg := []byte{0}
	if ac {
		seg[0] = acTable << 4
	}
	total, free := 0, 1 // free: codes still unused at the current length
	for i := range maxCodeLength {
		free *= 2
		n := rng.IntN(min(free, len(pool)-total) + 1)
		if i == 0 {
			n = min(n, 1) // a one-bit code of each value would leave none
		}
		if n == free && total+n < len(pool) {
			n-- // keep room for longer codes while values remain
		}
		seg = append(seg, byte(n))
		total += n
		free -= n
	}
	seg = append(seg, pool[:total]...)
	d := &decoder{r: bytes.NewReader(seg)}
	if err := d.processDHT(len(seg)); err != nil {
		t.Fatal(err)
	}
	return &d.huff[seg[0]>>4][0]
}
