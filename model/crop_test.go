package model

import (
	"image"
	"os"
	"testing"
)

// A Prediction carries the crop the network saw: Frame of the image
// DecodeFor gives, from Classify and ClassifyImage alike; ClassifyTensor
// has none.
func TestPredictionCrop(t *testing.T) {
	c, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(realImages(t, 2)[0])
	if err != nil {
		t.Fatal(err)
	}
	img, scale, err := DecodeFor(data, c.InputSize())
	if err != nil || scale != 2 || img.Bounds() != image.Rect(0, 0, 212, 212) {
		t.Fatalf("DecodeFor: %v at 1/%d (%v), want a 424x424 cutout at 1/2", img.Bounds(), scale, err)
	}
	want := Frame(img)
	if want.Empty() || want == img.Bounds() {
		t.Fatalf("Frame %v of %v proves nothing", want, img.Bounds())
	}
	p, err := c.Classify(data)
	if err != nil || p.Crop != want {
		t.Fatalf("Classify: crop %v (%v), want %v", p.Crop, err, want)
	}
	q, err := c.ClassifyImage(img)
	if err != nil || q.Crop != want || q.Probabilities != p.Probabilities {
		t.Fatalf("ClassifyImage: crop %v, p %v (%v); Classify: %v, %v", q.Crop, q.Probabilities, err, want, p.Probabilities)
	}
	// A sub-image keeps its own coordinates: the crop is in them.
	sub := img.(interface {
		SubImage(image.Rectangle) image.Image
	}).SubImage(image.Rect(25, 10, 212, 212))
	r, err := c.ClassifyImage(sub)
	if err != nil || r.Crop != Frame(sub) || !r.Crop.In(sub.Bounds()) {
		t.Fatalf("sub-image: crop %v, want %v inside %v (%v)", r.Crop, Frame(sub), sub.Bounds(), err)
	}
	tp, err := c.ClassifyTensor(Preprocess(img, c.InputSize()))
	if err != nil || !tp.Crop.Empty() || tp.Probabilities != p.Probabilities {
		t.Fatalf("ClassifyTensor: crop %v, p %v (%v)", tp.Crop, tp.Probabilities, err)
	}
}
