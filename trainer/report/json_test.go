package report

import (
	"encoding/json"
	"errors"
	"github.com/hiwl/hiwl/trainer/atomicfile"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func equalMetrics(a, b *Metrics) bool { return reflect.DeepEqual(a, b) }

// onlyFile fails unless dir holds exactly name: no temporary files are left
// behind by an atomic write.
func onlyFile(t *testing.T, dir, name string) {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	if len(names) != 1 || names[0] != name {
		t.Errorf("directory holds %q, want only %q", names, name)
	}
}

func TestJSONRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		name    string
		classes []string
		conf    [][]int
	}{
		{"galaxy", galaxyClasses, [][]int{{97, 3, 0, 0, 0}, {4, 90, 2, 1, 3}, {0, 3, 6, 1, 0}, {0, 0, 1, 48, 1}, {0, 2, 0, 0, 98}}},
		{"undefined", []string{"a", "b", "c"}, [][]int{{3, 0, 1}, {1, 0, 0}, {0, 0, 0}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := FromConfusion(tc.classes, tc.conf)
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			path := filepath.Join(dir, "metrics.json")
			if err := m.WriteJSON(path); err != nil {
				t.Fatal(err)
			}
			got, err := ReadJSON(path)
			if err != nil {
				t.Fatal(err)
			}
			if !equalMetrics(m, got) {
				t.Errorf("round trip changed the metrics:\n got %+v\nwant %+v", got, m)
			}
			onlyFile(t, dir, "metrics.json")

			// The field names are the documented ones (the trainer and
			// anything reading the file rely on them).
			data, _ := os.ReadFile(path)
			var raw map[string]any
			if err := json.Unmarshal(data, &raw); err != nil {
				t.Fatal(err)
			}
			for _, k := range []string{"classes", "confusion", "total", "accuracy", "per_class", "macro_precision", "macro_recall", "macro_f1"} {
				if _, ok := raw[k]; !ok {
					t.Errorf("JSON lacks %q: %s", k, data)
				}
			}
			pc := raw["per_class"].([]any)[0].(map[string]any)
			for _, k := range []string{"class", "precision", "recall", "f1", "support", "predicted"} {
				if _, ok := pc[k]; !ok {
					t.Errorf("per_class entry lacks %q", k)
				}
			}
		})
	}
}

func TestWriteJSONReplacesAtomically(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "metrics.json")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	m, _ := FromConfusion([]string{"a", "b"}, [][]int{{1, 0}, {1, 1}})
	if err := m.WriteJSON(path); err != nil {
		t.Fatal(err)
	}
	if got, err := ReadJSON(path); err != nil || !equalMetrics(got, m) {
		t.Fatalf("after replace: %v, %v", got, err)
	}
	onlyFile(t, dir, "metrics.json")

	// A write that fails half way leaves the previous file untouched and
	// no temporary file behind.
	before, _ := os.ReadFile(path)
	err := atomicfile.Write(path, func(w io.Writer) error {
		w.Write([]byte(`{"partial":`))
		return errors.New("disk on fire")
	})
	if err == nil || !strings.Contains(err.Error(), "disk on fire") {
		t.Fatalf("err = %v", err)
	}
	after, _ := os.ReadFile(path)
	if string(before) != string(after) {
		t.Errorf("failed write changed the file: %q", after)
	}
	onlyFile(t, dir, "metrics.json")

	if err := m.WriteJSON(filepath.Join(dir, "missing", "m.json")); err == nil {
		t.Error("writing into a missing directory succeeded")
	}
	if err := m.WriteJSON(""); err == nil {
		t.Error("writing to an empty path succeeded")
	}
}

func TestReadJSONRejectsBadFiles(t *testing.T) {
	dir := t.TempDir()
	good, _ := FromConfusion([]string{"a", "b"}, [][]int{{2, 1}, {0, 3}})
	goodPath := filepath.Join(dir, "good.json")
	if err := good.WriteJSON(goodPath); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(goodPath)
	tampered := strings.Replace(string(data), `"accuracy": 0.8333333333333334`, `"accuracy": 0.99`, 1)
	if tampered == string(data) {
		t.Fatalf("test setup: accuracy not found in %s", data)
	}
	for name, content := range map[string]string{
		"not json":    "hello",
		"truncated":   string(data[:len(data)/2]),
		"tampered":    tampered,
		"empty":       "",
		"no samples":  `{"classes":["a"],"confusion":[[0]]}`,
		"wrong shape": `{"classes":["a","b"],"confusion":[[1]]}`,
	} {
		p := filepath.Join(dir, strings.ReplaceAll(name, " ", "_")+".json")
		os.WriteFile(p, []byte(content), 0o644)
		if m, err := ReadJSON(p); err == nil {
			t.Errorf("%s: read %+v without error", name, m)
		}
	}
	if _, err := ReadJSON(filepath.Join(dir, "absent.json")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("absent file: %v", err)
	}
}
