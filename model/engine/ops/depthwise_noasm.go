//go:build goexperiment.simd && !amd64 && !wasm

package ops

const depthwiseAsm = false

func depthwiseTaps64(out *float32, n int, phases *float32, offs *int, w *float32, taps int, b float32) {
	panic("ops: no depthwise assembly here")
}
