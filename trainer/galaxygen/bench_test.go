package galaxygen

import (
	"bytes"
	"image/jpeg"
	"math/rand/v2"
	"testing"

	"github.com/hiwl/hiwl/model"
)

// BenchmarkGenerate measures whole-pipeline throughput (render, encode,
// atomic write, CSV) at 424x424 with one worker per CPU; images/s is the
// number to compare with the 50 images/s target on 2 cores. cpu-ms/image
// is the CPU time each image costs, which other load on the machine
// inflates less than the wall clock: 2000/cpu-ms is the rate two idle
// cores would reach.
func BenchmarkGenerate(b *testing.B) {
	dir := b.TempDir()
	cpu := cpuTime()
	b.ResetTimer()
	s, err := Generate(dir, Config{N: b.N, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(s.Rate(), "images/s")
	if used := cpuTime() - cpu; used > 0 {
		b.ReportMetric(used.Seconds()*1000/float64(b.N), "cpu-ms/image")
	}
}

// BenchmarkRender is one galaxy on one core, split into its stages.
func BenchmarkRender(b *testing.B) {
	c := newCanvas(DefaultSize)
	rng := rand.New(rand.NewPCG(1, 2))
	var buf bytes.Buffer
	for i := 0; b.Loop(); i++ {
		p := drawParams(rng, model.Class(i%model.NumClasses), false, DefaultSize)
		img := paint(c, rng, &p)
		buf.Reset()
		if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: DefaultQuality}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkStages(b *testing.B) {
	c := newCanvas(DefaultSize)
	rng := rand.New(rand.NewPCG(1, 2))
	p := drawParams(rng, model.Spiral, false, DefaultSize)
	b.Run("spiral", func(b *testing.B) {
		for b.Loop() {
			c.clear()
			drawSpiral(c, rng, &p)
		}
	})
	b.Run("field", func(b *testing.B) {
		for b.Loop() {
			drawField(c, rng, &p)
		}
	})
	b.Run("spiral+noise", func(b *testing.B) {
		for b.Loop() {
			c.clear() // noise goes onto mostly empty sky
			drawSpiral(c, rng, &p)
			c.addNoise(rng, 0.5, 0.01)
		}
	})
	b.Run("blur", func(b *testing.B) {
		for b.Loop() {
			c.blur(2)
		}
	})
	b.Run("stretch", func(b *testing.B) {
		for b.Loop() {
			c.stretch(skyPedestal, white)
		}
	})
	b.Run("jpeg", func(b *testing.B) {
		var buf bytes.Buffer
		for b.Loop() {
			buf.Reset()
			jpeg.Encode(&buf, c.img, &jpeg.Options{Quality: DefaultQuality})
		}
	})
}
