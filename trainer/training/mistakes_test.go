package training

import (
	"errors"
	"image"
	"image/png"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/hiwl/hiwl/model"
	"github.com/hiwl/hiwl/trainer/gzdata"
)

// The gallery has one captioned tile per misclassified image, drawn from
// the image (not left blank); it is not written when nothing is wrong, and
// an earlier one is then removed.
func TestMistakesPNG(t *testing.T) {
	clf, err := model.Default()
	if err != nil {
		t.Fatal(err)
	}
	var samples []gzdata.Sample
	for _, c := range []string{"round", "spiral", "edge-on"} {
		files, _ := filepath.Glob(filepath.Join("..", "..", "..", "shared", "data", "gz-challenge-5class", c, "*.jpg"))
		if len(files) < 3 {
			t.Fatalf("no real %s images (the repository expects shared/ beside it)", c)
		}
		for _, f := range files[:3] {
			samples = append(samples, gzdata.Sample{Path: f})
		}
	}
	ev, err := Evaluate(clf, samples, nil)
	if err != nil {
		t.Fatal(err)
	}
	// Labelled as the model answers: no mistake, no file.
	for i, p := range ev.Predictions {
		ev.Samples[i].Class = p.Label
	}
	dir := t.TempDir()
	if err := ev.Write(dir, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, MistakesFile)); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("a gallery without mistakes: %v", err)
	}
	// Every image called something else: nine mistakes, two rows.
	for i, p := range ev.Predictions {
		ev.Samples[i].Class = (p.Label + 1) % model.NumClasses
	}
	if err := ev.Write(dir, nil); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(filepath.Join(dir, MistakesFile))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	rows := (len(samples) + tilesPerRow - 1) / tilesPerRow
	if h := img.Bounds().Dy(); h != headerH+rows*(tileSide+tileCaption+tileGap)+tileGap {
		t.Fatalf("gallery %d px high for %d tiles", h, len(samples))
	}
	// The last tile holds a galaxy: its centre is brighter than its corner.
	defer func() {
		// All right again: the old gallery goes.
		for i, p := range ev.Predictions {
			ev.Samples[i].Class = p.Label
		}
		if err := ev.Write(dir, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(filepath.Join(dir, MistakesFile)); !errors.Is(err, fs.ErrNotExist) {
			t.Fatalf("the earlier gallery stayed: %v", err)
		}
	}()
	k := len(samples) - 1
	x := tileGap + (k%tilesPerRow)*(tileSide+tileGap)
	y := headerH + (k/tilesPerRow)*(tileSide+tileCaption+tileGap)
	if lum(img, x+tileSide/2, y+tileSide/2) <= lum(img, x+2, y+2)+20 {
		t.Fatalf("tile %d: centre %d, corner %d: no galaxy drawn", k, lum(img, x+tileSide/2, y+tileSide/2), lum(img, x+2, y+2))
	}
}

func lum(img image.Image, x, y int) int {
	r, g, b, _ := img.At(x, y).RGBA()
	return int(r>>8 + g>>8 + b>>8)
}
