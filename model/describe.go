package model

// Description is what a runtime says about the model it runs, in one JSON
// shape: the edge's GET /model and the page's info both embed it and add
// only their own transport's limits (the edge's batch size, the page's
// file size).
type Description struct {
	ModelVersion string      `json:"model_version"`
	InputSize    int         `json:"input_size"`    // side of the square network input, in pixels
	CropFraction float64     `json:"crop_fraction"` // widest centred crop, of the shorter side (Frame narrows it)
	Classes      []ClassInfo `json:"classes"`       // in Classes order, the order of Prediction.Probabilities
	NetworkA     []string    `json:"network_a"`     // network A's outputs, in order (ANames)
	NetworkB     []string    `json:"network_b"`     // network B's outputs, in order (BNames)
	Limits       ImageLimits `json:"limits"`
}

// ClassInfo names one class as Result does: Class is the slug (the key of
// Result.probabilities), Label the Galaxy Zoo name.
type ClassInfo struct {
	Class string `json:"class"`
	Label string `json:"label"`
}

// ImageLimits are Decode's limits on an image's dimensions.
type ImageLimits struct {
	MaxSide   int `json:"max_side"`
	MaxPixels int `json:"max_pixels"`
	MinSide   int `json:"min_side"`
}

// Describe returns c's Description.
func (c *Classifier) Describe() Description {
	d := Description{
		ModelVersion: c.Version(),
		InputSize:    c.InputSize(),
		CropFraction: EvalCropFraction,
		NetworkA:     ANames[:],
		NetworkB:     BNames[:],
		Limits:       ImageLimits{MaxSide: MaxSide, MaxPixels: MaxPixels, MinSide: MinSide},
	}
	for _, cl := range Classes {
		d.Classes = append(d.Classes, ClassInfo{Class: cl.Slug(), Label: cl.String()})
	}
	return d
}
