package engine

import (
	"reflect"
	"testing"
	"time"

	"gorgonia.org/tensor"
)

// TestDtypeMethodsShadowed holds the one change in hiwl's copy of
// gorgonia.org/tensor (third_party/gorgonia-tensor/HIWL.md): Dtype's own
// MethodByName answers, not the one its embedded reflect.Type promotes,
// whose reachability made the linker keep every exported method (the
// wasm module was twice its size). With the promoted one, a Dtype of
// time.Time would find Unix.
func TestDtypeMethodsShadowed(t *testing.T) {
	dt := tensor.Dtype{Type: reflect.TypeOf(time.Time{})}
	if _, ok := dt.Type.MethodByName("Unix"); !ok {
		t.Fatal("reflect finds no time.Time.Unix: the test is wrong")
	}
	if _, ok := dt.MethodByName("Unix"); ok {
		t.Fatal("tensor.Dtype.MethodByName is reflect's: go.mod's replace of gorgonia.org/tensor is not in effect")
	}
	if dt.Kind() != reflect.Struct || tensor.Float32.Size() != 4 {
		t.Fatal("Dtype's other promoted methods changed")
	}
}
