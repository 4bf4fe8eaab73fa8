package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/hiwl/hiwl/edge/internal/fixtures"
	"github.com/hiwl/hiwl/model"
)

// fuzzLimit is the body limit under fuzzing: small, so that the fuzzer
// reaches it.
const fuzzLimit = 64 << 10

// FuzzClassifyRequest sends POST /classify with any Content-Type, body,
// declared length and query: raw images, multipart forms and batches,
// truncated or lying framing. It fuzzes the reading and checking of
// requests, not inference (which, under the fuzzer's coverage
// instrumentation, would take most of each run): the model is one that
// fails to load with errNoModel. So every request must be refused with a
// documented 4xx, a JSON error whose status is the response's, or get as
// far as the model and answer the 500 for errNoModel; any other 500 (a
// panic, an error the handler did not map) fails. A 413 only for a body
// over the limit. The committed corpus (testdata/fuzz/FuzzClassifyRequest)
// runs in every go test; `make fuzz` runs the target for FUZZTIME. The
// answers with a classification are tested with the real model in
// TestClassify, TestBatch and edge/e2e.
func FuzzClassifyRequest(f *testing.F) {
	var small bytes.Buffer
	img := image.NewRGBA(image.Rect(0, 0, 16, 12))
	for i := range img.Pix {
		img.Pix[i] = uint8(i * 7)
	}
	img.Set(3, 3, color.White)
	if err := png.Encode(&small, img); err != nil {
		f.Fatal(err)
	}
	jpeg := fixtures.GalaxyJPEGs(f, 1)[0]
	one, oneCT := fixtures.Multipart(f, fixtures.Part{Field: "image", Filename: "g.png", ContentType: "image/png", Data: small.Bytes()})
	batch, batchCT := fixtures.Multipart(f,
		fixtures.Part{Field: "images", Filename: "a.png", Data: small.Bytes()},
		fixtures.Part{Field: "images", Filename: "b.txt", ContentType: "text/plain", Data: []byte("hello")},
		fixtures.Part{Field: "images", Filename: "c.png", ContentType: "image/png", Data: small.Bytes()[:40]},
		fixtures.Part{Field: "note", Data: []byte("skipped")})
	for _, s := range []struct {
		ct    string
		body  []byte
		mode  uint8
		query string
	}{
		{"image/png", small.Bytes(), 0, ""},
		{"image/jpeg", jpeg, 1, "cam=1"},
		{"", small.Bytes(), 1, ""},
		{"application/octet-stream", small.Bytes()[:30], 0, ""},
		{oneCT, one, 0, ""},
		{oneCT, one[:len(one)/2], 1, ""},
		{batchCT, batch, 0, "cam=0"},
		{batchCT, batch, 2, ""},
		{strings.Replace(batchCT, "boundary=", "boundary=\"x,", 1) + "\"", batch, 0, ""},
		{"multipart/form-data", batch, 0, ""},
		{"multipart/form-data; boundary=" + strings.Repeat("-", 70), []byte("--" + strings.Repeat("-", 70) + "--\r\n"), 0, ""},
		{"text/plain", []byte("hello"), 0, ""},
		{"image/png; charset=\"", small.Bytes(), 0, "cam=maybe"},
		{"image/png", fixtures.PNGHeader(60000, 60000), 0, ""},
		{"image/gif", []byte("GIF89a\x01\x00\x01\x00"), 1, ""},
	} {
		f.Add(s.ct, s.body, s.mode, s.query)
	}
	h := Handler(Config{
		Model:        func() (*model.Classifier, error) { return nil, errNoModel },
		MaxBodyBytes: fuzzLimit,
		Cache:        &mapCache{m: map[string][]byte{}},
		Logf:         func(format string, args ...any) {},
	})
	f.Fuzz(func(t *testing.T, contentType string, body []byte, lengthMode uint8, query string) {
		req := httptest.NewRequest("POST", "/classify", bytes.NewReader(body))
		req.URL.RawQuery = query
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		// The declared length: the true one, none (chunked), or a lie
		// over the limit with the body behind it.
		switch lengthMode % 3 {
		case 1:
			req.ContentLength = -1
		case 2:
			req.ContentLength = fuzzLimit + 1 + int64(len(body))
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
			t.Fatalf("status %d with Content-Type %q: %.200s", rec.Code, ct, rec.Body)
		}
		switch rec.Code {
		case http.StatusOK:
			// Only a batch in which every image failed answers 200
			// without the model.
			checkBatchWithoutModel(t, rec.Body.Bytes())
		case http.StatusInternalServerError:
			var e Error
			if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || !strings.Contains(e.Error, errNoModel.Error()) {
				t.Fatalf("500 other than the missing model's: %.300s", rec.Body)
			}
		case http.StatusBadRequest, http.StatusUnsupportedMediaType, http.StatusUnprocessableEntity, http.StatusRequestEntityTooLarge:
			var e Error
			if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || e.Status != rec.Code || e.Error == "" {
				t.Fatalf("status %d with error body %q (%v)", rec.Code, rec.Body, err)
			}
			if rec.Code == http.StatusRequestEntityTooLarge && len(body) <= fuzzLimit && lengthMode%3 != 2 {
				t.Fatalf("413 for a %d-byte body under the %d limit", len(body), fuzzLimit)
			}
		default:
			t.Fatalf("status %d: %.300s", rec.Code, rec.Body)
		}
	})
}

// errNoModel is the fuzzed handler's model failing to load.
var errNoModel = errors.New("no model while fuzzing")

// checkBatchWithoutModel checks a 200 answered without the model: a batch
// of 1 to MaxBatch items, each failed with its own documented status.
func checkBatchWithoutModel(t *testing.T, body []byte) {
	t.Helper()
	var items []BatchItem
	if err := json.Unmarshal(body, &items); err != nil || len(items) == 0 || len(items) > MaxBatch {
		t.Fatalf("200 without the model is not a batch of 1 to %d items (%v): %.300s", MaxBatch, err, body)
	}
	for i, it := range items {
		switch {
		case it.Index != i:
			t.Fatalf("item %d has index %d", i, it.Index)
		case it.Result != nil || it.Error == "":
			t.Fatalf("item %d: a result without the model, or no error: %+v", i, it)
		case it.Status != http.StatusBadRequest && it.Status != http.StatusUnsupportedMediaType && it.Status != http.StatusUnprocessableEntity:
			t.Fatalf("item %d: status %d", i, it.Status)
		}
	}
}
