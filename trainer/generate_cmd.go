package main

import (
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/hiwl/hiwl/model"

	"github.com/hiwl/hiwl/trainer/galaxygen"
)

func runGenerate(args []string) error {
	// Quality 75 is what the real Challenge JPEGs were saved with.
	cfg := galaxygen.Config{N: 6000, Seed: 1, Quality: 75}
	fs := flag.NewFlagSet("generate", flag.ContinueOnError)
	fs.Usage = usageFor(fs, "generate", "render procedural galaxies in the Galaxy Zoo Challenge layout (vote-fraction CSV + JPEGs)",
		"trainer generate -out data/synth -n 6000 -seed 1")
	out := fs.String("out", "data/synth", "output folder (Challenge layout)")
	fs.IntVar(&cfg.N, "n", cfg.N, "number of galaxies")
	fs.Int64Var(&cfg.Seed, "seed", cfg.Seed, "random seed (same seed, same files)")
	fs.IntVar(&cfg.Quality, "quality", cfg.Quality, "JPEG quality 1-100")
	fs.IntVar(&cfg.Workers, "workers", 0, "rendering goroutines (0: one per CPU)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg.Progress = os.Stderr
	sum, err := galaxygen.Generate(*out, cfg)
	if err != nil {
		return err
	}
	fmt.Printf("wrote %d galaxies to %s in %s (%.1f images/s); selected per class:", len(sum.Galaxies), *out, sum.Elapsed.Round(time.Second), sum.Rate())
	for _, c := range model.Classes {
		fmt.Printf(" %s %d", c.Slug(), sum.Selected[c])
	}
	fmt.Printf(", unselected %d\n", sum.Unselected)
	return nil
}
