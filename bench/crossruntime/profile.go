package crossruntime

import (
	"bufio"
	"fmt"
	"strconv"
	"strings"
)

// ProfileLine is one function of `go tool pprof -top`.
type ProfileLine struct {
	Function string  `json:"function"`
	FlatPct  float64 `json:"flat_pct"`
	CumPct   float64 `json:"cum_pct"`
}

// ProfileShare is the flat CPU time of one group of functions.
type ProfileShare struct {
	Group string  `json:"group"`
	Pct   float64 `json:"pct"`
}

// Profile summarises a CPU profile of the native path.
type Profile struct {
	Command string         `json:"command"`
	Total   string         `json:"total"` // pprof's "Total samples" line
	Top     []ProfileLine  `json:"top"`   // by flat time
	Shares  []ProfileShare `json:"shares"`
}

// profileGroups sorts functions into where inference time goes; the first
// match wins, so the specific groups come before the general ones.
var profileGroups = []struct {
	name  string
	match func(fn string) bool
}{
	{"matrix multiply (engine GEMM micro-kernel)", func(f string) bool { return strings.Contains(f, "model/engine/gemm") }},
	{"im2col (convolution input unfolding)", func(f string) bool { return strings.Contains(strings.ToLower(f), "im2col") }},
	{"other engine kernels (pooling, softmax, heads, broadcasting)", func(f string) bool { return strings.Contains(f, "model/engine") }},
	{"matrix multiply (gonum BLAS kernels)", func(f string) bool {
		return strings.Contains(f, "gonum.org/v1/gonum") || strings.Contains(f, "gorgonia.org/vecf32") ||
			strings.Contains(strings.ToLower(f), "gemm")
	}},
	{"other gorgonia/tensor ops (batch norm, ReLU, pooling, add, copies)", func(f string) bool {
		return strings.Contains(f, "gorgonia.org/")
	}},
	{"onnx-go graph handling", func(f string) bool { return strings.Contains(f, "owulveryck/onnx-go") }},
	{"JPEG decode, crop/resize, normalise", func(f string) bool {
		return strings.HasPrefix(f, "image/") || strings.HasPrefix(f, "image.") ||
			strings.Contains(f, "golang.org/x/image") || strings.Contains(f, "hiwl/model.")
	}},
	{"memory copy and clear (runtime.memmove, memclr)", func(f string) bool {
		return strings.HasPrefix(f, "runtime.memmove") || strings.HasPrefix(f, "runtime.memclr")
	}},
	{"Go runtime: allocation, GC, scheduling", func(f string) bool { return strings.HasPrefix(f, "runtime.") }},
	{"other", func(string) bool { return true }},
}

// ParsePprofTop reads the output of `go tool pprof -top` (every node:
// -nodecount large, -nodefraction 0) and keeps the top n functions by flat
// time and the flat shares of the groups above.
func ParsePprofTop(text string, n int) (*Profile, error) {
	p := &Profile{}
	share := map[string]float64{}
	header := false
	sc := bufio.NewScanner(strings.NewReader(text))
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "Duration:") {
			p.Total = strings.TrimSpace(line)
		}
		f := strings.Fields(line)
		if len(f) >= 5 && f[0] == "flat" && f[1] == "flat%" {
			header = true
			continue
		}
		if !header || len(f) < 6 {
			continue
		}
		flat, err1 := strconv.ParseFloat(strings.TrimSuffix(f[1], "%"), 64)
		cum, err2 := strconv.ParseFloat(strings.TrimSuffix(f[4], "%"), 64)
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("crossruntime: pprof line %q", line)
		}
		fn := strings.Join(f[5:], " ")
		if len(p.Top) < n {
			p.Top = append(p.Top, ProfileLine{Function: fn, FlatPct: flat, CumPct: cum})
		}
		for _, g := range profileGroups {
			if g.match(fn) {
				share[g.name] += flat
				break
			}
		}
	}
	if !header {
		return nil, fmt.Errorf("crossruntime: no pprof -top table in:\n%s", text)
	}
	for _, g := range profileGroups {
		if v, ok := share[g.name]; ok {
			p.Shares = append(p.Shares, ProfileShare{g.name, v})
		}
	}
	return p, nil
}
