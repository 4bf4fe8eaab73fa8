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
	return fmt.Sprintf("Network A chose %s (%s) over %s (%s); network B then chose %s, which keeps %s of the group.",
		ANames[AMerged], percent(p.A[AMerged]), top, percent(p.Probabilities[top]), p.Label, percent(p.Probabilities[p.Label]))
}

func percent(v float32) string { return fmt.Sprintf("%.1f %%", 100*v) }
