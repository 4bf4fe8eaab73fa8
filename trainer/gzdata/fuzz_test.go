package gzdata

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/hiwl/hiwl/model"
)

// FuzzRead feeds arbitrary bytes to the Challenge CSV reader as
// training_solutions_rev1.csv, next to an image folder holding galaxies 1
// to 3: it must return an error or a Dataset that accounts for every row
// (selected + unselected + ambiguous + bad), never panic. The committed
// corpus is in testdata/fuzz/FuzzRead; `make fuzz` runs it for longer.
func FuzzRead(f *testing.F) {
	header := IDColumn + "," + strings.Join(Columns[:], ",")
	row := func(id string, v Votes) string {
		var b strings.Builder
		b.WriteString(id)
		for _, x := range v {
			b.WriteString("," + strconv.FormatFloat(x, 'g', -1, 64))
		}
		return b.String()
	}
	var zero Votes
	// One selected galaxy of each class (votes, from gzdata_test.go, builds
	// consistent fractions), then the edge cases.
	var valid strings.Builder
	valid.WriteString(header + "\n")
	for i, c := range model.Classes {
		valid.WriteString(row(strconv.Itoa(i%3+1+3*(i/3)), votes(f, c)) + "\n")
	}
	f.Add([]byte(valid.String()))
	f.Add([]byte(header + "\n"))
	f.Add([]byte(header + "\n" + row("1", zero) + "\n" + row("2", votes(f, model.Cigar)) + "\n"))
	f.Add([]byte("\ufeff" + header + "\n" + row("3", zero) + "\n" + row("3", zero) + "\n" + row("x", zero) + "\n"))
	f.Add([]byte(header + "\n1,\"0.5\n2,0.1\n"))
	f.Add([]byte("GalaxyID,Class1.1\n1,0.5\n"))
	f.Add([]byte{})

	dir := f.TempDir()
	imgDir := filepath.Join(dir, ImageDir)
	if err := os.Mkdir(imgDir, 0o755); err != nil {
		f.Fatal(err)
	}
	for _, id := range []string{"1", "2", "3"} {
		if err := os.WriteFile(filepath.Join(imgDir, id+ImageExt), []byte("jpeg"), 0o644); err != nil {
			f.Fatal(err)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := read(bytes.NewReader(data), dir, imgDir)
		if err != nil {
			if d != nil {
				t.Fatalf("read returned a Dataset and %v", err)
			}
			return
		}
		if got := len(d.Samples) + d.Unselected + len(d.Ambiguous) + len(d.Bad); got != d.Rows {
			t.Fatalf("%d rows, but %d selected + %d unselected + %d ambiguous + %d bad",
				d.Rows, len(d.Samples), d.Unselected, len(d.Ambiguous), len(d.Bad))
		}
		counted := 0
		for _, n := range d.Counts {
			counted += n
		}
		if counted != len(d.Samples) || d.MissingImages > len(d.Bad) {
			t.Fatalf("counts %v for %d samples; %d missing images of %d bad", d.Counts, len(d.Samples), d.MissingImages, len(d.Bad))
		}
		for _, s := range d.Samples {
			if s.ID < 1 || s.ID > 3 || int(s.Class) < 0 || int(s.Class) >= len(d.Counts) {
				t.Fatalf("sample %+v: only galaxies 1-3 have images", s)
			}
		}
		for _, e := range append(append([]RowError{}, d.Ambiguous...), d.Bad...) {
			if e.Line < 2 || e.Err == nil {
				t.Fatalf("row error %+v: lines start at 2 (after the header)", e)
			}
		}
	})
}
