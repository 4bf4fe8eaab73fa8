package model

import "fmt"

// Class is one of the five HIWL morphology classes.
type Class int

// The five classes, in the order used for Prediction.Probabilities.
const (
	Round     Class = iota // completely round smooth
	InBetween              // in-between smooth
	Cigar                  // cigar-shaped smooth
	EdgeOn                 // edge-on disk
	Spiral                 // spiral
)

// NumClasses is the number of final classes.
const NumClasses = 5

// Classes lists the five classes in probability order.
var Classes = [NumClasses]Class{Round, InBetween, Cigar, EdgeOn, Spiral}

var classNames = [NumClasses]string{
	"completely round smooth",
	"in-between smooth",
	"cigar-shaped smooth",
	"edge-on",
	"spiral",
}

var classSlugs = [NumClasses]string{"round", "in-between", "cigar", "edge-on", "spiral"}

// String returns the Galaxy Zoo name of the class, e.g. "cigar-shaped smooth".
func (c Class) String() string {
	if c < 0 || int(c) >= NumClasses {
		return fmt.Sprintf("Class(%d)", int(c))
	}
	return classNames[c]
}

// Slug returns a short machine-friendly name, e.g. "cigar".
func (c Class) Slug() string {
	if c < 0 || int(c) >= NumClasses {
		return fmt.Sprintf("class%d", int(c))
	}
	return classSlugs[c]
}

// Slugs returns the five slugs in probability order, e.g. for folder
// names or plot legends.
func Slugs() []string { return append([]string(nil), classSlugs[:]...) }

// ParseClass accepts a slug or a full name.
func ParseClass(s string) (Class, error) {
	for _, c := range Classes {
		if s == c.Slug() || s == c.String() {
			return c, nil
		}
	}
	return 0, fmt.Errorf("model: unknown class %q (want one of round, in-between, cigar, edge-on, spiral)", s)
}

// The hierarchy (paper.md): network A separates four groups, with cigar and
// edge-on merged because both look elongated; network B, trained only on
// those two, tells them apart.
const (
	NumA = 4 // network A outputs
	NumB = 2 // network B outputs
)

// Network A output order.
const (
	AInBetween = 0
	AMerged    = 1 // cigar-shaped smooth or edge-on
	ARound     = 2
	ASpiral    = 3
)

// Network B output order.
const (
	BCigar  = 0
	BEdgeOn = 1
)

// ANames and BNames label the hierarchy's outputs.
var (
	ANames = [NumA]string{"in-between smooth", "cigar-shaped or edge-on", "completely round smooth", "spiral"}
	BNames = [NumB]string{"cigar-shaped smooth", "edge-on"}
)

// AIndex is the network A target of a class.
func AIndex(c Class) int {
	switch c {
	case InBetween:
		return AInBetween
	case Cigar, EdgeOn:
		return AMerged
	case Round:
		return ARound
	default:
		return ASpiral
	}
}

// BIndex is the network B target of a class; ok is false for classes that
// network B never sees.
func BIndex(c Class) (idx int, ok bool) {
	switch c {
	case Cigar:
		return BCigar, true
	case EdgeOn:
		return BEdgeOn, true
	}
	return 0, false
}

// Combine turns the two networks' probabilities into the five final ones:
// p(cigar) = pA(merged)*pB(cigar), p(edge-on) = pA(merged)*pB(edge-on), the
// other three straight from A. They sum to one when pA and pB do.
func Combine(pA [NumA]float32, pB [NumB]float32) [NumClasses]float32 {
	var p [NumClasses]float32
	p[Round] = pA[ARound]
	p[InBetween] = pA[AInBetween]
	p[Cigar] = pA[AMerged] * pB[BCigar]
	p[EdgeOn] = pA[AMerged] * pB[BEdgeOn]
	p[Spiral] = pA[ASpiral]
	return p
}

// Decide is the paper's decision rule: A's argmax, and if that is the merged
// group, B's argmax. It can differ from the argmax of Combine when A is
// unsure, which is why both are reported.
func Decide(pA [NumA]float32, pB [NumB]float32) Class {
	switch Argmax(pA[:]) {
	case AInBetween:
		return InBetween
	case ARound:
		return Round
	case ASpiral:
		return Spiral
	}
	if Argmax(pB[:]) == BCigar {
		return Cigar
	}
	return EdgeOn
}

// Argmax is the index of the largest value (the first one on ties).
func Argmax(v []float32) int {
	best := 0
	for i := range v {
		if v[i] > v[best] {
			best = i
		}
	}
	return best
}
