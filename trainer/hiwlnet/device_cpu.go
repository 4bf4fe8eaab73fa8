//go:build !cuda

package hiwlnet

import G "gorgonia.org/gorgonia"

// Device names where training runs; this build uses the CPU.
const Device = "CPU"

func deviceOpts() []G.VMOpt { return nil }
