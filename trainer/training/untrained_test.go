package training

import (
	"slices"
	"testing"

	"github.com/hiwl/hiwl/trainer/report"
)

// A network whose every epoch was ineligible (B calling every image one
// class) keeps its start, and finish says so; one that had a best epoch,
// was taken from another run, or never trained is not named.
func TestUntrainedNets(t *testing.T) {
	st := &state{History: []report.Epoch{{Network: "A", Epoch: 1}, {Network: "B", Epoch: 1}, {Network: "B", Epoch: 2}}}
	st.A.BestEpoch = 1
	if got := untrainedNets(st); !slices.Equal(got, []string{"B"}) {
		t.Fatalf("B never chosen: %v", got)
	}
	if n := epochsOf(st, "B"); n != 2 {
		t.Fatalf("epochsOf B = %d", n)
	}
	st.B.BestEpoch = 2
	if got := untrainedNets(st); len(got) != 0 {
		t.Fatalf("B chosen at epoch 2: %v", got)
	}
	st.B.BestEpoch, st.From = 0, map[string]string{"B": "other/checkpoint.gob"}
	if got := untrainedNets(st); len(got) != 0 {
		t.Fatalf("B reused: %v", got)
	}
	flat := &state{History: []report.Epoch{{Network: "A", Epoch: 1}}}
	flat.A.BestEpoch = 1
	if got := untrainedNets(flat); len(got) != 0 {
		t.Fatalf("flat run: %v", got)
	}
}
