package galaxygen

import (
	"bytes"
	"flag"
	"image"
	"image/png"
	"os"
	"testing"

	"github.com/hiwl/hiwl/trainer/atomicfile"
)

var updateSamples = flag.Bool("update-samples", false, "rewrite "+samplesPath)

// samplesPath is the committed contact sheet, relative to this package.
const samplesPath = "../../docs/galaxygen-samples.png"

// TestSamplesSheet keeps docs/galaxygen-samples.png in step with the
// renderer: it must show what Sheet(1, 5, 424) draws today. After a
// deliberate change to the rendering, run go generate ./trainer/galaxygen
// (which passes -update-samples) and look at the new sheet.
func TestSamplesSheet(t *testing.T) {
	sheet, err := Sheet(1, 5, DefaultSize)
	if err != nil {
		t.Fatal(err)
	}
	if *updateSamples {
		var buf bytes.Buffer
		if err := png.Encode(&buf, sheet); err != nil {
			t.Fatal(err)
		}
		if err := atomicfile.WriteBytes(samplesPath, buf.Bytes()); err != nil {
			t.Fatal(err)
		}
		return
	}
	f, err := os.Open(samplesPath)
	if err != nil {
		t.Fatalf("%v (run go generate ./trainer/galaxygen)", err)
	}
	defer f.Close()
	committed, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	// A different CPU may round a few float32 operations differently
	// (fused multiply-add), so allow rare small differences, not a new look.
	if d := sheetDiff(sheet, committed); d > 0.001 {
		t.Fatalf("%s is out of date: %.2f%% of pixels differ by more than 2 levels (run go generate ./trainer/galaxygen)",
			samplesPath, 100*d)
	}
}

// sheetDiff is the share of pixels where any channel differs by more than 2.
func sheetDiff(a *image.RGBA, b image.Image) float64 {
	if a.Bounds() != b.Bounds() {
		return 1
	}
	bad := 0
	r := a.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			r1, g1, b1, _ := a.At(x, y).RGBA()
			r2, g2, b2, _ := b.At(x, y).RGBA()
			for _, d := range [3]int{int(r1>>8) - int(r2>>8), int(g1>>8) - int(g2>>8), int(b1>>8) - int(b2>>8)} {
				if d > 2 || d < -2 {
					bad++
					break
				}
			}
		}
	}
	return float64(bad) / float64(r.Dx()*r.Dy())
}
