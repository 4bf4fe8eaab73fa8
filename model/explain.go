package model

import "fmt"

// LabelNote explains a label that is not the largest of the five
// probabilities, "" when it is. That happens only through the hierarchy:
// network A's strongest output is the merged cigar/edge-on group, network B
// picks one of the two, and that class's share of the group ends below A's
// runner-up (about 1 image in 600 of the real set). Every runtime shows
// this sentence where it shows such a label: the CLI's table, the page, the
// viewer, and Result.LabelNote in JSON.
func (p *Prediction) LabelNote() string {
	top := Class(Argmax(p.Probabilities[:]))
	if top == p.Label || p.Probabilities[top] == p.Probabilities[p.Label] {
		return ""
	}
	return fmt.Sprintf("The hierarchy decides: network A's strongest output is %s (%s, ahead of %s at %s) and network B picks %s of the two, "+
		"so the label is %s (%s) although %s has the largest of the five probabilities (%s).",
		ANames[AMerged], percent(p.A[AMerged]), top, percent(p.Probabilities[top]), p.Label,
		p.Label, percent(p.Probabilities[p.Label]), top, percent(p.Probabilities[top]))
}

func percent(v float32) string { return fmt.Sprintf("%.1f %%", 100*v) }
