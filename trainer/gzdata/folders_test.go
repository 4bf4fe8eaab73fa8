package gzdata

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/hiwl/hiwl/model"
)

// tree writes files (path -> contents) under a new temporary directory.
func tree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestLoadFolders(t *testing.T) {
	dir := tree(t, map[string]string{
		"README.md":               "top-level files are ignored",
		"round/100.jpg":           "x",
		"round/101.JPEG":          "x",
		"spiral/sub/200.png":      "x",
		"spiral/notes.txt":        "not an image",
		"spiral/.DS_Store":        "hidden",
		"edge-on/m51-side.gif":    "x",
		".git/objects/ab":         "hidden folder",
		"in-between/.cache/1.jpg": "hidden folder",
	})
	d, err := Load(dir) // no CSV: class folders
	if err != nil {
		t.Fatal(err)
	}
	if d.Layout != LayoutFolders {
		t.Fatalf("layout %q", d.Layout)
	}
	var got []string
	for _, s := range d.Samples {
		rel, _ := filepath.Rel(dir, s.Path)
		got = append(got, filepath.ToSlash(rel)+":"+s.Class.Slug())
	}
	want := []string{"edge-on/m51-side.gif:edge-on", "round/100.jpg:round", "round/101.JPEG:round", "spiral/sub/200.png:spiral"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("samples %v, want %v", got, want)
	}
	if d.Samples[1].ID != 100 || d.Samples[0].ID != 0 {
		t.Fatalf("IDs %d %d: want the GalaxyID from a numeric name, else 0", d.Samples[1].ID, d.Samples[0].ID)
	}
	if d.Counts[model.Round] != 2 || d.Counts[model.Spiral] != 1 || d.Counts[model.Cigar] != 0 {
		t.Fatalf("counts %v", d.Counts)
	}
	if len(d.NotImages) != 1 || !strings.HasSuffix(d.NotImages[0], "notes.txt") || d.Rows != 5 {
		t.Fatalf("not images %v, rows %d", d.NotImages, d.Rows)
	}
	var report strings.Builder
	d.Report(&report)
	if !strings.Contains(report.String(), "class folders") || !strings.Contains(report.String(), "notes.txt") {
		t.Fatalf("report:\n%s", report.String())
	}
}

// A misspelt class folder would silently drop a class: it is refused, and
// the error names it and the accepted names.
func TestLoadFoldersUnknownName(t *testing.T) {
	dir := tree(t, map[string]string{"round/1.jpg": "x", "spirals/2.jpg": "x"})
	_, err := Load(dir)
	if !errors.Is(err, ErrUnknownClassFolder) || !strings.Contains(err.Error(), `"spirals"`) || !strings.Contains(err.Error(), "edge-on") {
		t.Fatalf("err = %v", err)
	}
	// Full class names are not folder names either: only slugs.
	dir = tree(t, map[string]string{"completely round smooth/1.jpg": "x"})
	if _, err := Load(dir); !errors.Is(err, ErrUnknownClassFolder) {
		t.Fatalf("full name as folder: %v", err)
	}
}

// The same folder tree and seed give the same split, stratified per class.
func TestLoadFoldersSplitDeterministic(t *testing.T) {
	files := map[string]string{}
	for i := 0; i < 40; i++ {
		files[filepath.Join("round", strings.Repeat("r", 1+i%3)+string(rune('a'+i%26))+".jpg")] = "x"
		files[filepath.Join("spiral", string(rune('a'+i%26))+strings.Repeat("s", 1+i/26)+".jpg")] = "x"
	}
	dir := tree(t, files)
	d, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	_, v1, t1 := Split(d.Samples, 3)
	d2, _ := Load(dir)
	_, v2, t2 := Split(d2.Samples, 3)
	if !reflect.DeepEqual(v1, v2) || !reflect.DeepEqual(t1, t2) || len(t1) == 0 {
		t.Fatal("same tree and seed, different split")
	}
	var per [model.NumClasses]int
	for _, s := range t1 {
		per[s.Class]++
	}
	if per[model.Round] != per[model.Spiral] || per[model.Round] == 0 {
		t.Fatalf("test split per class %v", per)
	}
}
