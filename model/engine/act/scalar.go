//go:build !goexperiment.simd

package act

func slice(f Func, x []float32) {
	for i, v := range x {
		x[i] = f.Apply(v)
	}
}

// SliceFaster is false: there is no vector form without the experiment.
func SliceFaster(f Func) bool { return false }
