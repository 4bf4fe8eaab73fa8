package api

import (
	"encoding/json"
	"testing"

	"github.com/hiwl/hiwl/edge/internal/fixtures"
	"github.com/hiwl/hiwl/model"
)

// Failures carry model.ErrorCode's code (the page reports the same), and
// the HTTP status is statusOf that code; failures of the request itself
// carry none.
func TestErrorCodes(t *testing.T) {
	jpeg := fixtures.GalaxyJPEGs(t, 1)[0]
	h := Handler(Config{Model: noModel(t)})
	for _, c := range []struct {
		name   string
		r      request
		status int
		code   model.Code
	}{
		{"not an image", request{method: "POST", target: "/classify", contentType: "image/jpeg", body: []byte("<html>")}, 400, model.CodeNotImage},
		{"empty", request{method: "POST", target: "/classify", contentType: "image/jpeg"}, 400, model.CodeEmpty},
		{"truncated", request{method: "POST", target: "/classify", contentType: "image/jpeg", body: jpeg[:len(jpeg)/2]}, 400, model.CodeCorrupt},
		{"too large", request{method: "POST", target: "/classify", contentType: "image/png", body: fixtures.PNGHeader(60000, 60000)}, 422, model.CodeTooLarge},
		{"too small", request{method: "POST", target: "/classify", contentType: "image/png", body: fixtures.PNGHeader(4, 4)}, 422, model.CodeTooSmall},
		{"no route", request{method: "GET", target: "/nope"}, 404, ""},
		{"wrong type", request{method: "POST", target: "/classify", contentType: "text/plain", body: jpeg}, 415, ""},
	} {
		rec := serve(t, h, c.r)
		var e Error
		if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || rec.Code != c.status || e.Status != c.status || e.Code != c.code {
			t.Errorf("%s: %d %s, want status %d and code %q", c.name, rec.Code, rec.Body, c.status, c.code)
		}
	}

	broken := Handler(Config{Logf: func(string, ...any) {}, Model: func() (*model.Classifier, error) { return nil, model.ErrBadModel }})
	rec := serve(t, broken, request{method: "POST", target: "/classify", contentType: "image/jpeg", body: jpeg})
	var e Error
	if json.Unmarshal(rec.Body.Bytes(), &e) != nil || rec.Code != 500 || e.Code != model.CodeBadModel {
		t.Errorf("broken model: %d %s, want 500 with code bad_model", rec.Code, rec.Body)
	}

	body, ct := fixtures.Multipart(t,
		fixtures.Part{Field: "images", Filename: "a.txt", Data: []byte("not an image")},
		fixtures.Part{Field: "images", Filename: "b.png", Data: fixtures.PNGHeader(4, 4)})
	rec = serve(t, h, request{method: "POST", target: "/classify", contentType: ct, body: body})
	var items []BatchItem
	if json.Unmarshal(rec.Body.Bytes(), &items) != nil || len(items) != 2 ||
		items[0].Code != model.CodeNotImage || items[0].Status != 400 || items[1].Code != model.CodeTooSmall || items[1].Status != 422 {
		t.Errorf("batch items: %s", rec.Body)
	}
}
