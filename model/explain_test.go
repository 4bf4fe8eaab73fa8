package model

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLabelNote(t *testing.T) {
	// A is unsure between in-between (0.46) and the merged group (0.50);
	// B splits the group 40/60, so edge-on (0.30) is the label while
	// in-between (0.46) is the most probable class.
	a := [NumA]float32{0.46, 0.50, 0.02, 0.02}
	b := [NumB]float32{0.4, 0.6}
	p := &Prediction{A: a, B: b, Probabilities: Combine(a, b), Label: Decide(a, b)}
	note := p.LabelNote()
	for _, want := range []string{"cigar-shaped or edge-on (50.0 %)", "over in-between smooth (46.0 %)", "chose edge-on, which keeps 30.0 %"} {
		if !strings.Contains(note, want) {
			t.Errorf("note %q does not say %q", note, want)
		}
	}
	// The usual case: the label is the most probable class, no note.
	a = [NumA]float32{0.1, 0.7, 0.1, 0.1}
	p = &Prediction{A: a, B: b, Probabilities: Combine(a, b), Label: Decide(a, b)}
	if n := p.LabelNote(); n != "" {
		t.Errorf("note %q for a label that is the most probable class", n)
	}
}

// A real edge-on galaxy the hierarchy labels edge-on while spiral has
// the larger probability (network A: 0.60 merged, 0.40 spiral; B splits
// the merged 0.60 into 0.36 edge-on and 0.24 cigar). The note reaches Result too.
func TestLabelNoteRealImage(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "shared", "data", "gz-challenge-5class", "edge-on", "440481.jpg"))
	if err != nil {
		t.Skipf("no ../shared: %v", err)
	}
	c, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	p, err := c.Classify(data)
	if err != nil {
		t.Fatal(err)
	}
	top := Class(Argmax(p.Probabilities[:]))
	r := p.Result(false)
	if top == p.Label {
		if r.LabelNote != "" {
			t.Errorf("note %q where the label %v is the most probable class", r.LabelNote, p.Label)
		}
		t.Skipf("this model labels 440481.jpg %v, its most probable class", p.Label)
	}
	if r.LabelNote == "" || !strings.Contains(r.LabelNote, top.String()) || !strings.Contains(r.LabelNote, p.Label.String()) {
		t.Errorf("label %v, most probable %v; note %q", p.Label, top, r.LabelNote)
	}
	t.Log(r.LabelNote)
}
