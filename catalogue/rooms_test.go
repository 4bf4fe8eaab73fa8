package catalogue

import (
	"os/exec"
	"strings"
	"testing"
)

// This module is a room beside trainer, wasm, edge and viewer: of the root
// module it imports model only (the root's TestDependencyRule does not see
// a module of its own, so the rule is checked here).
func TestImportsOnlyModel(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list over the module")
	}
	out, err := exec.Command("go", "list", "-deps", "-test", "-f", "{{.ImportPath}}", "./...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	const root, self = "github.com/hiwl/hiwl", "github.com/hiwl/hiwl/catalogue"
	model := 0
	for _, p := range strings.Fields(string(out)) {
		switch {
		case p == self || strings.HasPrefix(p, self+"/") || strings.HasPrefix(p, self+".") || strings.HasPrefix(p, self+"_"):
		case p == root+"/model" || strings.HasPrefix(p, root+"/model/"):
			model++
		case p == root || strings.HasPrefix(p, root+"/"):
			t.Errorf("catalogue/ imports %s: of the root module it may import model only", p)
		}
	}
	if model == 0 {
		t.Error("go list found no model package among the imports")
	}
}
