// Command serve serves the in-browser classifier's static folder on the
// loopback interface, for trying the page locally and for its browser test.
// Any static host works in production; this one only adds what a browser
// needs from a file server: the application/wasm type and no stale caching
// while developing.
//
//	go run ./wasm/serve [-addr 127.0.0.1:8080] [-dir wasm/static]
//
// With port 0 it picks a free port. It prints the page's URL on its first
// line of output, which is how the test finds it.
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
	"path/filepath"
	"syscall"
	"time"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address (host must be a loopback address)")
	dir := flag.String("dir", "wasm/static", "folder to serve")
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
// rebuilt hiwl.wasm is picked up on reload.
func handler(dir string) (http.Handler, error) {
	// The system's mime.types may lack .wasm or map .js oddly; browsers
	// refuse module scripts (and nosniff scripts) with a wrong type.
	for ext, typ := range map[string]string{
		".wasm": "application/wasm",
		".js":   "text/javascript; charset=utf-8",
		".mjs":  "text/javascript; charset=utf-8",
	} {
		if err := mime.AddExtensionType(ext, typ); err != nil {
			return nil, err
		}
	}
	files := http.FileServer(http.Dir(dir))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-cache")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		files.ServeHTTP(w, r)
	}), nil
}
