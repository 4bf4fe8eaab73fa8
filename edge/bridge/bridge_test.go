package bridge

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/hiwl/hiwl/edge/api"
	"github.com/hiwl/hiwl/edge/internal/fixtures"
	"github.com/hiwl/hiwl/model"
)

func header(res Response, name string) []string {
	var out []string
	for _, kv := range res.Header {
		if http.CanonicalHeaderKey(kv[0]) == http.CanonicalHeaderKey(name) {
			out = append(out, kv[1])
		}
	}
	return out
}

// TestDo runs the real api handler through Do, as the entry module does.
func TestDo(t *testing.T) {
	c, err := model.Default()
	if err != nil {
		t.Fatal(err)
	}
	h := api.Handler(api.Config{Model: model.Default, MaxBodyBytes: 1 << 20})
	img := fixtures.GalaxyJPEGs(t, 1)[0]

	res := Do(h, Request{Method: "POST", URL: "http://worker.example/classify?cam=1",
		Header: [][2]string{{"content-type", "image/jpeg"}}, Body: img, ContentLength: int64(len(img))})
	p, err := c.Classify(img)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := json.Marshal(p.Result(true))
	if res.Status != 200 || !bytes.Equal(bytes.TrimSpace(res.Body), want) {
		t.Fatalf("classify: %d %s\nwant %s", res.Status, res.Body, want)
	}
	if got := header(res, "Access-Control-Allow-Origin"); len(got) != 1 || got[0] != "*" {
		t.Errorf("CORS header %v", got)
	}

	// Chunked upload: no declared length, the entry module's limit+1 bytes.
	big := bytes.Repeat([]byte{0xff}, 1<<20+1)
	res = Do(h, Request{Method: "POST", URL: "http://w/classify", Body: big, ContentLength: -1,
		Header: [][2]string{{"Content-Type", "application/octet-stream"}}})
	if res.Status != 413 {
		t.Errorf("chunked over the limit: %d %s", res.Status, res.Body)
	}
	// Declared over the limit, body not read by the entry module.
	res = Do(h, Request{Method: "POST", URL: "http://w/classify", ContentLength: 1<<20 + 1,
		Header: [][2]string{{"Content-Type", "image/jpeg"}}})
	if res.Status != 413 {
		t.Errorf("declared over the limit: %d %s", res.Status, res.Body)
	}
	// No body at all.
	res = Do(h, Request{Method: "GET", URL: "http://w/healthz", ContentLength: -1})
	if res.Status != 200 || !strings.Contains(string(res.Body), `"ok"`) {
		t.Errorf("healthz: %d %s", res.Status, res.Body)
	}
	res = Do(h, Request{Method: "POST", URL: "http://w/classify", ContentLength: -1})
	if res.Status != 400 || !strings.Contains(string(res.Body), "empty") {
		t.Errorf("empty POST: %d %s", res.Status, res.Body)
	}
	// A handler that writes nothing answers 200 with no body.
	res = Do(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}), Request{Method: "GET", URL: "http://w/"})
	if res.Status != 200 || len(res.Body) != 0 {
		t.Errorf("silent handler: %d %q", res.Status, res.Body)
	}
	res = Do(h, Request{Method: "GET", URL: "::not a url"})
	if res.Status != 400 {
		t.Errorf("bad URL: %d %s", res.Status, res.Body)
	}
}

// TestDoRecovers: a panic that escapes the handler costs one 500, in
// JSON, and the next call works.
func TestDoRecovers(t *testing.T) {
	calls := 0
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls++
		if calls == 1 {
			panic("boom")
		}
		b, _ := io.ReadAll(r.Body)
		w.Header().Set("X-Len", string(rune('0'+len(b))))
		w.WriteHeader(http.StatusTeapot)
		w.Write(b)
	})
	res := Do(h, Request{Method: "POST", URL: "http://w/x", Body: []byte("abc"), ContentLength: 3})
	var e api.Error
	if res.Status != 500 || json.Unmarshal(res.Body, &e) != nil || e.Status != 500 {
		t.Fatalf("after panic: %d %s", res.Status, res.Body)
	}
	res = Do(h, Request{Method: "POST", URL: "http://w/x", Body: []byte("abc"), ContentLength: 3})
	if res.Status != http.StatusTeapot || string(res.Body) != "abc" || header(res, "X-Len")[0] != "3" {
		t.Fatalf("second call: %d %q %v", res.Status, res.Body, res.Header)
	}
}
