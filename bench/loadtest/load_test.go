package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hiwl/hiwl/model"
)

var testImage = image{
	name: "galaxy.jpg",
	data: []byte("not really a JPEG: the fake worker only reads it"),
	want: model.Result{Label: "spiral", ModelVersion: "hiwl-test", Probabilities: map[string]float32{"spiral": 0.9, "round": 0.1}},
}

// fakeWorker answers /classify with testImage's result and counts the
// fetches it begins and ends as the glue does; misbehave, if set, may
// take over a request (it returns true when it did).
func fakeWorker(t *testing.T, misbehave func(n int64, w http.ResponseWriter, r *http.Request) bool) *httptest.Server {
	var begun, ended atomic.Int64
	answer, err := json.Marshal(testImage.want)
	if err != nil {
		t.Fatal(err)
	}
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := begun.Add(1)
		defer ended.Add(1)
		io.Copy(io.Discard, r.Body)
		if misbehave != nil && misbehave(n, w, r) {
			return
		}
		w.Header().Set("X-Hiwl-Isolate-Fetches", fmt.Sprintf("%d %d", n, ended.Load()+1))
		if r.URL.Path == "/classify" {
			w.Write(answer)
		}
	}))
}

// hangUp closes the connection without a byte of an answer.
func hangUp(t *testing.T, w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		t.Error(err)
		return
	}
	conn.Close()
}

func TestLoadRunCounts(t *testing.T) {
	srv := fakeWorker(t, nil)
	defer srv.Close()
	cfg := config{c: 4, timeout: 10 * time.Second}
	var done atomic.Int64
	s := loadRun(context.Background(), loadClient(cfg), []string{srv.URL}, []image{testImage}, 40, cfg.c, 0, &done, nil)
	if s.Completed != 40 || s.Errors != 0 || s.Retried != 0 || s.LatencyMS.N != 40 || done.Load() != 40 {
		t.Fatalf("%+v, done %d; want 40 completed, no errors or resends", s, done.Load())
	}
	is, err := isolateFetches(context.Background(), loadClient(cfg), srv.URL, 41)
	if err != nil {
		t.Fatal(err)
	}
	if is.Begun != 41 || is.Ended != 41 {
		t.Errorf("isolate counts %+v, want 41 begun and ended", is)
	}
}

// A kept-alive connection closed under a request is a resend, not an
// error; a request whose own fresh connection is closed is an error that
// says how far it got.
func TestLoadRunResendsAndStages(t *testing.T) {
	srv := fakeWorker(t, func(n int64, w http.ResponseWriter, r *http.Request) bool {
		if n == 3 { // the third request: on the connection of the first two
			hangUp(t, w)
			return true
		}
		return false
	})
	defer srv.Close()
	cfg := config{c: 1, timeout: 10 * time.Second}
	var done atomic.Int64
	s := loadRun(context.Background(), loadClient(cfg), []string{srv.URL}, []image{testImage}, 5, cfg.c, 0, &done, nil)
	if s.Completed != 5 || s.Errors != 0 || s.Retried != 1 {
		t.Fatalf("%+v: want 5 completed, 0 errors, 1 resent", s)
	}

	gone := httptest.NewServer(http.NotFoundHandler())
	gone.Close() // nothing listens there now
	_, err := classify(context.Background(), loadClient(config{fresh: true, timeout: time.Second}), gone.URL, testImage)
	if err == nil || !strings.Contains(err.Error(), "never connected") {
		t.Errorf("closed port: %v, want an error saying it never connected", err)
	}

	rude := fakeWorker(t, func(n int64, w http.ResponseWriter, r *http.Request) bool { hangUp(t, w); return true })
	defer rude.Close()
	_, err = classify(context.Background(), loadClient(config{fresh: true, timeout: time.Second}), rude.URL, testImage)
	if err == nil || !strings.Contains(err.Error(), "request written after") || !strings.Contains(err.Error(), "no byte of an answer") {
		t.Errorf("hang-up: %v, want an error saying the request was written and nothing came back", err)
	}
}

// TestClassifyOther: the -against build's answers pass when they are a
// classification, whatever model gave them, and fail otherwise.
func TestClassifyOther(t *testing.T) {
	srv := fakeWorker(t, func(n int64, w http.ResponseWriter, r *http.Request) bool {
		switch n {
		case 2:
			http.Error(w, `{"error":"busy"}`, http.StatusServiceUnavailable)
		case 3:
			w.Write([]byte("<html>not JSON</html>"))
		case 4:
			w.Write([]byte(`{"label":""}`))
		default:
			return false
		}
		return true
	})
	defer srv.Close()
	client := &http.Client{Timeout: 10 * time.Second}
	for n := 1; n <= 4; n++ {
		_, err := classifyOther(context.Background(), client, srv.URL, testImage)
		if (err == nil) != (n == 1) {
			t.Errorf("answer %d: error %v", n, err)
		}
	}
}

// The leak verdict after V8's collections counts what the isolate keeps
// besides its wasm memory: the wasm memory's growth to a batch's need is
// not a leak, a backing store or heap that stays is.
func TestIsolateRetained(t *testing.T) {
	before := V8Sample{Used: 1.1, Total: 1.9, Backing: 18.3}
	if got := isolateRetained(before, V8Sample{Used: 1.3, Total: 1.9, Backing: 21.7}, 18.0, 21.5); got > isolateRetainedAllowed || got < -1 {
		t.Fatalf("wasm memory growth only: %v MiB retained", got)
	}
	if got := isolateRetained(before, V8Sample{Used: 1.3, Total: 1.9, Backing: 31.7}, 18.0, 21.5); got <= isolateRetainedAllowed {
		t.Fatalf("10 MiB of bodies kept: %v MiB retained, under the bound", got)
	}
	if got := isolateRetained(before, V8Sample{Used: 9, Total: 12, Backing: 21.7}, 18.0, 21.5); got <= isolateRetainedAllowed {
		t.Fatalf("a 10 MiB heap kept: %v MiB retained, under the bound", got)
	}
}
