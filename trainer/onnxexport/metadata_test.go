package onnxexport

import (
	"bytes"
	"errors"
	"testing"

	"github.com/hiwl/hiwl/model"
	"github.com/hiwl/hiwl/trainer/hiwlnet"
)

// SetMetadata replaces the entries it is given, keeps the others and the
// rest of the file, and a second run over its own output changes nothing
// more: the in-domain fit can be rerun on a fitted model.
func TestSetMetadata(t *testing.T) {
	arch := hiwlnet.NewArch(16, 4, 4, 4)
	data, err := Marshal(arch, arch, hiwlnet.NewParams(arch, model.NumA, 1), hiwlnet.NewParams(arch, model.NumB, 2),
		Info{Version: "v", Doc: "doc", Metadata: map[string]string{"keep": "1", "replace": "old"}})
	if err != nil {
		t.Fatal(err)
	}
	before, err := model.ReadMetadata(data)
	if err != nil {
		t.Fatal(err)
	}
	out, err := SetMetadata(data, map[string]string{"replace": "new", "add": "x"})
	if err != nil {
		t.Fatal(err)
	}
	md, err := model.ReadMetadata(out)
	if err != nil {
		t.Fatal(err)
	}
	if len(md.Props) != len(before.Props)+1 || md.Props["keep"] != "1" || md.Props["replace"] != "new" || md.Props["add"] != "x" || md.Doc != "doc" {
		t.Fatalf("props %v, doc %q", md.Props, md.Doc)
	}
	again, err := SetMetadata(out, map[string]string{"replace": "new", "add": "x"})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(again, out) {
		t.Error("setting the same entries again changed the file")
	}
	// The graph is untouched: the weights read back the same.
	a, err := Read(data)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Read(out)
	if err != nil {
		t.Fatal(err)
	}
	for name, w := range a.Initializers {
		if got := b.Initializers[name]; len(got.Data) != len(w.Data) || got.Data[0] != w.Data[0] {
			t.Errorf("initializer %s changed", name)
		}
	}
	gone, err := DeleteMetadata(out, func(k string) bool { return k == "add" || k == "keep" })
	if err != nil {
		t.Fatal(err)
	}
	if md, _ := model.ReadMetadata(gone); len(md.Props) != len(before.Props)-1 || md.Props["replace"] != "new" || md.Props["keep"] != "" {
		t.Errorf("after deleting add and keep: %v", md.Props)
	}
	if _, err := SetMetadata([]byte{0xff, 0xff, 0xff}, map[string]string{"a": "b"}); !errors.Is(err, ErrBadONNX) {
		t.Errorf("corrupt file: err %v, want ErrBadONNX", err)
	}
}
