package training

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hiwl/hiwl/model"
	"github.com/hiwl/hiwl/trainer/gzdata"
)

// A class-folder tree with a corrupt image: the corrupt file is reported
// with its path and skipped, every other image is classified and scored.
func TestEvaluateClassFoldersSkipsCorruptImage(t *testing.T) {
	src := filepath.Join("..", "..", "..", "shared", "data", "gz-challenge-5class")
	dir := t.TempDir()
	for _, c := range []string{"round", "spiral"} {
		files, _ := filepath.Glob(filepath.Join(src, c, "*.jpg"))
		if len(files) < 2 {
			t.Fatalf("no real images in %s (the repository expects shared/ beside it)", filepath.Join(src, c))
		}
		if err := os.MkdirAll(filepath.Join(dir, c), 0o755); err != nil {
			t.Fatal(err)
		}
		for _, f := range files[:2] {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, c, filepath.Base(f)), data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	files, _ := filepath.Glob(filepath.Join(dir, "round", "*.jpg"))
	good, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	corrupt := filepath.Join(dir, "spiral", "999999.jpg")
	if err := os.WriteFile(corrupt, good[:len(good)/3], 0o644); err != nil {
		t.Fatal(err)
	}
	ds, err := gzdata.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(ds.Samples) != 5 {
		t.Fatalf("%d samples, want 5", len(ds.Samples))
	}
	clf, err := model.Default()
	if err != nil {
		t.Fatal(err)
	}
	ev, err := Evaluate(clf, ds.Samples, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(ev.Skipped) != 1 || !strings.Contains(ev.Skipped[0].Error(), corrupt) {
		t.Fatalf("skipped %v, want the corrupt file by path", ev.Skipped)
	}
	if ev.Metrics.Total != 4 || len(ev.Predictions) != 4 {
		t.Fatalf("scored %d images, want 4", ev.Metrics.Total)
	}
	if err := ev.Write(t.TempDir(), nil); err != nil {
		t.Fatal(err)
	}
}
