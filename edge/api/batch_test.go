package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/hiwl/hiwl/edge/internal/fixtures"
	"github.com/hiwl/hiwl/model"
)

func TestBatch(t *testing.T) {
	c := defaultModel(t)
	h := Handler(Config{Model: func() (*model.Classifier, error) { return c, nil }})
	imgs := fixtures.GalaxyJPEGs(t, 3)
	parts := []fixtures.Part{
		{Field: "images", Filename: "a.jpg", ContentType: "image/jpeg", Data: imgs[0]},
		{Field: "note", Data: []byte("skipped")},
		{Field: "images", Filename: "notes.txt", ContentType: "text/plain", Data: imgs[1]},
		{Field: "images", Filename: "b.jpg", Data: imgs[1]},
		{Field: "images", Filename: "half.jpg", ContentType: "image/jpeg", Data: imgs[2][:len(imgs[2])/2]},
		{Field: "images", Filename: "huge.png", ContentType: "image/png", Data: fixtures.PNGHeader(60000, 60000)},
		{Field: "images", Filename: "c.jpg", ContentType: "image/jpeg", Data: imgs[2]},
	}
	body, ct := fixtures.Multipart(t, parts...)
	rec := serve(t, h, request{method: "POST", target: "/classify?cam=1", contentType: ct, body: body, chunked: true})
	if rec.Code != 200 {
		t.Fatalf("batch: %d %s", rec.Code, rec.Body)
	}
	var got []map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
		t.Fatalf("batch answer is not an array: %v: %s", err, rec.Body)
	}
	want := []struct {
		name   string
		status int
		img    []byte // for 200s
		msg    string // for errors
	}{
		{"a.jpg", 200, imgs[0], ""},
		{"notes.txt", 415, nil, "text/plain"},
		{"b.jpg", 200, imgs[1], ""},
		{"half.jpg", 400, nil, "truncated"},
		{"huge.png", 422, nil, "60000x60000"},
		{"c.jpg", 200, imgs[2], ""},
	}
	if len(got) != len(want) {
		t.Fatalf("batch of %d answered %d items: %s", len(want), len(got), rec.Body)
	}
	for i, w := range want {
		g := got[i]
		if g["index"] != float64(i) || g["filename"] != w.name || g["status"] != float64(w.status) {
			t.Errorf("item %d: index %v filename %v status %v, want %d %s %d", i, g["index"], g["filename"], g["status"], i, w.name, w.status)
		}
		if w.status == 200 {
			if !reflect.DeepEqual(g["result"], nativeResult(t, c, w.img, true)) {
				t.Errorf("item %d (%s): result %v differs from the native classifier's", i, w.name, g["result"])
			}
			if _, ok := g["error"]; ok {
				t.Errorf("item %d: error next to a result", i)
			}
			continue
		}
		if msg, _ := g["error"].(string); !strings.Contains(msg, w.msg) {
			t.Errorf("item %d (%s): error %q does not mention %q", i, w.name, msg, w.msg)
		}
		if _, ok := g["result"]; ok {
			t.Errorf("item %d: result next to an error", i)
		}
	}
}

func TestBatchLimits(t *testing.T) {
	h := Handler(Config{Model: noModel(t)})
	img := fixtures.GalaxyJPEGs(t, 1)[0][:100] // never decoded: the requests fail first
	many := make([]fixtures.Part, MaxBatch+1)
	for i := range many {
		many[i] = fixtures.Part{Field: "images", Filename: fmt.Sprintf("%d.jpg", i), Data: img}
	}
	body, ct := fixtures.Multipart(t, many...)
	wantError(t, serve(t, h, request{method: "POST", target: "/classify", contentType: ct, body: body}), 400, "at most 16")

	body, ct = fixtures.Multipart(t,
		fixtures.Part{Field: "images", Filename: "a.jpg", Data: img},
		fixtures.Part{Field: "image", Filename: "b.jpg", Data: img})
	wantError(t, serve(t, h, request{method: "POST", target: "/classify", contentType: ct, body: body}), 400, "not both")

	// Every item bad: still 200, with an error in each place, and no model.
	body, ct = fixtures.Multipart(t,
		fixtures.Part{Field: "images", Filename: "a.txt", Data: []byte("not an image")},
		fixtures.Part{Field: "images", Filename: "b.jpg", Data: nil})
	rec := serve(t, h, request{method: "POST", target: "/classify", contentType: ct, body: body})
	var got []BatchItem
	if rec.Code != 200 || json.Unmarshal(rec.Body.Bytes(), &got) != nil || len(got) != 2 ||
		got[0].Status != 400 || got[1].Status != 400 || !strings.Contains(got[1].Error, "empty") {
		t.Errorf("all-bad batch: %d %s", rec.Code, rec.Body)
	}

	// The body limit covers the whole batch.
	small := Handler(Config{Model: noModel(t), MaxBodyBytes: 1000})
	body, ct = fixtures.Multipart(t,
		fixtures.Part{Field: "images", Filename: "a.jpg", Data: make([]byte, 600)},
		fixtures.Part{Field: "images", Filename: "b.jpg", Data: make([]byte, 600)})
	wantError(t, serve(t, small, request{method: "POST", target: "/classify", contentType: ct, body: body, chunked: true}), 413, "1000 bytes")
}

func TestModelInfo(t *testing.T) {
	c := defaultModel(t)
	h := Handler(Config{Model: func() (*model.Classifier, error) { return c, nil }})
	rec := serve(t, h, request{method: "GET", target: "/model"})
	var info ModelInfo
	if rec.Code != 200 || json.Unmarshal(rec.Body.Bytes(), &info) != nil {
		t.Fatalf("GET /model: %d %s", rec.Code, rec.Body)
	}
	if info.ModelVersion != c.Version() || info.InputSize != c.InputSize() || info.MaxBatch != MaxBatch {
		t.Errorf("GET /model: %+v; classifier %s, input %d", info, c.Version(), c.InputSize())
	}
	var slugs []string
	for _, cl := range info.Classes {
		slugs = append(slugs, cl.Class)
	}
	if !slices.Equal(slugs, []string{"round", "in-between", "cigar", "edge-on", "spiral"}) || info.Classes[2].Label != "cigar-shaped smooth" {
		t.Errorf("classes %+v", info.Classes)
	}
	if len(info.NetworkA) != model.NumA || len(info.NetworkB) != model.NumB {
		t.Errorf("networks %v %v", info.NetworkA, info.NetworkB)
	}
	broken := Handler(Config{Logf: func(string, ...any) {}, Model: func() (*model.Classifier, error) { return nil, model.ErrBadModel }})
	wantError(t, serve(t, broken, request{method: "GET", target: "/model"}), 500, "model")
}

// TestOpenAPI checks that the served document is the embedded file and
// describes exactly the handler's routes and methods.
func TestOpenAPI(t *testing.T) {
	h := Handler(Config{Model: noModel(t)})
	rec := serve(t, h, request{method: "GET", target: "/openapi.json"})
	var doc struct {
		OpenAPI string                    `json:"openapi"`
		Paths   map[string]map[string]any `json:"paths"`
		Comp    map[string]map[string]any `json:"components"`
	}
	if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") || json.Unmarshal(rec.Body.Bytes(), &doc) != nil {
		t.Fatalf("GET /openapi.json: %d %s", rec.Code, rec.Header().Get("Content-Type"))
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.1") {
		t.Errorf("openapi %q", doc.OpenAPI)
	}
	s := h.(*server)
	for path, rt := range s.routes {
		ops, ok := doc.Paths[path]
		if !ok {
			t.Errorf("route %s missing from openapi.json", path)
			continue
		}
		for m := range ops {
			// OPTIONS (CORS preflight) is answered on every route.
			if !slices.Contains(rt.methods, strings.ToUpper(m)) && m != "options" {
				t.Errorf("openapi.json documents %s %s, which the handler does not serve", strings.ToUpper(m), path)
			}
		}
		for _, m := range rt.methods {
			if _, ok := ops[strings.ToLower(m)]; !ok && m != http.MethodHead {
				t.Errorf("openapi.json lacks %s %s", m, path)
			}
		}
	}
	for path := range doc.Paths {
		if _, ok := s.routes[path]; !ok {
			t.Errorf("openapi.json documents %s, which is not a route", path)
		}
	}
	// Every $ref points at something defined.
	var refs func(v any)
	refs = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			if r, ok := v["$ref"].(string); ok {
				p := strings.Split(strings.TrimPrefix(r, "#/components/"), "/")
				if len(p) != 2 || doc.Comp[p[0]][p[1]] == nil {
					t.Errorf("dangling $ref %s", r)
				}
			}
			for _, x := range v {
				refs(x)
			}
		case []any:
			for _, x := range v {
				refs(x)
			}
		}
	}
	var all any
	json.Unmarshal(rec.Body.Bytes(), &all)
	refs(all)
	// The Result schema's required fields are the JSON names model.Result uses.
	p, err := defaultModel(t).Classify(fixtures.GalaxyJPEGs(t, 1)[0])
	if err != nil {
		t.Fatal(err)
	}
	res := jsonRoundTrip(t, p.Result(false))
	for _, f := range doc.Comp["schemas"]["Result"].(map[string]any)["required"].([]any) {
		if _, ok := res[f.(string)]; !ok {
			t.Errorf("openapi.json requires %q in Result; model.Result has no such field", f)
		}
	}
}
