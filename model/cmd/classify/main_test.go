package main

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/hiwl/hiwl/model"
)

func TestClassifyFilesAndFolders(t *testing.T) {
	clf, err := model.Open("")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	real, _ := filepath.Glob(filepath.Join("..", "..", "..", "..", "shared", "data", "gz-challenge-spiral", "validation", "spirals", "*.jpg"))
	if len(real) == 0 {
		t.Fatal("no real images in ../shared/data")
	}
	data, err := os.ReadFile(real[0])
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "a.jpg"), data, 0o644)
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("skip me"), 0o644)
	os.WriteFile(filepath.Join(dir, "bad.png"), []byte("not a png"), 0o644)
	got := files([]string{dir})
	if len(got) != 2 {
		t.Fatalf("files = %v, want a.jpg and bad.png", got)
	}
	p, err := clf.ClassifyFile(filepath.Join(dir, "a.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	want, err := clf.Classify(data)
	if err != nil {
		t.Fatal(err)
	}
	if p.Probabilities != want.Probabilities {
		t.Fatalf("CLI %v, library %v", p.Probabilities, want.Probabilities)
	}
	if _, err := clf.ClassifyFile(filepath.Join(dir, "bad.png")); !errors.Is(err, model.ErrNotImage) {
		t.Fatalf("bad file: %v", err)
	}
}
