// Command serve serves the in-browser classifier's static folder on the
// loopback interface, for trying the page locally and for its browser test.
// Any static host works in production; this one only adds what a browser
// needs from a file server: the application/wasm type, no stale caching
// while developing, and the build's precompressed copies (FILE.br, FILE.gz)
// when the browser accepts them, as a production host should.
//
//	go run ./wasm/serve [-addr 127.0.0.1:8080] [-dir wasm/static] [-log]
//
// With port 0 it picks a free port. It prints the page's URL on its first
// line of output, which is how the test finds it. With -log it writes one
// line per request to stderr (method, path, status, encoding, body bytes),
// which is how the test counts what went over the wire.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"mime"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address (host must be a loopback address)")
	dir := flag.String("dir", "wasm/static", "folder to serve")
	logRequests := flag.Bool("log", false, "log every request to stderr")
	flag.Parse()
	log.SetFlags(0)
	log.SetPrefix("serve: ")

	if err := checkDir(*dir); err != nil {
		log.Fatal(err)
	}
	ln, err := listen(*addr)
	if err != nil {
		log.Fatal(err)
	}
	h, err := handler(*dir)
	if err != nil {
		log.Fatal(err)
	}
	if *logRequests {
		h = logged(h, log.Default())
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	fmt.Printf("http://%s/\n", ln.Addr())
	log.Printf("serving %s; Ctrl-C stops", *dir)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		shut, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		srv.Shutdown(shut)
	}()
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		log.Fatal(err)
	}
}

// listen refuses non-loopback addresses: the page is meant to be tried
// locally, and a dev server should not be reachable from the network.
func listen(addr string) (net.Listener, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	ip := net.ParseIP(host)
	if host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return nil, fmt.Errorf("-addr %s: host must be a loopback address such as 127.0.0.1", addr)
	}
	return net.Listen("tcp", addr)
}

// checkDir fails early, with the fix, when the module was not built.
func checkDir(dir string) error {
	for _, name := range []string{"index.html", "hiwl.wasm", "wasm_exec.js"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			return fmt.Errorf("%v (run `make wasm-build` first)", err)
		}
	}
	return nil
}

// handler serves dir. Every answer asks the browser to revalidate, so a
// rebuilt hiwl.wasm is picked up on reload. A file with precompressed copies
// next to it is served from the best one the request accepts.
func handler(dir string) (http.Handler, error) {
	// The system's mime.types may lack .wasm or map .js oddly; browsers
	// refuse module scripts (and nosniff scripts) with a wrong type.
	for ext, typ := range map[string]string{
		".wasm": "application/wasm",
		".js":   "text/javascript; charset=utf-8",
		".mjs":  "text/javascript; charset=utf-8",
		".json": "application/json",
	} {
		if err := mime.AddExtensionType(ext, typ); err != nil {
			return nil, err
		}
	}
	files := http.FileServer(http.Dir(dir))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-cache")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		if r.Method == http.MethodGet || r.Method == http.MethodHead {
			if servePrecompressed(w, r, dir) {
				return
			}
		}
		files.ServeHTTP(w, r)
	}), nil
}

// encodings are the precompressed copies looked for, best first.
var encodings = []struct{ name, ext string }{{"br", ".br"}, {"gzip", ".gz"}}

// servePrecompressed answers r from FILE.br or FILE.gz when the requested
// FILE has such a copy and the request accepts its encoding. It reports
// whether it answered; otherwise the plain file server does, and for a file
// with copies the answer still says it varies by Accept-Encoding, so a cache
// never hands the uncompressed one to a browser that asked differently.
func servePrecompressed(w http.ResponseWriter, r *http.Request, dir string) bool {
	name := path.Clean("/" + r.URL.Path)
	if strings.HasSuffix(r.URL.Path, "/") {
		return false // index.html and listings: left to the file server
	}
	root := http.Dir(dir)
	var have []int
	for i, e := range encodings {
		if f, err := root.Open(name + e.ext); err == nil {
			st, err := f.Stat()
			f.Close()
			if err == nil && st.Mode().IsRegular() {
				have = append(have, i)
			}
		}
	}
	if len(have) == 0 {
		return false
	}
	w.Header().Add("Vary", "Accept-Encoding")
	accepted := acceptEncoding(r.Header.Get("Accept-Encoding"))
	for _, i := range have {
		e := encodings[i]
		if !accepted(e.name) {
			continue
		}
		f, err := root.Open(name + e.ext)
		if err != nil {
			return false
		}
		defer f.Close()
		st, err := f.Stat()
		if err != nil {
			return false
		}
		typ := mime.TypeByExtension(path.Ext(name))
		if typ == "" {
			typ = "application/octet-stream"
		}
		w.Header().Set("Content-Type", typ)
		w.Header().Set("Content-Encoding", e.name)
		// ServeContent leaves Content-Length out once Content-Encoding is
		// set (it expects on-the-fly compression); a whole precompressed
		// file has a known length, and browsers show progress from it.
		if r.Header.Get("Range") == "" {
			w.Header().Set("Content-Length", strconv.FormatInt(st.Size(), 10))
		}
		http.ServeContent(w, r, name, st.ModTime(), f)
		return true
	}
	return false
}

// acceptEncoding parses an Accept-Encoding header (RFC 9110 12.5.3) into a
// test of whether a coding is acceptable: listed, or covered by "*", with a
// q-value above zero.
func acceptEncoding(header string) func(coding string) bool {
	q := map[string]float64{}
	for _, part := range strings.Split(header, ",") {
		fields := strings.Split(part, ";")
		coding := strings.ToLower(strings.TrimSpace(fields[0]))
		if coding == "" {
			continue
		}
		v := 1.0
		for _, p := range fields[1:] {
			k, val, ok := strings.Cut(strings.TrimSpace(p), "=")
			if ok && strings.EqualFold(strings.TrimSpace(k), "q") {
				f, err := strconv.ParseFloat(strings.TrimSpace(val), 64)
				if err != nil {
					f = 0 // a malformed weight accepts nothing
				}
				v = f
			}
		}
		q[coding] = v
	}
	return func(coding string) bool {
		if v, ok := q[coding]; ok {
			return v > 0
		}
		v, ok := q["*"]
		return ok && v > 0
	}
}

// logged writes a line per request: method, path, status, encoding and
// the body bytes sent.
func logged(h http.Handler, l *log.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cw := &countingWriter{ResponseWriter: w, status: http.StatusOK}
		h.ServeHTTP(cw, r)
		enc := cw.Header().Get("Content-Encoding")
		if enc == "" {
			enc = "identity"
		}
		l.Printf("%s %s %d %s %d", r.Method, r.URL.Path, cw.status, enc, cw.n)
	})
}

type countingWriter struct {
	http.ResponseWriter
	status int
	n      int64
}

func (c *countingWriter) WriteHeader(status int) {
	c.status = status
	c.ResponseWriter.WriteHeader(status)
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.ResponseWriter.Write(p)
	c.n += int64(n)
	return n, err
}
