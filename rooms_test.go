package hiwl

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/hiwl/hiwl"

// room is the top folder of a package of this module ("model", "bench"),
// "" for one outside it; the root package is the room ".". A test binary
// (pkg.test) and an external test package (pkg_test) are in pkg's room.
func room(pkg string) string {
	pkg = strings.TrimSuffix(strings.TrimSuffix(pkg, ".test"), "_test")
	if pkg == module {
		return "."
	}
	rest, ok := strings.CutPrefix(pkg, module+"/")
	if !ok {
		return ""
	}
	r, _, _ := strings.Cut(rest, "/")
	return r
}

// products are the rooms that may import model but not each other.
var products = []string{"trainer", "wasm", "edge", "viewer"}

// allowed says whether a package in room from may import one in room to.
func allowed(from, to string) bool {
	switch {
	case from == to:
		return true
	case from == "bench": // the harness room runs them all
		return slices.Contains(products, to) || to == "model"
	case slices.Contains(products, from):
		return to == "model"
	}
	return false // model imports no sibling; the root imports nothing
}

// edge is one import: pkg imports imp.
type edge struct{ pkg, imp string }

// violations lists the imports between this module's packages that break
// the rule, one line each, naming the offending import.
func violations(edges []edge) []string {
	var out []string
	for _, e := range edges {
		from, to := room(e.pkg), room(e.imp)
		if from == "" || to == "" {
			continue
		}
		known := from == "." || from == "model" || from == "bench" || slices.Contains(products, from)
		switch {
		case !known:
			out = append(out, fmt.Sprintf("%s is in %s/, a folder the rule does not know: add it to rooms_test.go", e.pkg, from))
		case !allowed(from, to):
			out = append(out, fmt.Sprintf("%s imports %s: %s/ may not import %s/", e.pkg, e.imp, from, to))
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// imports lists every import of every package go list -deps reaches from
// ./..., tests included, for the environment env (GOOS, GOARCH, tags).
func imports(t *testing.T, env ...string) []edge {
	t.Helper()
	cmd := exec.Command("go", "list", "-e", "-deps", "-test",
		"-f", `{{.ImportPath}}{{range .Imports}} {{.}}{{end}}`, "./...")
	cmd.Env = append(os.Environ(), env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.String())
	}
	var edges []edge
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 0 {
			continue
		}
		// A test variant is "pkg [pkg.test]"; its imports are pkg's and
		// its tests'.
		pkg, _, _ := strings.Cut(f[0], " ")
		for _, imp := range f[1:] {
			if strings.HasPrefix(imp, "[") {
				continue // the rest of "pkg [pkg.test]"
			}
			imp, _, _ = strings.Cut(imp, " ")
			edges = append(edges, edge{pkg, imp})
		}
	}
	if len(edges) == 0 {
		t.Fatal("go list listed no imports")
	}
	return edges
}

// TestDependencyRule: model imports no other room; trainer, wasm, edge and
// viewer import model and never each other (or bench); only bench imports
// them all. Checked for the native build and for js/wasm, where the page
// and the edge worker are built.
func TestDependencyRule(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list over the module")
	}
	for _, env := range [][]string{nil, {"GOOS=js", "GOARCH=wasm"}} {
		build := "native"
		if env != nil {
			build = "js/wasm"
		}
		edges := imports(t, env...)
		seen := map[string]bool{}
		for _, e := range edges {
			seen[room(e.pkg)] = true
		}
		for _, r := range append([]string{"model", "bench"}, products...) {
			if !seen[r] && env == nil {
				t.Errorf("go list listed no package in %s/", r)
			}
		}
		for _, v := range violations(edges) {
			t.Errorf("%s build: %s", build, v)
		}
	}
}

// The checker itself, on imports that break the rule.
func TestViolations(t *testing.T) {
	m := func(p string) string { return module + "/" + p }
	bad := []edge{
		{m("model"), m("trainer/gzdata")},
		{m("trainer"), m("wasm/internal/webapi")},
		{m("edge/api"), m("bench/harness")},
		{m("viewer/gallery"), m("edge/api")},
		{m("tools/x"), m("model")},
		{m("wasm_test"), m("viewer")},
	}
	good := []edge{
		{m("trainer"), m("model")},
		{m("bench/crossruntime"), m("trainer/hiwlnet")},
		{m("bench/crossruntime"), m("edge/api")},
		{m("model/cmd/classify"), m("model/engine")},
		{m("wasm"), "github.com/owulveryck/onnx-go"},
		{m("edge/api.test"), m("edge/api")},
		{m("model_test"), m("model/engine")},
	}
	got := violations(append(bad, good...))
	if len(got) != len(bad) {
		t.Fatalf("%d violations, want %d:\n%s", len(got), len(bad), strings.Join(got, "\n"))
	}
	for _, want := range []string{
		"hiwl/model imports github.com/hiwl/hiwl/trainer/gzdata: model/ may not import trainer/",
		"trainer imports github.com/hiwl/hiwl/wasm/internal/webapi",
		"edge/ may not import bench/",
		"viewer/ may not import edge/",
		"tools/, a folder the rule does not know",
		"hiwl/wasm_test imports github.com/hiwl/hiwl/viewer: wasm/ may not import viewer/",
	} {
		if !slices.ContainsFunc(got, func(s string) bool { return strings.Contains(s, want) }) {
			t.Errorf("no violation mentions %q:\n%s", want, strings.Join(got, "\n"))
		}
	}
}
