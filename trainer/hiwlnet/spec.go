package hiwlnet

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// A spec writes an Arch on one line, for the trainer's -arch flag, its
// checkpoints and the exported file's metadata (hiwl.arch.a, hiwl.arch.b):
//
//	INPUT:LAYER,LAYER,...
//	INPUT:relu6:LAYER,LAYER,...   (ReLU6 instead of SiLU; see Arch.Act)
//
// with one token a layer, its input width being the previous layer's
// output (3 for the first):
//
//	c32         ConvBNReLU to 32 channels     (conv1, conv2, ...)
//	p           MaxPool                       (pool1, ...)
//	r32         Residual block of width 32    (res1, ...)
//	s16k3/2     Stem: 3x3 conv to 16 at stride 2
//	m24e4k5/2q6 MBConv to 24: expansion 4, 5x5 depthwise at stride 2,
//	            squeeze-excitation with 6 channels (/1 and q0 may be left out)
//	t96         Top: 1x1 conv to 96 channels
//
// The residual CNN of NewArch(80, 16, 32, 64) is "80:c16,p,c32,p,r32,c64,p,r64".
var specToken = regexp.MustCompile(`^(?:(c|r|t)(\d+)|(p)|s(\d+)k(\d+)/(\d+)|m(\d+)e(\d+)k(\d+)(?:/(\d+))?(?:q(\d+))?)$`)

// ParseArch reads a spec.
func ParseArch(spec string) (Arch, error) {
	in, layers, ok := strings.Cut(spec, ":")
	input, err := strconv.Atoi(in)
	if !ok || err != nil {
		return Arch{}, fmt.Errorf("hiwlnet: arch %q: want INPUT:LAYER,LAYER,...", spec)
	}
	a := Arch{Input: input}
	if act, rest, ok := strings.Cut(layers, ":"); ok {
		if act != "relu6" {
			return Arch{}, fmt.Errorf("hiwlnet: arch %q: activation %q (want relu6, or none for SiLU)", spec, act)
		}
		a.Act, layers = ActReLU6, rest
	}
	ch := 3
	count := map[string]int{}
	name := func(base string) string {
		count[base]++
		return fmt.Sprintf("%s%d", base, count[base])
	}
	num := func(s string, def int) int {
		if s == "" {
			return def
		}
		n, _ := strconv.Atoi(s)
		return n
	}
	for _, tok := range strings.Split(layers, ",") {
		m := specToken.FindStringSubmatch(strings.TrimSpace(tok))
		if m == nil {
			return Arch{}, fmt.Errorf("hiwlnet: arch %q: cannot read layer %q", spec, tok)
		}
		var l Layer
		switch {
		case m[1] == "c":
			l = Layer{Kind: ConvBNReLU, Name: name("conv"), In: ch, Out: num(m[2], 0)}
		case m[1] == "r":
			l = Layer{Kind: Residual, Name: name("res"), In: ch, Out: num(m[2], 0)}
		case m[1] == "t":
			count["top"]++
			l = Layer{Kind: Top, Name: "top", In: ch, Out: num(m[2], 0)}
		case m[3] == "p":
			l = Layer{Kind: MaxPool, Name: name("pool"), In: ch, Out: ch}
		case m[4] != "":
			count["stem"]++
			l = Layer{Kind: Stem, Name: "stem", In: ch, Out: num(m[4], 0), Kernel: num(m[5], 0), Stride: num(m[6], 0)}
		default:
			l = Layer{Kind: MBConv, Name: name("mb"), In: ch, Out: num(m[7], 0), Expand: num(m[8], 0),
				Kernel: num(m[9], 0), Stride: num(m[10], 1), Squeeze: num(m[11], 0)}
		}
		a.Layers = append(a.Layers, l)
		ch = l.Out
	}
	if count["stem"] > 1 || count["top"] > 1 {
		return Arch{}, fmt.Errorf("hiwlnet: arch %q: at most one stem and one top", spec)
	}
	if err := a.Validate(); err != nil {
		return Arch{}, fmt.Errorf("hiwlnet: arch %q: %w", spec, err)
	}
	return a, nil
}

// String is a's spec, which ParseArch reads back.
func (a Arch) String() string {
	toks := make([]string, len(a.Layers))
	for i, l := range a.Layers {
		switch l.Kind {
		case ConvBNReLU:
			toks[i] = fmt.Sprintf("c%d", l.Out)
		case MaxPool:
			toks[i] = "p"
		case Residual:
			toks[i] = fmt.Sprintf("r%d", l.Out)
		case Stem:
			toks[i] = fmt.Sprintf("s%dk%d/%d", l.Out, l.Kernel, l.Stride)
		case Top:
			toks[i] = fmt.Sprintf("t%d", l.Out)
		case MBConv:
			t := fmt.Sprintf("m%de%dk%d", l.Out, l.Expand, l.Kernel)
			if l.Stride != 1 {
				t += fmt.Sprintf("/%d", l.Stride)
			}
			if l.Squeeze > 0 {
				t += fmt.Sprintf("q%d", l.Squeeze)
			}
			toks[i] = t
		}
	}
	if a.Act == ActReLU6 {
		return fmt.Sprintf("%d:relu6:%s", a.Input, strings.Join(toks, ","))
	}
	return fmt.Sprintf("%d:%s", a.Input, strings.Join(toks, ","))
}

// IsResidualCNN reports whether a is the first models' kind of backbone,
// whose files carry no spec and are read back from their widths.
func (a Arch) IsResidualCNN() bool {
	for _, l := range a.Layers {
		if l.Kind != ConvBNReLU && l.Kind != MaxPool && l.Kind != Residual {
			return false
		}
	}
	return true
}
