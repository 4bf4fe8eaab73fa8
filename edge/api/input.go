package api

import (
	"bytes"
	"errors"
	"image"
	"io"
	"mime"
	"mime/multipart"
	"net/http"

	"github.com/hiwl/hiwl/model"
)

// imageTypes are the Content-Types accepted for a raw image body (and for
// the "image" part of a multipart form). The decoder sniffs the format
// itself, so image/png carrying a JPEG is still classified.
var imageTypes = map[string]bool{
	"image/jpeg":               true,
	"image/png":                true,
	"image/gif":                true,
	"application/octet-stream": true,
}

// Multipart fields: formField holds the one image of a plain request,
// batchField (repeated) the images of a batch.
const (
	formField  = "image"
	batchField = "images"
)

// MaxBatch is the most images one batch request may carry.
const MaxBatch = 16

// upload is what a /classify request carries: one image (a raw body or the
// multipart field "image"), or a batch (the multipart field "images",
// repeated), whose items may fail one by one.
type upload struct {
	single []byte
	batch  []item // nil unless a batch
}

// item is one image of a batch; err is its own failure (say, a part with a
// text Content-Type), reported in its place in the answer.
type item struct {
	filename string
	data     []byte
	err      *httpError
}

// readUpload reads the request body, at most MaxBodyBytes of it whatever
// the client claims.
func (s *server) readUpload(w http.ResponseWriter, r *http.Request) (*upload, error) {
	ct := r.Header.Get("Content-Type")
	if ct == "" {
		// fetch() with an untyped Blob sends no Content-Type; the
		// bytes are sniffed anyway.
		ct = "application/octet-stream"
	}
	mediaType, params, err := mime.ParseMediaType(ct)
	if err != nil {
		return nil, errorf(http.StatusUnsupportedMediaType, "unreadable Content-Type %q: %v", ct, err)
	}
	multi := mediaType == "multipart/form-data"
	if !multi && !imageTypes[mediaType] {
		return nil, errorf(http.StatusUnsupportedMediaType,
			"Content-Type %s not supported; send image/jpeg, image/png, image/gif, application/octet-stream or multipart/form-data", mediaType)
	}
	limit := s.cfg.MaxBodyBytes
	if r.ContentLength > limit {
		// Refuse before reading a byte.
		return nil, tooLarge(limit)
	}
	body := http.MaxBytesReader(w, r.Body, limit)
	defer body.Close()
	if multi {
		return s.readForm(body, params["boundary"])
	}
	var buf bytes.Buffer
	if r.ContentLength > 0 {
		buf.Grow(int(r.ContentLength))
	}
	if _, err := buf.ReadFrom(body); err != nil {
		return nil, bodyError(err, limit)
	}
	return &upload{single: buf.Bytes()}, nil
}

// readForm returns the "image" part, or every "images" part in order,
// streaming past other fields.
func (s *server) readForm(body io.Reader, boundary string) (*upload, error) {
	if boundary == "" {
		return nil, errorf(http.StatusBadRequest, "multipart/form-data without a boundary")
	}
	mr := multipart.NewReader(body, boundary)
	up := &upload{}
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, bodyError(err, s.cfg.MaxBodyBytes)
		}
		name := part.FormName()
		if name != formField && name != batchField {
			continue
		}
		if (name == formField && up.batch != nil) || (name == batchField && up.single != nil) {
			return nil, errorf(http.StatusBadRequest, "send one image in field %q or up to %d in field %q, not both", formField, MaxBatch, batchField)
		}
		if name == batchField && len(up.batch) == MaxBatch {
			return nil, errorf(http.StatusBadRequest, "batch of more than %d images; send at most %d per request", MaxBatch, MaxBatch)
		}
		var typeErr *httpError
		if pt := part.Header.Get("Content-Type"); pt != "" {
			mt, _, err := mime.ParseMediaType(pt)
			if err != nil || !imageTypes[mt] {
				typeErr = errorf(http.StatusUnsupportedMediaType,
					"form field %q has Content-Type %q; send a JPEG, PNG or GIF file", name, pt)
			}
		}
		data, err := io.ReadAll(part)
		if err != nil {
			return nil, bodyError(err, s.cfg.MaxBodyBytes)
		}
		if name == formField {
			if typeErr != nil {
				return nil, typeErr
			}
			if up.single == nil { // the first "image" counts; repeats are skipped
				up.single = data
			}
			continue
		}
		up.batch = append(up.batch, item{filename: part.FileName(), data: data, err: typeErr})
	}
	if up.single == nil && up.batch == nil {
		return nil, errorf(http.StatusBadRequest, "multipart form has no %q field (one image) or %q fields (a batch)", formField, batchField)
	}
	return up, nil
}

// bodyError maps a failure while reading the body: over the limit is 413,
// anything else (a malformed form, a client that hung up) is 400.
func bodyError(err error, limit int64) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return tooLarge(limit)
	}
	return errorf(http.StatusBadRequest, "reading request body: %v", err)
}

func tooLarge(limit int64) error {
	return errorf(http.StatusRequestEntityTooLarge, "request body over the limit of %d bytes", limit)
}

// decode checks the image header against the edge's limits, then decodes
// it for the network's input side with the model package
// (model.DecodeFor, which applies its own limits as well). A failure
// carries model.ErrorCode's code; statusOf maps it to HTTP.
func (s *server) decode(data []byte) (image.Image, error) {
	if cfg, format, err := image.DecodeConfig(bytes.NewReader(data)); err == nil {
		if cfg.Width > s.cfg.MaxSide || cfg.Height > s.cfg.MaxSide || cfg.Width*cfg.Height > s.cfg.MaxPixels {
			e := errorf(statusOf(model.CodeTooLarge),
				"%s is %dx%d; the limit is %d px per side and %d pixels", format, cfg.Width, cfg.Height, s.cfg.MaxSide, s.cfg.MaxPixels)
			e.code = model.CodeTooLarge
			return nil, e
		}
	}
	img, _, err := model.DecodeFor(data, s.cfg.InputSize)
	if err == nil {
		return img, nil
	}
	code := model.ErrorCode(err)
	e := errorf(statusOf(code), "%v", err)
	switch code {
	case model.CodeEmpty:
		e.msg = "empty body: send the image bytes"
	case model.CodeNotImage:
		e.msg = "not a JPEG, PNG or GIF image"
	}
	e.code = code
	return nil, e
}

// statusOf is the HTTP status of a model.Code: the input's faults are 4xx
// (422 for an image whose dimensions are out of range, 413 for a file over
// a limit), the classifier's 500.
func statusOf(c model.Code) int {
	switch {
	case c == model.CodeTooLarge || c == model.CodeTooSmall:
		return http.StatusUnprocessableEntity
	case c == model.CodeFileTooLarge:
		return http.StatusRequestEntityTooLarge
	case c.InputFault():
		return http.StatusBadRequest
	}
	return http.StatusInternalServerError
}
