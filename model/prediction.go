package model

import "image"

// Prediction is the result of classifying one image.
type Prediction struct {
	Label         Class               // the paper's decision rule (Decide)
	Probabilities [NumClasses]float32 // in Classes order; sums to one
	A             [NumA]float32       // network A: in-between, merged, round, spiral
	B             [NumB]float32       // network B: cigar, edge-on
	Domain        Domain              // is the picture like the cutouts the model knows? (domain.go)

	// Crop is the square of the image the network saw (Frame), in the
	// decoded image's coordinates; every CAM covers it. Empty from
	// ClassifyTensor, which never sees the image.
	Crop image.Rectangle

	classifier   *Classifier
	featA, featB []float32 // last feature maps, [C, side, side]
	camSide      int
}

// CAM is a class activation map on the network's last feature grid: row
// major, Side x Side, in logit units (before any normalisation).
type CAM struct {
	Class  Class
	Side   int
	Values []float32
}

// CAM returns the class activation map of class c:
// CAM_c(x,y) = sum_k w[k,c] F_k(x,y), exact because the head is a global
// average pool followed by one linear layer. Round, in-between and spiral
// come from network A; cigar and edge-on from network B, the network that
// tells those two apart.
func (p *Prediction) CAM(c Class) CAM {
	feat, head, cols, col, channels := p.featA, p.classifier.headA, NumA, AIndex(c), p.classifier.channelsA
	if b, ok := BIndex(c); ok {
		feat, head, cols, col, channels = p.featB, p.classifier.headB, NumB, b, p.classifier.channelsB
	}
	side := p.camSide
	plane := side * side
	out := CAM{Class: c, Side: side, Values: make([]float32, plane)}
	for k := 0; k < channels; k++ {
		w := head[k*cols+col]
		f := feat[k*plane : (k+1)*plane]
		for i, v := range f {
			out.Values[i] += w * v
		}
	}
	return out
}

// Normalized maps the CAM to [0,1]: negative evidence is clipped to zero and
// the strongest cell becomes one. An all-zero map stays zero.
func (m CAM) Normalized() []float32 {
	out := make([]float32, len(m.Values))
	var hi float32
	for _, v := range m.Values {
		hi = max(hi, v)
	}
	if hi <= 0 {
		return out
	}
	for i, v := range m.Values {
		out[i] = max(v, 0) / hi
	}
	return out
}

// Result is the JSON form shared by every runtime, so that the wasm module,
// the edge worker and the native CLI answer in the same shape.
type Result struct {
	Label         string             `json:"label"`
	Class         string             `json:"class"` // slug of Label
	Probabilities map[string]float32 `json:"probabilities"`
	Hierarchy     Hierarchy          `json:"hierarchy"`
	ModelVersion  string             `json:"model_version"`
	Domain        *DomainResult      `json:"domain,omitempty"` // absent when the model file has no domain fit
	CAM           *CAMResult         `json:"cam,omitempty"`
	// LabelNote says why label is not the most probable class, where it
	// is not (Prediction.LabelNote); absent otherwise.
	LabelNote string `json:"label_note,omitempty"`
}

// Hierarchy reports the two networks' decisions.
type Hierarchy struct {
	A         map[string]float32 `json:"a"`
	ADecision string             `json:"a_decision"`
	B         map[string]float32 `json:"b"`
	BDecision string             `json:"b_decision"`
}

// DomainResult is the in-domain score in JSON: out_of_domain is true when
// score is over 1, and the picture is then not like a Galaxy Zoo-style
// galaxy cutout, whatever the probabilities say.
type DomainResult struct {
	Score       float32 `json:"score"`
	OutOfDomain bool    `json:"out_of_domain"`
	Distance    float32 `json:"distance"` // of the pooled features to the training classes
	Crowding    float32 `json:"crowding"` // bright area around the central object over its own
	Radius      float32 `json:"radius"`   // the central object's radius over the picture's shorter side
}

// CAMResult is the attention map of the predicted class, normalised to [0,1].
type CAMResult struct {
	Class  string    `json:"class"`
	Side   int       `json:"side"`
	Values []float32 `json:"values"`
}

// Result converts the prediction to its JSON form; withCAM adds the
// normalised attention map of the predicted class.
func (p *Prediction) Result(withCAM bool) Result {
	r := Result{
		Label:         p.Label.String(),
		Class:         p.Label.Slug(),
		Probabilities: make(map[string]float32, NumClasses),
		Hierarchy: Hierarchy{
			A:         make(map[string]float32, NumA),
			ADecision: ANames[Argmax(p.A[:])],
			B:         make(map[string]float32, NumB),
			BDecision: BNames[Argmax(p.B[:])],
		},
		ModelVersion: p.classifier.Version(),
		LabelNote:    p.LabelNote(),
	}
	if d := p.Domain; d.Fitted {
		r.Domain = &DomainResult{Score: float32(d.Score), OutOfDomain: d.OutOfDomain, Distance: float32(d.Distance), Crowding: float32(d.Crowding), Radius: float32(d.Radius)}
	}
	for _, c := range Classes {
		r.Probabilities[c.Slug()] = p.Probabilities[c]
	}
	for i, n := range ANames {
		r.Hierarchy.A[n] = p.A[i]
	}
	for i, n := range BNames {
		r.Hierarchy.B[n] = p.B[i]
	}
	if withCAM {
		m := p.CAM(p.Label)
		r.CAM = &CAMResult{Class: p.Label.Slug(), Side: m.Side, Values: m.Normalized()}
	}
	return r
}
