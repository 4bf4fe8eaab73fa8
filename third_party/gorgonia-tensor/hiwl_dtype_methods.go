package tensor

import "reflect"

// Method and MethodByName shadow the ones that Dtype's embedded
// reflect.Type promotes. Those promoted wrappers call reflect with a method
// chosen at run time, and protobuf's reflect.Type.MethodByName call makes
// them reachable; the Go linker then keeps every exported method of every
// reachable type. See HIWL.md in this directory for what that cost.
func (dt Dtype) Method(int) reflect.Method {
	panic("tensor: Dtype.Method is not available in hiwl's copy of gorgonia.org/tensor (HIWL.md)")
}

// MethodByName reports no method: see Method.
func (dt Dtype) MethodByName(string) (reflect.Method, bool) { return reflect.Method{}, false }
