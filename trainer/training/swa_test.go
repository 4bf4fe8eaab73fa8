package training

import (
	"context"
	"math"
	"regexp"
	"strings"
	"testing"
)

// The running mean is the plain mean of every epoch's weights, and leaves
// batch-norm statistics as the first epoch had them (they are measured
// again for the average).
func TestAccumulateMean(t *testing.T) {
	var s netState
	for _, v := range []float32{1, 2, 6} {
		s.accumulate(savedParams{
			"c.w":       {Shape: []int{2}, Data: []float32{v, -v}},
			"c.bn.mean": {Shape: []int{1}, Data: []float32{v}},
		})
	}
	if s.SWAEpochs != 3 {
		t.Fatalf("%d epochs averaged, want 3", s.SWAEpochs)
	}
	if got := s.SWA["c.w"].Data; math.Abs(float64(got[0]-3)) > 1e-6 || math.Abs(float64(got[1]+3)) > 1e-6 {
		t.Fatalf("mean %v, want [3 -3]", got)
	}
	if got := s.SWA["c.bn.mean"].Data[0]; got != 1 {
		t.Fatalf("batch-norm mean averaged to %v; want it left at 1", got)
	}
}

// -swa through a run: each network's average over the window is scored on
// validation after the last epoch, the checkpoint counts the window, the
// export still matches gorgonia, and -swa beyond -epochs is refused.
func TestSWARun(t *testing.T) {
	cfg := tinyConfig(t.TempDir())
	cfg.Epochs, cfg.SWA = 3, 2
	_, log := runLogged(t, cfg)
	for _, net := range []string{"A", "B"} {
		re := regexp.MustCompile(`epoch 3/3 network ` + net + `: weights averaged over the last 2 epochs: val loss [0-9.]+ acc [0-9.]+%`)
		if !re.MatchString(log) {
			t.Errorf("no averaged candidate for network %s:\n%s", net, log)
		}
	}
	st, err := readCheckpoint(cfg.OutDir + "/" + CheckpointFile)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []*netState{&st.A, &st.B} {
		if n.SWAEpochs != 2 || (n.BestSWA != 0 && (n.BestSWA != 2 || n.BestEpoch != 3)) {
			t.Errorf("averaged %d epochs, best %d averaging %d", n.SWAEpochs, n.BestEpoch, n.BestSWA)
		}
	}
	// Where the average was taken, the summary and the model say so.
	if st.A.BestSWA > 0 && !strings.Contains(epochsText(st), "the mean of the weights of epochs 2-3") {
		t.Errorf("epochs text %q", epochsText(st))
	}
	long := tinyConfig(t.TempDir())
	long.SWA = long.Epochs + 1
	if _, err := Run(context.Background(), long, Options{}); err == nil || !strings.Contains(err.Error(), "-swa") {
		t.Fatalf("-swa beyond -epochs: %v", err)
	}
}
