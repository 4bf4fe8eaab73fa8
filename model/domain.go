package model

import (
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"math"
	"strconv"
	"sync"
)

// The in-domain score says whether a picture looks like the Galaxy
// Zoo-style cutouts the model was trained on. The five classes assume a
// galaxy; a photograph, a screenshot or a crowded field still gets one of
// them, often with high confidence, so the score is reported beside every
// answer. It combines three measurements, each divided by its threshold:
//
//   - Distance: the Mahalanobis distance of network A's pooled features
//     (Prediction.Features) to the nearest class mean of the training
//     images, under one covariance shared by the classes (Lee et al. 2018,
//     "A Simple Unified Framework for Detecting Out-of-Distribution
//     Samples"). Photographs, text, gradients, noise and shapes land far
//     from every class.
//   - Crowding (scene.Crowding): bright area around the central object
//     over its own. Several galaxies in one picture give features the
//     network knows, but no Galaxy Zoo cutout looks like that.
//   - Radius (scene.Radius, the framing step's measure of the central
//     object): a galaxy zoomed in far past the catalogue's framing fills
//     the picture, and its features stay close to a large galaxy's.
//
// Score = max(Distance/DistanceThreshold, Crowding/CrowdingThreshold,
// Radius/RadiusThreshold): a picture is out of domain when Score > 1. The
// class means, the precision matrix and the thresholds are fitted by the
// trainer ("trainer domain") on the model's own training and validation
// images and stored in the model file's metadata_props, so a new model
// carries its own fit. A file without them gets no score (Domain.Fitted
// false).
//
// Energy and maximum-logit scores were measured beside these and left out:
// on the default model they flag under a quarter of the photographs and
// procedural pictures at a 1 % false-alarm rate, against all of them for
// the Mahalanobis distance (README, "Is it a galaxy cutout?").

// Metadata keys of the domain fit.
const (
	PropDomainMeans             = "hiwl.domain.means"     // base64 of little-endian float32 [K, C]
	PropDomainPrecision         = "hiwl.domain.precision" // base64 of little-endian float32 [C, C]
	PropDomainDistanceThreshold = "hiwl.domain.distance_threshold"
	PropDomainCrowdingThreshold = "hiwl.domain.crowding_threshold"
	PropDomainRadiusThreshold   = "hiwl.domain.radius_threshold"
	PropDomainFit               = "hiwl.domain.fit" // how it was fitted, for people
)

// DomainFit is what the trainer fits for the in-domain score of a model
// whose pooled features have C channels.
type DomainFit struct {
	Means             [][]float32 // one row of C per class
	Precision         []float32   // the inverse of the shared covariance, C x C row major
	DistanceThreshold float64
	CrowdingThreshold float64
	RadiusThreshold   float64
	About             string

	expandOnce sync.Once
	expanded   *domainExpansion // Distance's terms that depend on the fit alone
}

// Props is the fit as metadata_props entries.
func (f *DomainFit) Props() map[string]string {
	var means []float32
	for _, m := range f.Means {
		means = append(means, m...)
	}
	return map[string]string{
		PropDomainMeans:             encodeFloats(means),
		PropDomainPrecision:         encodeFloats(f.Precision),
		PropDomainDistanceThreshold: strconv.FormatFloat(f.DistanceThreshold, 'g', -1, 64),
		PropDomainCrowdingThreshold: strconv.FormatFloat(f.CrowdingThreshold, 'g', -1, 64),
		PropDomainRadiusThreshold:   strconv.FormatFloat(f.RadiusThreshold, 'g', -1, 64),
		PropDomainFit:               f.About,
	}
}

// ParseDomainFit reads a fit for features of c channels from metadata
// props; it returns nil and no error when the file has none.
func ParseDomainFit(props map[string]string, c int) (*DomainFit, error) {
	if _, ok := props[PropDomainMeans]; !ok {
		return nil, nil
	}
	bad := func(format string, a ...any) error {
		return fmt.Errorf("%w: domain fit: %s", ErrBadModel, fmt.Sprintf(format, a...))
	}
	means, err := decodeFloats(props[PropDomainMeans])
	if err != nil {
		return nil, bad("%s: %v", PropDomainMeans, err)
	}
	prec, err := decodeFloats(props[PropDomainPrecision])
	if err != nil {
		return nil, bad("%s: %v", PropDomainPrecision, err)
	}
	if c < 1 || len(means) == 0 || len(means)%c != 0 || len(prec) != c*c {
		return nil, bad("%d mean values and %d precision values for %d channels", len(means), len(prec), c)
	}
	f := &DomainFit{Precision: prec, About: props[PropDomainFit]}
	for i := 0; i < len(means); i += c {
		f.Means = append(f.Means, means[i:i+c])
	}
	for _, t := range []struct {
		key string
		v   *float64
	}{
		{PropDomainDistanceThreshold, &f.DistanceThreshold},
		{PropDomainCrowdingThreshold, &f.CrowdingThreshold},
		{PropDomainRadiusThreshold, &f.RadiusThreshold},
	} {
		if *t.v, err = strconv.ParseFloat(props[t.key], 64); err != nil || !(*t.v > 0) || math.IsInf(*t.v, 0) {
			return nil, bad("%s = %q, want a positive number", t.key, props[t.key])
		}
	}
	for _, v := range means {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return nil, bad("%s holds %v", PropDomainMeans, v)
		}
	}
	for _, v := range prec {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return nil, bad("%s holds %v", PropDomainPrecision, v)
		}
	}
	return f, nil
}

// Distance is the Mahalanobis distance of pooled features to the nearest
// class mean. It sums in float64 in a fixed order, so runtimes differ only
// by what their features differ.
//
// (x−m)ᵀP(x−m) = xᵀPx − xᵀ(P+Pᵀ)m + mᵀPm, with (P+Pᵀ)m and mᵀPm worked out
// once per fit: one C×C product per image instead of one per class (it was
// 2 % of an edge request's CPU in wasm with five classes).
func (f *DomainFit) Distance(feat []float32) float64 {
	e := f.expansion()
	c := len(feat)
	x := make([]float64, c)
	for i, v := range feat {
		x[i] = float64(v)
	}
	var xpx float64
	for i := range c {
		row := f.Precision[i*c : (i+1)*c]
		var t float64
		for j, v := range row {
			t += float64(v) * x[j]
		}
		xpx += x[i] * t
	}
	best := math.Inf(1)
	for k, u := range e.u {
		var xu float64
		for i, v := range u {
			xu += x[i] * v
		}
		best = min(best, xpx-xu+e.mpm[k])
	}
	return math.Sqrt(max(best, 0))
}

// domainExpansion holds, per class mean m, (P+Pᵀ)m and mᵀPm.
type domainExpansion struct {
	u   [][]float64
	mpm []float64
}

// expansion works out f's expansion on first use: a fit read from a model
// file and one the trainer builds field by field both come here.
func (f *DomainFit) expansion() *domainExpansion {
	f.expandOnce.Do(func() {
		e := &domainExpansion{}
		for _, m := range f.Means {
			c := len(m)
			u := make([]float64, c)
			var mpm float64
			for i := range c {
				var pm, ptm float64 // (Pm)_i and (Pᵀm)_i
				for j := range c {
					pm += float64(f.Precision[i*c+j]) * float64(m[j])
					ptm += float64(f.Precision[j*c+i]) * float64(m[j])
				}
				u[i] = pm + ptm
				mpm += float64(m[i]) * pm
			}
			e.u = append(e.u, u)
			e.mpm = append(e.mpm, mpm)
		}
		f.expanded = e
	})
	return f.expanded
}

// Domain is a prediction's in-domain score.
type Domain struct {
	Fitted      bool    // the model file carries a domain fit; otherwise only Crowding and Radius are set
	Distance    float64 // Mahalanobis distance of the pooled features
	Crowding    float64 // scene.Crowding of the picture; 0 when only a tensor was classified
	Radius      float64 // scene.Radius of the picture; 0 when only a tensor was classified
	Score       float64 // the largest of the three over its threshold
	OutOfDomain bool    // Score > 1: not like a Galaxy Zoo-style galaxy cutout
}

// domain scores pooled features and a picture's scene with fit.
func (f *DomainFit) domain(feat []float32, s scene) Domain {
	if f == nil {
		return Domain{Crowding: s.Crowding, Radius: s.Radius}
	}
	d := Domain{Fitted: true, Distance: f.Distance(feat), Crowding: s.Crowding, Radius: s.Radius}
	d.Score = max(d.Distance/f.DistanceThreshold, d.Crowding/f.CrowdingThreshold, d.Radius/f.RadiusThreshold)
	d.OutOfDomain = d.Score > 1
	return d
}

func encodeFloats(v []float32) string {
	b := make([]byte, 4*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(x))
	}
	return base64.StdEncoding.EncodeToString(b)
}

func decodeFloats(s string) ([]float32, error) {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, err
	}
	if len(b)%4 != 0 {
		return nil, fmt.Errorf("%d bytes, not whole float32s", len(b))
	}
	v := make([]float32, len(b)/4)
	for i := range v {
		v[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return v, nil
}
