package cfbind

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
)

// TestWasmExecMatchesToolchain: the bundle's wasm_exec.js is
// syumai/workers' (edge.mk copies it), and it must be the JavaScript half
// of the Go runtime that compiles app.wasm. syumai/workers' copy is Go's
// with a runtime context added to Go.run (a Proxy over globalThis that
// answers "context"); with those lines set aside, the two must be equal.
func TestWasmExecMatchesToolchain(t *testing.T) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/syumai/workers").Output()
	if err != nil {
		t.Fatalf("finding github.com/syumai/workers: %v", err)
	}
	dir := strings.TrimSpace(string(out))
	theirs, err := os.ReadFile(filepath.Join(dir, "cmd", "workers-assets-gen", "assets", "wasm_exec_go.js"))
	if err != nil {
		t.Fatal(err)
	}
	goroot, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		t.Fatal(err)
	}
	ours, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(goroot)), "lib", "wasm", "wasm_exec.js"))
	if err != nil {
		t.Fatal(err)
	}
	// syumai/workers' additions, and its dropped licence header line.
	proxy := regexp.MustCompile(`(?s)\n\t\t\tconst globalProxy = new Proxy\(globalThis, \{.*?\n\t\t\t\}\)\n`)
	norm := func(b []byte) string {
		s := proxy.ReplaceAllString(string(b), "\n")
		s = strings.ReplaceAll(s, "async run(instance, context) {", "async run(instance) {")
		s = strings.ReplaceAll(s, "globalProxy", "globalThis")
		s = strings.TrimPrefix(s, "// Copyright 2018 The Go Authors. All rights reserved.\n")
		return s
	}
	a, b := norm(theirs), norm(ours)
	if a != b {
		la, lb := strings.Split(a, "\n"), strings.Split(b, "\n")
		for i := 0; i < len(la) && i < len(lb); i++ {
			if la[i] != lb[i] {
				t.Fatalf("syumai/workers' wasm_exec.js differs from %s's at line %d:\n  theirs: %s\n  go's:   %s",
					runtime.Version(), i+1, la[i], lb[i])
			}
		}
		t.Fatalf("syumai/workers' wasm_exec.js differs from %s's in length (%d against %d lines)", runtime.Version(), len(la), len(lb))
	}
	if !bytes.Contains(theirs, []byte("prop === 'context'")) {
		t.Errorf("syumai/workers' wasm_exec.js no longer answers globalThis.context: the entry module depends on it")
	}
}
