package training

import (
	"encoding/gob"
	"fmt"
	"io"
	"maps"
	"math"
	"os"
	"slices"
	"strings"

	"github.com/hiwl/hiwl/trainer/atomicfile"
	"github.com/hiwl/hiwl/trainer/hiwlnet"
	"github.com/hiwl/hiwl/trainer/report"
	"gorgonia.org/tensor"
)

// CheckpointFile is written in the run directory after every epoch.
const CheckpointFile = "checkpoint.gob"

// netState is one network's training state.
type netState struct {
	Params, Best savedParams
	Velocity     map[string][]float32
	BestAcc      float64
	// BestOff is the best epoch's validation off-galaxy share (with
	// -attention): among epochs of equal accuracy, the lower wins.
	BestOff      float64
	BestEpoch    int
	SinceBest    int
	Stopped      bool // early stopping has ended this network's training
	ImagesPerSec float64
	// FitValidation: trained on the validation split too (Config's), so
	// its epoch is the last, and the split cannot score it.
	FitValidation bool
	// SWA is the running mean of the weights after each epoch of the
	// -swa window (swa.go), over SWAEpochs epochs; BestSWA is how many
	// epochs the chosen weights average (0: one epoch's, as trained).
	SWA                savedParams
	SWAEpochs, BestSWA int
}

// improves reports whether an epoch with this validation score and
// off-galaxy share (NaN without -attention) replaces the best so far. With
// -attention, an epoch as accurate as the best but with less of its maps
// off the galaxy does: the penalty's work shows on validation only there,
// since 47 cigar and edge-on images leave network B's accuracy flat for
// many epochs.
func (s *netState) improves(score, off float64) bool {
	return score > s.BestAcc || (!math.IsNaN(off) && score == s.BestAcc && off < s.BestOff)
}

// state is everything a resumed run needs to continue exactly where the
// last completed epoch left off.
type state struct {
	Config  Config // the run's settings, checked on resume
	Epoch   int    // last completed epoch
	A, B    netState
	History []report.Epoch
	// From names, for a network taken from another run (-reuse-a,
	// -reuse-b), that run's checkpoint.
	From map[string]string
}

type savedTensor struct {
	Shape []int
	Data  []float32
}

type savedParams map[string]savedTensor

func save(p hiwlnet.Params) savedParams {
	s := make(savedParams, len(p))
	for k, t := range p {
		s[k] = savedTensor{Shape: t.Shape().Clone(), Data: append([]float32(nil), t.Float32s()...)}
	}
	return s
}

// isBNStat reports whether a parameter is a batch-norm running statistic,
// measured rather than learnt.
func isBNStat(name string) bool {
	return strings.HasSuffix(name, ".bn.mean") || strings.HasSuffix(name, ".bn.var")
}

// into copies s's values into p's tensors of the same names, which the
// networks' graphs hold.
func (s savedParams) into(p hiwlnet.Params) {
	for k, t := range p {
		copy(t.Float32s(), s[k].Data)
	}
}

func (s savedParams) params() hiwlnet.Params {
	p := make(hiwlnet.Params, len(s))
	for k, t := range s {
		p[k] = tensor.New(tensor.WithShape(t.Shape...), tensor.WithBacking(append([]float32(nil), t.Data...)))
	}
	return p
}

// fits says whether s holds exactly the parameters, by name and shape,
// that arch builds with that many classes.
func (s savedParams) fits(arch hiwlnet.Arch, classes int) error {
	want := hiwlnet.NewParams(arch, classes, 0)
	if len(s) != len(want) {
		return fmt.Errorf("%d parameters, want %d", len(s), len(want))
	}
	for _, name := range slices.Sorted(maps.Keys(want)) { // sorted: the same error every time
		got, ok := s[name]
		if !ok {
			return fmt.Errorf("no parameter %s", name)
		}
		if w := []int(want[name].Shape()); !slices.Equal(got.Shape, w) {
			return fmt.Errorf("%s has shape %v, want %v", name, got.Shape, w)
		}
	}
	return nil
}

func writeCheckpoint(path string, st *state) error {
	return atomicfile.Write(path, func(w io.Writer) error { return gob.NewEncoder(w).Encode(st) })
}

func readCheckpoint(path string) (*state, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var st state
	if err := gob.NewDecoder(f).Decode(&st); err != nil {
		return nil, fmt.Errorf("training: checkpoint %s is unreadable: %w", path, err)
	}
	// Checkpoints from before these settings existed were written with
	// what is now -blas gonum -select-b accuracy.
	if st.Config.BLAS == "" {
		st.Config.BLAS = "gonum"
	}
	if st.Config.SelectB == "" {
		st.Config.SelectB = "accuracy"
	}
	return &st, nil
}
