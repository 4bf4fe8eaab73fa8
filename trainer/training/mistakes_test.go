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
)

// The gallery has one captioned tile per misclassified image, drawn from
// the image (not left blank); it is not written when nothing is wrong, and
// an earlier one is then removed.
func TestMistakesPNG(t *testing.T) {
	clf, err := model.Default()
	if err != nil {
		t.Fatal(err)
	}
	samples := realSamples(t, 3, model.Round, model.Spiral, model.EdgeOn)
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

// Past MaxMistakesShown the gallery keeps the most confident of each true
// class, every class with a mistake at least once, and no more than the
// bound and a tile per class.
func TestMistakesPNGBounded(t *testing.T) {
	clf, err := model.Default()
	if err != nil {
		t.Fatal(err)
	}
	samples := realSamples(t, 2, model.Round, model.Cigar)
	one, err := Evaluate(clf, samples, nil)
	if err != nil {
		t.Fatal(err)
	}
	// 200 mistakes: 199 labelled with the class after the model's answer,
	// the last with a class none of those has (a share of 1/200 would
	// round to no tile).
	ev := &Evaluation{scale: one.scale, input: one.input}
	used := map[model.Class]bool{}
	for i := range 199 {
		s, p := one.Samples[i%len(samples)], one.Predictions[i%len(samples)]
		s.Class = (p.Label + 1) % model.NumClasses
		used[s.Class] = true
		ev.Samples = append(ev.Samples, s)
		ev.Predictions = append(ev.Predictions, p)
	}
	rare := model.Class(0)
	for used[rare] || rare == one.Predictions[0].Label {
		if rare++; int(rare) == model.NumClasses {
			t.Fatalf("no class left for a rare one: the four images' answers %v cover them", used)
		}
	}
	s := one.Samples[0]
	s.Class = rare
	ev.Samples = append(ev.Samples, s)
	ev.Predictions = append(ev.Predictions, one.Predictions[0])
	shown, total, err := ev.mistakesPNG(filepath.Join(t.TempDir(), MistakesFile))
	if err != nil {
		t.Fatal(err)
	}
	classes := map[model.Class]bool{}
	for _, s := range ev.Samples {
		classes[s.Class] = true
	}
	if total != 200 || shown < MaxMistakesShown-len(classes) || shown > MaxMistakesShown+len(classes) {
		t.Fatalf("%d shown of %d, want about %d", shown, total, MaxMistakesShown)
	}
	var idx []int
	for i := range ev.Samples {
		idx = append(idx, i)
	}
	kept := map[model.Class]int{}
	for _, i := range keepPerClass(idx, ev, MaxMistakesShown) {
		kept[ev.Samples[i].Class]++
	}
	for c := range classes {
		if kept[c] == 0 {
			t.Fatalf("class %v lost from the gallery: %v", c, kept)
		}
	}
}
