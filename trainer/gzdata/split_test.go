package gzdata

import (
	"cmp"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"github.com/hiwl/hiwl/model"
)

func testSamples() []Sample {
	sizes := [model.NumClasses]int{1000, 997, 31, 205, 5}
	var s []Sample
	id := int64(100000)
	for c, n := range sizes {
		for range n {
			id += 7
			s = append(s, Sample{ID: id, Class: model.Class(c)})
		}
	}
	// Interleave classes the way a CSV would.
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(s), func(i, j int) { s[i], s[j] = s[j], s[i] })
	return s
}

func TestSplitStratified(t *testing.T) {
	samples := testSamples()
	orig := append([]Sample(nil), samples...)
	train, val, test := Split(samples, 42)
	if !reflect.DeepEqual(samples, orig) {
		t.Fatal("Split modified its input")
	}
	var total, inTrain, inVal, inTest [model.NumClasses]int
	for _, s := range samples {
		total[s.Class]++
	}
	where := map[int64]string{}
	for name, part := range map[string][]Sample{"train": train, "val": val, "test": test} {
		for _, s := range part {
			if prev, dup := where[s.ID]; dup {
				t.Fatalf("ID %d in %s and %s", s.ID, prev, name)
			}
			where[s.ID] = name
			switch name {
			case "train":
				inTrain[s.Class]++
			case "val":
				inVal[s.Class]++
			default:
				inTest[s.Class]++
			}
		}
	}
	if len(where) != len(samples) {
		t.Fatalf("split holds %d of %d samples", len(where), len(samples))
	}
	for c, n := range total {
		// 15% each for validation and test, rounded to the nearest sample.
		part := float64(n) * HeldOutFraction
		for _, got := range []int{inVal[c], inTest[c]} {
			if d := float64(got) - part; d < -0.5 || d > 0.5 {
				t.Errorf("%v: %d of %d in a 15%% part", model.Class(c), got, n)
			}
		}
		if inTrain[c] != n-inVal[c]-inTest[c] {
			t.Errorf("%v: train %d", model.Class(c), inTrain[c])
		}
	}
	if inVal[model.Cigar] != 5 || inTest[model.Cigar] != 5 || inTrain[model.Cigar] != 21 {
		t.Errorf("cigar split %d/%d/%d, want 21/5/5", inTrain[model.Cigar], inVal[model.Cigar], inTest[model.Cigar])
	}
}

func TestSplitDeterministic(t *testing.T) {
	samples := testSamples()
	a1, b1, c1 := Split(samples, 7)
	a2, b2, c2 := Split(samples, 7)
	if !reflect.DeepEqual(a1, a2) || !reflect.DeepEqual(b1, b2) || !reflect.DeepEqual(c1, c2) {
		t.Fatal("same seed, different split")
	}
	// The order of the input must not matter, only the seed.
	shuffled := append([]Sample(nil), samples...)
	rand.New(rand.NewPCG(9, 9)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	a3, b3, c3 := Split(shuffled, 7)
	if !reflect.DeepEqual(a1, a3) || !reflect.DeepEqual(b1, b3) || !reflect.DeepEqual(c1, c3) {
		t.Fatal("input order changed the split")
	}
	_, b4, c4 := Split(samples, 8)
	if reflect.DeepEqual(b1, b4) || reflect.DeepEqual(c1, c4) {
		t.Fatal("different seeds, same validation/test split")
	}
}

func TestSplitEmpty(t *testing.T) {
	a, b, c := Split(nil, 1)
	if len(a)+len(b)+len(c) != 0 {
		t.Fatal("samples from nothing")
	}
}

func TestSubsample(t *testing.T) {
	train, _, _ := Split(testSamples(), 42)
	orig := append([]Sample(nil), train...)
	count := func(s []Sample) (n [model.NumClasses]int) {
		for _, x := range s {
			n[x.Class]++
		}
		return n
	}
	all := count(train)
	ids := func(s []Sample) map[int64]bool {
		m := map[int64]bool{}
		for _, x := range s {
			m[x.ID] = true
		}
		return m
	}
	var larger map[int64]bool
	for _, f := range []float64{1, 0.5, 0.25, 0.01} {
		sub := Subsample(train, f, 3)
		if !reflect.DeepEqual(train, orig) {
			t.Fatal("Subsample modified its input")
		}
		got := count(sub)
		for c := range model.NumClasses {
			want := min(all[c], max(1, int(math.Ceil(f*float64(all[c])))))
			if got[c] != want {
				t.Errorf("fraction %g, class %d: %d samples, want %d of %d", f, c, got[c], want, all[c])
			}
		}
		if f == 1 && !reflect.DeepEqual(sub, train) {
			t.Error("fraction 1 is not the training split itself")
		}
		if !slices.IsSortedFunc(sub, func(a, b Sample) int { return cmp.Compare(a.ID, b.ID) }) {
			t.Errorf("fraction %g: not sorted by ID", f)
		}
		now := ids(sub)
		for id := range now {
			if larger != nil && !larger[id] {
				t.Fatalf("fraction %g keeps %d, which the larger fraction left out: not nested", f, id)
			}
		}
		larger = now
	}
	if !reflect.DeepEqual(Subsample(train, 0.5, 3), Subsample(train, 0.5, 3)) {
		t.Error("not deterministic")
	}
	if reflect.DeepEqual(Subsample(train, 0.5, 3), Subsample(train, 0.5, 4)) {
		t.Error("another seed kept the same samples")
	}
}
