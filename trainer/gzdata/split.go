package gzdata

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/hiwl/hiwl/model"
)

// Split divides samples 70/15/15 into train, validation and test, at random
// but separately within each class, so that a rare class (cigar) still lands
// in all three in proportion. The paper splits 80/10/10; a test part of 15%
// keeps a few more of the rarest class out of training and selection, which
// a small real set needs for its numbers to mean anything. The result
// depends only on the seed and the set of samples, not on their order; each
// part is sorted by GalaxyID, then path. The input is not modified.
func Split(samples []Sample, seed int64) (train, val, test []Sample) {
	rng := rand.New(rand.NewPCG(uint64(seed), 0x9e3779b97f4a7c15))
	for _, group := range shuffledByClass(samples, rng) {
		nVal, nTest := splitSizes(len(group))
		val = append(val, group[:nVal]...)
		test = append(test, group[nVal:nVal+nTest]...)
		train = append(train, group[nVal+nTest:]...)
	}
	slices.SortFunc(train, byID)
	slices.SortFunc(val, byID)
	slices.SortFunc(test, byID)
	return train, val, test
}

// shuffledByClass groups the samples of each known class, each group put
// in GalaxyID order and then shuffled by rng, so that the result depends
// on the set of samples and the seed, not on the samples' order.
func shuffledByClass(samples []Sample, rng *rand.Rand) (groups [model.NumClasses][]Sample) {
	for _, s := range samples {
		if s.Class >= 0 && int(s.Class) < model.NumClasses {
			groups[s.Class] = append(groups[s.Class], s)
		}
	}
	for _, group := range groups {
		slices.SortFunc(group, byID)
		rng.Shuffle(len(group), func(i, j int) { group[i], group[j] = group[j], group[i] })
	}
	return groups
}

func byID(a, b Sample) int { return cmp.Or(cmp.Compare(a.ID, b.ID), cmp.Compare(a.Path, b.Path)) }

// HeldOutFraction is the share of each class in the validation part, and
// again in the test part.
const HeldOutFraction = 0.15

// splitSizes gives a class of n samples round(0.15 n) validation and test
// samples each; training keeps the rest (70% within rounding).
func splitSizes(n int) (nVal, nTest int) {
	k := int(math.Round(float64(n) * HeldOutFraction))
	return k, k
}

// Subsample keeps a fraction of each class of train (at least one sample
// of a class that has any), for a learning curve: how accuracy grows with
// the number of labelled images. For one seed the subsets are nested, a
// smaller fraction's samples all within a larger one's, so that the
// points of a curve differ by data added and not by data swapped. The
// result is sorted as Split's parts are; fraction 1 returns train's
// samples, and the input is not modified.
func Subsample(train []Sample, fraction float64, seed int64) []Sample {
	// Another stream than Split's, so that which samples are kept does not
	// follow from which went to validation and test.
	rng := rand.New(rand.NewPCG(uint64(seed), 0x2545f4914f6cdd1d))
	var kept []Sample
	for _, group := range shuffledByClass(train, rng) {
		n := min(len(group), max(1, int(math.Ceil(fraction*float64(len(group))))))
		kept = append(kept, group[:n]...)
	}
	slices.SortFunc(kept, byID)
	return kept
}
