package gallery

import (
	"fmt"
	"slices"

	"github.com/hiwl/hiwl/model"
)

// Order is how a contact sheet arranges its images.
type Order int

const (
	ByName      Order = iota // the listing's order (folders walked lexically)
	ByUncertain              // least confident first: the images worth a second look
	ByLabel                  // by predicted class, least confident first within one
)

// Orders are the orders by their names, for flags, scripts and the header.
var Orders = map[string]Order{"name": ByName, "confidence": ByUncertain, "label": ByLabel}

func (o Order) String() string {
	for name, v := range Orders {
		if v == o {
			return name
		}
	}
	return fmt.Sprintf("Order(%d)", int(o))
}

// ParseOrder reads an order name.
func ParseOrder(s string) (Order, error) {
	if o, ok := Orders[s]; ok {
		return o, nil
	}
	return 0, fmt.Errorf("unknown order %q (want name, confidence or label)", s)
}

// Filter keeps all images (All), those predicted as one class, or, when
// Domain is set, those of every class on one side of the in-domain score's
// threshold (model.Domain).
type Filter struct {
	All    bool
	Class  model.Class
	Domain DomainFilter
}

// DomainFilter keeps images by their in-domain score.
type DomainFilter int

const (
	AnyDomain  DomainFilter = iota // the score plays no part
	Cutouts                        // score <= 1: like a Galaxy Zoo-style cutout
	NotCutouts                     // score > 1: the answer may mean nothing
)

// DomainFilters are the domain filters by their names, for scripts and
// the header.
var DomainFilters = map[string]DomainFilter{"cutouts": Cutouts, "not-cutouts": NotCutouts}

func (f Filter) String() string {
	for name, d := range DomainFilters {
		if f.Domain == d {
			return name
		}
	}
	if f.All {
		return "all"
	}
	return f.Class.Slug()
}

// keeps reports whether f keeps a classified image.
func (f Filter) keeps(s Summary) bool {
	switch f.Domain {
	case Cutouts:
		return !s.OutOfDomain
	case NotCutouts:
		return s.OutOfDomain
	}
	return f.All || s.Label == f.Class
}

// Arrange lists the indices 0..n-1 as a contact sheet shows them. Sorting
// and filtering can only use what is classified so far (summary reports it):
// the sheet classifies lazily, so unclassified images keep their listing
// order after the classified ones, and a class filter leaves them out.
func Arrange(n int, summary func(int) (Summary, bool), o Order, f Filter) []int {
	type known struct {
		i int
		s Summary
	}
	var done []known
	var rest []int
	for i := range n {
		s, ok := summary(i)
		switch {
		case ok && f.keeps(s):
			done = append(done, known{i, s})
		case !ok && f.All && f.Domain == AnyDomain:
			rest = append(rest, i)
		}
	}
	if o == ByName {
		out := make([]int, 0, len(done)+len(rest))
		for _, k := range done {
			out = append(out, k.i)
		}
		out = append(out, rest...)
		slices.Sort(out)
		return out
	}
	slices.SortStableFunc(done, func(a, b known) int {
		if o == ByLabel && a.s.Label != b.s.Label {
			return int(a.s.Label) - int(b.s.Label)
		}
		switch {
		case a.s.Confidence < b.s.Confidence:
			return -1
		case a.s.Confidence > b.s.Confidence:
			return 1
		}
		return a.i - b.i
	})
	out := make([]int, 0, len(done)+len(rest))
	for _, k := range done {
		out = append(out, k.i)
	}
	return append(out, rest...)
}
