package model

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// The page's bundled examples are real test-split galaxies that the
// embedded model classifies as their volunteers did (examples.json says
// so to every visitor). A new default model must keep that true, or the
// examples must change with it.
func TestBundledExamplesClassified(t *testing.T) {
	dir := filepath.Join("..", "wasm", "static", "examples")
	raw, err := os.ReadFile(filepath.Join(dir, "examples.json"))
	if err != nil {
		t.Fatal(err)
	}
	var list struct {
		Examples []struct{ File, Volunteers string }
	}
	if err := json.Unmarshal(raw, &list); err != nil {
		t.Fatal(err)
	}
	clf, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[Class]bool{}
	for _, e := range list.Examples {
		want, err := ParseClass(e.Volunteers)
		if err != nil {
			t.Fatalf("%s: %v", e.File, err)
		}
		p, err := clf.ClassifyFile(filepath.Join(dir, e.File))
		if err != nil {
			t.Fatal(err)
		}
		if p.Label != want {
			t.Errorf("%s: the default model says %v (%.3f), the volunteers %v", e.File, p.Label, p.Probabilities[p.Label], want)
		}
		if !p.Domain.Fitted || p.Domain.OutOfDomain {
			t.Errorf("%s: domain %+v, want a fitted score under 1: the examples are real cutouts", e.File, p.Domain)
		}
		seen[want] = true
	}
	if len(seen) != NumClasses {
		t.Errorf("the examples show %d of the %d classes", len(seen), NumClasses)
	}
}
