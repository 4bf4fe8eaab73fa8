// Package webapi is the part of the in-browser classifier that needs no
// syscall/js: it turns the bytes of a file a visitor picked into the JSON
// answer the wasm module hands to JavaScript, or into a failure with a
// message fit to show on the page. Keeping it here lets it be tested natively.
package webapi

import (
	"bytes"
	"errors"
	"fmt"
	"image"

	"github.com/hiwl/hiwl/model"
)

// MaxFileBytes bounds the file a page may hand over. model.Decode bounds the
// pixels; this bounds the copy into wasm memory before any header is read.
const MaxFileBytes = 32 << 20

// Answer is what classify returns to JavaScript: the shared model.Result
// (with the predicted class's attention map), the attention maps of all five
// classes so a page can switch between them without another run, and where
// in the image the network looked.
type Answer struct {
	model.Result
	CAMs      map[string]model.CAMResult `json:"cams"`       // by class slug, each normalised to [0,1]
	Crop      Rect                       `json:"crop"`       // the square the network saw, in the file's pixels; every CAM covers it
	Image     Size                       `json:"image"`      // the file's size, in pixels
	InputSize int                        `json:"input_size"` // the network's input side
}

// Rect is a rectangle in image pixels, origin at the top-left corner.
type Rect struct {
	X      int `json:"x"`
	Y      int `json:"y"`
	Width  int `json:"width"`
	Height int `json:"height"`
}

// Size is an image size in pixels.
type Size struct {
	Width  int `json:"width"`
	Height int `json:"height"`
}

// Failure is the answer for a file that cannot be classified. Code is stable
// for programs; Message is written for the visitor; Detail is the Go error.
type Failure struct {
	Code    string `json:"code"`
	Message string `json:"error"`
	Detail  string `json:"detail"`
}

func (f *Failure) Error() string { return f.Message }

// Classify decodes data and runs c on it. It decodes once (model.DecodeFor)
// and classifies the decoded image, which is what c.Classify does, so the
// probabilities are the native classifier's. A large JPEG is decoded at a
// reduced scale; the crop is given in the file's pixels, which the page
// draws.
func Classify(c *model.Classifier, data []byte) (*Answer, error) {
	if err := CheckSize(len(data)); err != nil {
		return nil, err
	}
	img, scale, err := model.DecodeFor(data, c.InputSize())
	if err != nil {
		return nil, Fail(err)
	}
	p, err := c.ClassifyImage(img)
	if err != nil {
		return nil, Fail(err)
	}
	b := img.Bounds()
	file := b.Size().Mul(scale)
	if cfg, _, err := image.DecodeConfig(bytes.NewReader(data)); err == nil {
		file = image.Pt(cfg.Width, cfg.Height) // a scaled size is rounded up
	}
	// the square the network saw, in the file's pixels
	crop := image.Rectangle{p.Crop.Min.Sub(b.Min).Mul(scale), p.Crop.Max.Sub(b.Min).Mul(scale)}.
		Intersect(image.Rectangle{Max: file})
	a := &Answer{
		Result:    p.Result(true),
		CAMs:      make(map[string]model.CAMResult, model.NumClasses),
		Crop:      Rect{X: crop.Min.X, Y: crop.Min.Y, Width: crop.Dx(), Height: crop.Dy()},
		Image:     Size{Width: file.X, Height: file.Y},
		InputSize: c.InputSize(),
	}
	for _, cl := range model.Classes {
		m := p.CAM(cl)
		a.CAMs[cl.Slug()] = model.CAMResult{Class: cl.Slug(), Side: m.Side, Values: m.Normalized()}
	}
	return a, nil
}

// CheckSize refuses a file of n bytes over MaxFileBytes; callers holding the
// bytes outside Go use it before copying them in.
func CheckSize(n int) error {
	if n <= MaxFileBytes {
		return nil
	}
	return &Failure{
		Code:    string(model.CodeFileTooLarge),
		Message: fmt.Sprintf("The file is larger than %d MB.", MaxFileBytes>>20),
		Detail:  fmt.Sprintf("%d bytes", n),
	}
}

// Fail turns an error into a Failure; a Failure passes through unchanged.
// The code and its message are model.ErrorCode's, the same the edge answers.
func Fail(err error) *Failure {
	var f *Failure
	if errors.As(err, &f) {
		return f
	}
	code := model.ErrorCode(err)
	return &Failure{Code: string(code), Message: code.Message(), Detail: err.Error()}
}

// Respond is Classify as JSON: an Answer, or a Failure object. It never
// returns an error because whatever happens must reach the page as JSON.
func Respond(c *model.Classifier, data []byte) []byte {
	a, err := Classify(c, data)
	if err != nil {
		return marshalFailure(Fail(err))
	}
	out, err := appendAnswer(nil, a)
	if err != nil {
		// NaN or Inf from a broken model cannot be written as JSON.
		return marshalFailure(Fail(fmt.Errorf("encoding the result: %w", err)))
	}
	return out
}

// RespondTensor runs c on an already preprocessed input (the 3×S×S
// float32 tensor model.Preprocess makes) and answers model.Result without
// attention maps, in JSON: inference only, for callers that do their own
// preprocessing and for measuring the engine against other runtimes on the
// same tensor.
func RespondTensor(c *model.Classifier, x []float32) []byte {
	if err := CheckTensor(c, len(x)); err != nil {
		return marshalFailure(err)
	}
	p, err := c.ClassifyTensor(x)
	if err != nil {
		return marshalFailure(Fail(err))
	}
	r := p.Result(false)
	out, err := appendResult(nil, &r)
	if err != nil {
		return marshalFailure(Fail(fmt.Errorf("encoding the result: %w", err)))
	}
	return out
}

// CheckTensor refuses a tensor of n values that is not c's input, before
// anything is copied.
func CheckTensor(c *model.Classifier, n int) *Failure {
	if want := 3 * c.InputSize() * c.InputSize(); n != want {
		return &Failure{
			Code:    "bad_input",
			Message: fmt.Sprintf("The tensor must hold 3×%d×%d values.", c.InputSize(), c.InputSize()),
			Detail:  fmt.Sprintf("%d values, want %d", n, want),
		}
	}
	return nil
}

// Refuse is the JSON of a Failure for err, for callers that fail before
// Respond can run (a bad argument, an oversized file).
func Refuse(err error) []byte { return marshalFailure(Fail(err)) }

// Panicked is the Failure for a recovered panic.
func Panicked(v any) []byte {
	return marshalFailure(&Failure{
		Code:    "internal",
		Message: "The classifier failed on this image.",
		Detail:  fmt.Sprintf("panic: %v", v),
	})
}

func marshalFailure(f *Failure) []byte {
	return appendFailure(nil, f)
}

// Info describes the loaded module to JavaScript: the model's Description,
// the one the edge's GET /model gives too, the page's file limit, and the
// CSV columns, so that the page's "Download CSV" writes model.CSVHeader
// without a copy of it.
type Info struct {
	model.Description
	MaxFileBytes int      `json:"max_file_bytes"`
	CSVHeader    []string `json:"csv_header"`
}

// Describe returns the Info of c as JSON.
func Describe(c *model.Classifier) []byte {
	return appendInfo(nil, Info{Description: c.Describe(), MaxFileBytes: MaxFileBytes, CSVHeader: model.CSVHeader})
}
