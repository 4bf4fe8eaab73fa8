package gzdata

import (
	"fmt"
	"math"

	"github.com/hiwl/hiwl/model"
)

// NumColumns is the number of vote-fraction columns in the Challenge CSV.
const NumColumns = 37

// IDColumn names the CSV column holding the galaxy's identifier.
const IDColumn = "GalaxyID"

// Indices of the vote-fraction columns in a Votes array, in Challenge order.
// The names mirror the CSV header ("Class1.1" is Class1_1).
const (
	Class1_1  = iota // smooth
	Class1_2         // features or disk
	Class1_3         // star or artifact
	Class2_1         // edge-on: yes
	Class2_2         // edge-on: no
	Class3_1         // bar: yes
	Class3_2         // bar: no
	Class4_1         // spiral arms: yes
	Class4_2         // spiral arms: no
	Class5_1         // bulge: none
	Class5_2         // bulge: just noticeable
	Class5_3         // bulge: obvious
	Class5_4         // bulge: dominant
	Class6_1         // anything odd: yes
	Class6_2         // anything odd: no
	Class7_1         // roundness: completely round
	Class7_2         // roundness: in between
	Class7_3         // roundness: cigar-shaped
	Class8_1         // odd: ring
	Class8_2         // odd: lens or arc
	Class8_3         // odd: disturbed
	Class8_4         // odd: irregular
	Class8_5         // odd: other
	Class8_6         // odd: merger
	Class8_7         // odd: dust lane
	Class9_1         // edge-on bulge: rounded
	Class9_2         // edge-on bulge: boxy
	Class9_3         // edge-on bulge: none
	Class10_1        // arms: tight
	Class10_2        // arms: medium
	Class10_3        // arms: loose
	Class11_1        // arms: 1
	Class11_2        // arms: 2
	Class11_3        // arms: 3
	Class11_4        // arms: 4
	Class11_5        // arms: more than four
	Class11_6        // arms: can't tell
)

// Columns holds the CSV header names of the vote fractions, indexed like Votes.
var Columns = [NumColumns]string{
	"Class1.1", "Class1.2", "Class1.3",
	"Class2.1", "Class2.2",
	"Class3.1", "Class3.2",
	"Class4.1", "Class4.2",
	"Class5.1", "Class5.2", "Class5.3", "Class5.4",
	"Class6.1", "Class6.2",
	"Class7.1", "Class7.2", "Class7.3",
	"Class8.1", "Class8.2", "Class8.3", "Class8.4", "Class8.5", "Class8.6", "Class8.7",
	"Class9.1", "Class9.2", "Class9.3",
	"Class10.1", "Class10.2", "Class10.3",
	"Class11.1", "Class11.2", "Class11.3", "Class11.4", "Class11.5", "Class11.6",
}

// Votes is one galaxy's row of vote fractions. As in the Challenge, each
// answer is weighted by the fraction of ALL volunteers who reached it, so
// the answers to a question sum to the answer that led there (see Tree).
type Votes [NumColumns]float64

// ColumnIndex returns the Votes index of a header name such as "Class7.3".
func ColumnIndex(name string) (int, bool) {
	i, ok := columnIndex[name]
	return i, ok
}

var columnIndex = func() map[string]int {
	m := make(map[string]int, NumColumns)
	for i, name := range Columns {
		m[name] = i
	}
	return m
}()

// Question is one node of the Galaxy Zoo 2 decision tree as the Challenge
// encodes it: its answers (a contiguous range of Votes indices) sum to the
// fraction of volunteers who were asked it.
type Question struct {
	First, Last int // answer indices, inclusive
	Parents     []int
}

// Tree lists the eleven questions with the answers that lead to each; an
// empty Parents means everybody is asked. Q6 is asked after every path
// except "star or artifact", which ends the classification.
var Tree = [11]Question{
	{Class1_1, Class1_3, nil},
	{Class2_1, Class2_2, []int{Class1_2}},
	{Class3_1, Class3_2, []int{Class2_2}},
	{Class4_1, Class4_2, []int{Class2_2}},
	{Class5_1, Class5_4, []int{Class2_2}},
	{Class6_1, Class6_2, []int{Class1_1, Class1_2}},
	{Class7_1, Class7_3, []int{Class1_1}},
	{Class8_1, Class8_7, []int{Class6_1}},
	{Class9_1, Class9_3, []int{Class2_1}},
	{Class10_1, Class10_3, []int{Class4_1}},
	{Class11_1, Class11_6, []int{Class4_1}},
}

// CheckTree reports the first question whose answers do not sum to the
// fraction that reached it, within tol. The loader does not require it
// (the published fractions are rounded), but generated data must pass it.
func (v *Votes) CheckTree(tol float64) error {
	for qi, q := range Tree {
		want := 1.0
		if len(q.Parents) > 0 {
			want = 0
			for _, p := range q.Parents {
				want += v[p]
			}
		}
		got := 0.0
		for i := q.First; i <= q.Last; i++ {
			got += v[i]
		}
		if math.Abs(got-want) > tol {
			return fmt.Errorf("gzdata: question %d answers sum to %.6f, want %.6f", qi+1, got, want)
		}
	}
	return nil
}

// Selection thresholds (paper.md). Every comparison is a strict ">" on the
// raw column, so a value exactly at the threshold is not selected.
const (
	SmoothMin  = 0.469 // Class1.1 for round, in-between, cigar
	ShapeMin   = 0.50  // Class7.1, 7.2 or 7.3
	FeatureMin = 0.430 // Class1.2 for edge-on and spiral
	EdgeOnMin  = 0.602 // Class2.1
	NotEdgeMin = 0.715 // Class2.2 for spiral
	SpiralMin  = 0.619 // Class4.1
)

// Matches applies the five selection rules and returns how many matched and
// the first class that did. Consistent fractions match at most one rule
// (Class7.x > 0.5 needs Class1.1 > 0.5, leaving Class1.2 < 0.5 < 0.602),
// so matches > 1 means the row is inconsistent.
func Matches(v *Votes) (first model.Class, matches int) {
	match := func(c model.Class) {
		if matches == 0 {
			first = c
		}
		matches++
	}
	if v[Class1_1] > SmoothMin {
		if v[Class7_1] > ShapeMin {
			match(model.Round)
		}
		if v[Class7_2] > ShapeMin {
			match(model.InBetween)
		}
		if v[Class7_3] > ShapeMin {
			match(model.Cigar)
		}
	}
	if v[Class1_2] > FeatureMin {
		if v[Class2_1] > EdgeOnMin {
			match(model.EdgeOn)
		}
		if v[Class2_2] > NotEdgeMin && v[Class4_1] > SpiralMin {
			match(model.Spiral)
		}
	}
	return first, matches
}

// Select returns the class a row of votes belongs to; ok is false when no
// rule, or more than one, matches.
func Select(v *Votes) (c model.Class, ok bool) {
	c, n := Matches(v)
	return c, n == 1
}

// SelectMap is Select for a row keyed by header name; missing columns count
// as zero.
func SelectMap(row map[string]float64) (model.Class, bool) {
	var v Votes
	for name, x := range row {
		if i, ok := columnIndex[name]; ok {
			v[i] = x
		}
	}
	return Select(&v)
}
