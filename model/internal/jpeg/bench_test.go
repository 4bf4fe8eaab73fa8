package jpeg

import (
	"bytes"
	"os"
	"testing"
)

// BenchmarkDecodeScaled decodes a real Galaxy Zoo JPEG (424x424) at full
// size and at half size; run it as wasm too.
func BenchmarkDecodeScaled(b *testing.B) {
	data, err := os.ReadFile("../../../wasm/static/examples/848953.jpg")
	if err != nil {
		b.Fatal(err)
	}
	for _, d := range []int{1, 2, 4} {
		b.Run([]string{1: "1", 2: "2", 4: "4"}[d], func(b *testing.B) {
			for b.Loop() {
				if _, err := DecodeScaled(bytes.NewReader(data), d); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
