package galaxygen

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image/jpeg"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/hiwl/hiwl/model"
	gz "github.com/hiwl/hiwl/trainer/gzdata"
)

// Unit tests render at a small size where they can; 424 only where the
// size itself is under test.
const testSize = 128

func TestGenerateDeterministic(t *testing.T) {
	cfg := Config{N: 14, Seed: 3, Size: testSize, Ambiguous: 0.2}
	a, b, c := t.TempDir(), t.TempDir(), t.TempDir()
	cfg.Workers = 1
	if _, err := Generate(a, cfg); err != nil {
		t.Fatal(err)
	}
	cfg.Workers = 3
	if _, err := Generate(b, cfg); err != nil {
		t.Fatal(err)
	}
	sameTree(t, a, b)

	cfg.Seed = 4
	if _, err := Generate(c, cfg); err != nil {
		t.Fatal(err)
	}
	x, _ := os.ReadFile(filepath.Join(a, gz.SolutionsFile))
	y, _ := os.ReadFile(filepath.Join(c, gz.SolutionsFile))
	if bytes.Equal(x, y) {
		t.Fatal("seeds 3 and 4 gave the same votes")
	}
	x, _ = os.ReadFile(filepath.Join(a, gz.ImageDir, "100000.jpg"))
	y, _ = os.ReadFile(filepath.Join(c, gz.ImageDir, "100000.jpg"))
	if bytes.Equal(x, y) {
		t.Fatal("seeds 3 and 4 gave the same first image")
	}
}

// sameTree checks that two generated directories hold the same files with
// the same bytes, and no leftover temporary files.
func sameTree(t *testing.T, a, b string) {
	t.Helper()
	var names []string
	err := filepath.WalkDir(a, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(a, path)
		names = append(names, rel)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(names) != 15 {
		t.Fatalf("%d files, want 14 images and the CSV: %v", len(names), names)
	}
	for _, rel := range names {
		if strings.Contains(filepath.Base(rel), ".tmp") {
			t.Errorf("temporary file left: %s", rel)
		}
		x, err1 := os.ReadFile(filepath.Join(a, rel))
		y, err2 := os.ReadFile(filepath.Join(b, rel))
		if err1 != nil || err2 != nil || !bytes.Equal(x, y) {
			t.Errorf("%s differs between 1 and 3 workers (%v, %v)", rel, err1, err2)
		}
	}
}

func TestGenerateRoundTrip(t *testing.T) {
	dir := t.TempDir()
	// A high ambiguous share so that the boundary cases are exercised.
	s, err := Generate(dir, Config{N: 120, Seed: 11, Size: 64, Ambiguous: 0.3})
	if err != nil {
		t.Fatal(err)
	}
	d, err := gz.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Bad) > 0 || len(d.Ambiguous) > 0 || d.Rows != 120 {
		t.Fatalf("loader: %d rows, bad %v, ambiguous %v", d.Rows, d.Bad, d.Ambiguous)
	}
	if d.Counts != s.Selected || d.Unselected != s.Unselected {
		t.Fatalf("loader counts %v / %d unselected, generator says %v / %d", d.Counts, d.Unselected, s.Selected, s.Unselected)
	}
	// Drawn counts follow the mix exactly (largest remainders of 120*mix).
	want := [model.NumClasses]int{36, 36, 4, 14, 30}
	if s.Drawn != want {
		t.Errorf("drawn %v, want %v", s.Drawn, want)
	}
	selected := map[int64]model.Class{}
	for _, smp := range d.Samples {
		selected[smp.ID] = smp.Class
	}
	votes := readVotes(t, dir)
	var moved, dropped int
	for _, g := range s.Galaxies {
		v := votes[g.ID]
		if err := v.CheckTree(1e-5); err != nil {
			t.Errorf("galaxy %d: %v", g.ID, err)
		}
		got, ok := selected[g.ID]
		if ok != g.OK || (ok && got != g.Selected) {
			t.Errorf("galaxy %d: loader %v %v, generator %v %v", g.ID, got, ok, g.Selected, g.OK)
		}
		p := g.Params
		if !p.Ambiguous {
			if !ok || got != p.Class {
				t.Errorf("clear %v galaxy %d selected as %v (%v)", p.Class, g.ID, got, ok)
			}
			continue
		}
		switch {
		case !ok:
			dropped++
		case got == p.Toward:
			moved++
		case got != p.Class:
			t.Errorf("ambiguous %v->%v galaxy %d selected as %v", p.Class, p.Toward, g.ID, got)
		}
	}
	t.Logf("%d ambiguous: %d unselected, %d moved; selected %v drawn %v", s.Ambiguous, dropped, moved, s.Selected, s.Drawn)
	if s.Ambiguous < 20 || dropped == 0 || moved == 0 {
		t.Errorf("%d ambiguous galaxies: %d unselected, %d selected as the neighbour; want some of each", s.Ambiguous, dropped, moved)
	}
}

// readVotes parses the generated CSV directly (the loader keeps no votes).
func readVotes(t *testing.T, dir string) map[int64]gz.Votes {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, gz.SolutionsFile))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	if lines[0] != gz.IDColumn+","+strings.Join(gz.Columns[:], ",") {
		t.Fatalf("header %q", lines[0])
	}
	out := map[int64]gz.Votes{}
	for _, line := range lines[1:] {
		f := strings.Split(line, ",")
		var id int64
		var v gz.Votes
		if _, err := fmt.Sscan(f[0], &id); err != nil {
			t.Fatal(err)
		}
		for i := range v {
			if _, err := fmt.Sscan(f[i+1], &v[i]); err != nil {
				t.Fatal(err)
			}
		}
		out[id] = v
	}
	return out
}

func TestVotesFollowTheTree(t *testing.T) {
	// Many draws without rendering: every class, clear and ambiguous.
	for i := range 4000 {
		rng := rand.New(rand.NewPCG(99, uint64(i)))
		c := model.Class(i % model.NumClasses)
		amb := i%3 == 0
		p := drawParams(rng, c, amb, DefaultSize)
		p.Neighbour = i%4 == 0 // companions change Q6/Q8
		v := drawVotes(rng, &p)
		if err := v.CheckTree(1e-5); err != nil {
			t.Fatalf("%v (ambiguous %v): %v\n%v", c, amb, err, v)
		}
		for j, x := range v {
			if x < 0 || x > 1 {
				t.Fatalf("%v: %s = %v", c, gz.Columns[j], x)
			}
		}
		got, ok := gz.Select(&v)
		if !amb && (!ok || got != c) {
			t.Fatalf("clear %v selected as %v, %v: %v", c, got, ok, v)
		}
		if amb && ok && got != c && got != p.Toward {
			t.Fatalf("%v leaning to %v selected as %v", c, p.Toward, got)
		}
	}
}

func TestImagesAre424JPEGs(t *testing.T) {
	dir := t.TempDir()
	s, err := Generate(dir, Config{N: 5, Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range s.Galaxies {
		data, err := os.ReadFile(filepath.Join(dir, gz.ImageDir, strconv.FormatInt(g.ID, 10)+gz.ImageExt))
		if err != nil {
			t.Fatal(err)
		}
		img, err := jpeg.Decode(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%d: %v", g.ID, err)
		}
		if b := img.Bounds(); b.Dx() != 424 || b.Dy() != 424 {
			t.Fatalf("%d is %v", g.ID, b)
		}
		// The shared model package must accept what the trainer feeds it.
		if _, err := model.Decode(data); err != nil {
			t.Fatalf("model.Decode(%d): %v", g.ID, err)
		}
		st, _ := os.Stat(filepath.Join(dir, gz.ImageDir, strconv.FormatInt(g.ID, 10)+gz.ImageExt))
		if st.Mode().Perm() != 0o644 {
			t.Errorf("%d has mode %v", g.ID, st.Mode())
		}
	}
}

func TestConfigErrors(t *testing.T) {
	bad := map[string]Config{
		"no images":      {N: 0},
		"too many":       {N: MaxN + 1},
		"tiny":           {N: 1, Size: 16},
		"huge":           {N: 1, Size: 100000},
		"negative mix":   {N: 1, Mix: [model.NumClasses]float64{1, -1}},
		"NaN mix":        {N: 1, Mix: [model.NumClasses]float64{1, math.NaN()}},
		"quality":        {N: 1, Quality: 101},
		"ambiguous > 1":  {N: 1, Ambiguous: 1.5},
		"ID overflow":    {N: 10, FirstID: 1<<63 - 5},
		"negative ID":    {N: 1, FirstID: -1},
		"NaN ambiguous":  {N: 1, Ambiguous: math.NaN()},
		"quality -1":     {N: 1, Quality: -1},
		"infinite mix":   {N: 1, Mix: [model.NumClasses]float64{math.Inf(1)}},
		"size too small": {N: 1, Size: MinSize - 1},
	}
	for name, cfg := range bad {
		dir := t.TempDir()
		if _, err := Generate(dir, cfg); err == nil {
			t.Errorf("%s: no error", name)
		}
		if entries, _ := os.ReadDir(dir); len(entries) != 0 {
			t.Errorf("%s: wrote %d entries", name, len(entries))
		}
	}
	if _, err := Generate(filepath.Join(t.TempDir(), "file"), Config{N: 1, Size: 64}); err != nil {
		t.Errorf("a new directory should be created: %v", err)
	}
	f := filepath.Join(t.TempDir(), "file")
	os.WriteFile(f, nil, 0o644)
	if _, err := Generate(f, Config{N: 1, Size: 64}); err == nil {
		t.Error("generating into a file: no error")
	}
}

func TestMixAndClassPlan(t *testing.T) {
	cfg := Config{N: 50, Seed: 1, Size: 64, Mix: [model.NumClasses]float64{model.Cigar: 1, model.Spiral: 1}, Ambiguous: -1}
	s, err := Generate(t.TempDir(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if s.Drawn != [model.NumClasses]int{0, 0, 25, 0, 25} || s.Ambiguous != 0 || s.Selected != s.Drawn {
		t.Fatalf("drawn %v selected %v ambiguous %d", s.Drawn, s.Selected, s.Ambiguous)
	}
}

func TestGenerateCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	dir := t.TempDir()
	_, err := GenerateContext(ctx, dir, Config{N: 50, Size: 64})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if _, err := os.Stat(filepath.Join(dir, gz.SolutionsFile)); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a canceled run wrote the CSV (%v)", err)
	}
}

func TestProgress(t *testing.T) {
	var buf bytes.Buffer
	if _, err := Generate(t.TempDir(), Config{N: 6, Size: 64, Workers: 2, Progress: &buf}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "galaxygen: 6/6 images (100%)") || !strings.Contains(buf.String(), "/s") {
		t.Fatalf("progress output %q", buf.String())
	}
}

func TestRenderErrors(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	if _, _, err := Render(rng, model.Class(7), 424); err == nil {
		t.Error("class 7: no error")
	}
	if _, _, err := Render(rng, model.Round, 8); err == nil {
		t.Error("size 8: no error")
	}
	img, p, err := Render(rng, model.EdgeOn, 100)
	if err != nil || img.Bounds().Dx() != 100 || p.Class != model.EdgeOn || p.Ambiguous {
		t.Fatalf("Render: %v %v %+v", err, img.Bounds(), p)
	}
}
