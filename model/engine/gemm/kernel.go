package gemm

import (
	"fmt"
	"os"
	"strings"
)

// Kernel is one micro-kernel: the inner loop that computes an MR×NR tile
// of C from a panel of packed A and NR columns of B. Which kernels exist
// depends on the build (GOEXPERIMENT=simd, the architecture) and, on
// amd64, on the processor's features, read when the program starts.
type Kernel struct {
	// Name says what runs, as benchmarks and reports print it:
	// "avx512-8x32", "avx2-4x16", "simd128-4x8", "simd-4x32" (the
	// portable simd package at this machine's vector width), "go-4x8".
	Name   string
	MR, NR int // tile: MR rows of A and C, NR columns of B and C
	// tiles computes columns [0, n) of C. Unless ragged, n is a multiple
	// of NR and Mul does the last columns through a zero-padded copy.
	tiles  func(a Packed, b []float32, ldb, n int, c []float32, ldc int, ep Epilogue)
	ragged bool
}

func (k *Kernel) String() string { return k.Name }

// generic is the pure-Go kernel: every build has it, and the others are
// tested against it.
var generic = &Kernel{Name: fmt.Sprintf("go-%dx%d", 4, genericNR), MR: 4, NR: genericNR, tiles: genericTiles}

// kernels lists the kernels this build runs on this processor, best first.
var kernels = append(append(archKernels(), portableKernels()...), generic)

// KernelEnv names the environment variable that picks a kernel by name
// at start-up instead of the best one (to compare kernels on one machine).
const KernelEnv = "HIWL_GEMM_KERNEL"

// chosen is the kernel Pack uses: the best one, or the one KernelEnv names.
var chosen = choose(os.Getenv(KernelEnv))

func choose(name string) *Kernel {
	if name == "" {
		return kernels[0]
	}
	k, err := KernelByName(name)
	if err != nil {
		fmt.Fprintf(os.Stderr, "gemm: %v; using %s\n", err, kernels[0].Name)
		return kernels[0]
	}
	return k
}

// Kernels returns the kernels this build can run on this processor, best
// first.
func Kernels() []*Kernel { return append([]*Kernel(nil), kernels...) }

// Chosen returns the kernel Pack uses.
func Chosen() *Kernel { return chosen }

// KernelByName returns the available kernel called name.
func KernelByName(name string) (*Kernel, error) {
	var have []string
	for _, k := range kernels {
		if k.Name == name {
			return k, nil
		}
		have = append(have, k.Name)
	}
	return nil, fmt.Errorf("no GEMM kernel %q on this machine (have %s)", name, strings.Join(have, ", "))
}

// SIMD reports whether Mul uses a hardware SIMD micro-kernel.
func SIMD() bool { return chosen != generic }
