package gzdata

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzLoadFolders builds a folder tree from newline-separated relative
// paths and checks that LoadFolders either refuses it with an error or
// accounts for every file: each sample lies under the folder of its class,
// the counts add up, and files that are not images are listed, not used.
func FuzzLoadFolders(f *testing.F) {
	f.Add("round/1.jpg\nspiral/2.png\nspiral/notes.txt")
	f.Add("edge-on/a/b/c.GIF\n.hidden/x.jpg\nREADME.md")
	f.Add("spirals/1.jpg")
	f.Add("cigar/\nin-between/x.jpeg")
	f.Fuzz(func(t *testing.T, list string) {
		dir := t.TempDir()
		made := 0
		for _, p := range strings.Split(list, "\n") {
			if p == "" || len(p) > 80 || made > 20 || !filepath.IsLocal(p) || strings.ContainsAny(p, "\x00\\:") {
				continue
			}
			full := filepath.Join(dir, p)
			if strings.HasSuffix(p, "/") {
				if os.MkdirAll(full, 0o755) == nil {
					made++
				}
				continue
			}
			if os.MkdirAll(filepath.Dir(full), 0o755) != nil || os.WriteFile(full, []byte("x"), 0o644) != nil {
				continue
			}
			made++
		}
		d, err := LoadFolders(dir)
		if err != nil {
			return
		}
		total := 0
		for _, n := range d.Counts {
			total += n
		}
		if total != len(d.Samples) || len(d.Samples)+len(d.NotImages) != d.Rows {
			t.Fatalf("counts %v, %d samples, %d not images, %d rows", d.Counts, len(d.Samples), len(d.NotImages), d.Rows)
		}
		for _, s := range d.Samples {
			rel, err := filepath.Rel(dir, s.Path)
			if err != nil || strings.SplitN(filepath.ToSlash(rel), "/", 2)[0] != s.Class.Slug() {
				t.Fatalf("sample %s labelled %s", rel, s.Class.Slug())
			}
		}
	})
}
