//go:build js && wasm

package cfbind

import (
	"bytes"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall/js"

	"github.com/syumai/workers/cloudflare"
	"github.com/syumai/workers/cloudflare/cache"
)

// Env returns the Worker's binding name (a var or a secret) as text, ""
// when it is not bound.
func Env(name string) (v string) {
	defer func() {
		if recover() != nil { // no runtime context: nothing is bound
			v = ""
		}
	}()
	return cloudflare.Getenv(name)
}

// WasmMemory returns the size of this instance's WebAssembly memory, which
// the entry module publishes on the runtime context as hiwlMemoryBytes.
func WasmMemory() int64 {
	f := js.Global().Get("context").Get("hiwlMemoryBytes")
	if f.Type() != js.TypeFunction {
		return 0
	}
	return int64(f.Invoke().Float())
}

// SetMaxBodyBytes tells the entry module how much of a request body to
// read at most (the api handler's limit); it reads one byte more, so that
// the handler's own limit answers 413.
func SetMaxBodyBytes(n int64) {
	js.Global().Get("context").Get("binding").Set("hiwlMaxBodyBytes", n)
}

// CacheMaxAge is how long a classification stays in the Workers cache, in
// seconds. The answer for given bytes and model version never changes, so
// the bound is only on how long an entry occupies the cache.
const CacheMaxAge = 7 * 24 * 3600

// Cache is an api.ResultCache over the Workers Cache API (caches.default,
// through syumai/workers' cloudflare/cache). Entries are keyed by a GET
// URL on the request's own host, under /__hiwl/result/, so they stay in
// the zone's cache. Where the runtime has no cache (workerd without a
// cache service, as in edge/config.capnp), the first lookup fails and the
// cache turns itself off for the instance's life; on *.workers.dev
// Cloudflare's cache accepts entries but never returns them (every answer
// is a miss).
type Cache struct {
	off  atomic.Bool
	once sync.Once
	c    *cache.Cache
	logf func(format string, args ...any)
}

// NewCache returns the Workers result cache; logf reports failures (nil:
// log.Printf).
func NewCache(logf func(format string, args ...any)) *Cache {
	if logf == nil {
		logf = log.Printf
	}
	return &Cache{logf: logf}
}

func (c *Cache) cache() *cache.Cache {
	c.once.Do(func() { c.c = cache.New() })
	return c.c
}

// keyRequest is the cache entry's key: a GET request to a URL of the
// served host.
func keyRequest(r *http.Request, key string) *http.Request {
	host := r.Host
	if host == "" {
		host = r.URL.Host
	}
	scheme := r.URL.Scheme
	if scheme == "" {
		scheme = "https"
	}
	u := &url.URL{Scheme: scheme, Host: host, Path: "/__hiwl/result/" + key}
	return &http.Request{Method: http.MethodGet, URL: u, Header: http.Header{}, Host: host}
}

// fail turns the cache off when the runtime has none, and otherwise logs.
func (c *Cache) fail(op string, err any) {
	msg := fmt.Sprint(err)
	if strings.Contains(msg, "No Cache was configured") {
		if !c.off.Swap(true) {
			c.logf("edge: the runtime has no cache configured; result cache off for this instance")
		}
		return
	}
	c.logf("edge: result cache %s: %s", op, msg)
}

// Enabled is false once the runtime turned out to have no cache.
func (c *Cache) Enabled() bool { return !c.off.Load() }

// Get returns the stored answer for key; any failure is a miss, and so is
// a lookup the request's client abandoned (its context ended: the lookup's
// promise would never settle, see withAbort).
//
// The lookup is caches.default.match on the key's URL, waited on with
// await, not syumai's cache.Match: that one waits through
// jsutil.AwaitPromise, which cannot stop waiting, and reads the body
// through a stream, one more such wait per chunk.
func (c *Cache) Get(r *http.Request, key string) (body []byte, ok bool) {
	if c.off.Load() {
		return nil, false
	}
	defer func() {
		if v := recover(); v != nil { // a JavaScript exception thrown by the call
			c.fail("lookup", v)
			body, ok = nil, false
		}
	}()
	ctx := r.Context()
	res, err := await(ctx, js.Global().Get("caches").Get("default").Call("match", keyRequest(r, key).URL.String()))
	if err != nil {
		if ctx.Err() == nil {
			c.fail("lookup", err)
		}
		return nil, false
	}
	if res.Type() != js.TypeObject || res.Get("status").Int() != http.StatusOK {
		return nil, false // undefined: not in the cache
	}
	buf, err := await(ctx, res.Call("arrayBuffer"))
	if err != nil {
		if ctx.Err() == nil {
			c.fail("lookup", err)
		}
		return nil, false
	}
	n := buf.Get("byteLength").Int()
	if n == 0 || n > 1<<20 { // answers are a few KB; anything else is not ours
		return nil, false
	}
	body = make([]byte, n)
	js.CopyBytesToGo(body, uint8Array.New(buf))
	return body, true
}

// Put stores answer under key after the response is sent (the runtime's
// waitUntil), so the client does not wait for the cache.
func (c *Cache) Put(r *http.Request, key string, answer []byte) {
	if c.off.Load() {
		return
	}
	req := keyRequest(r, key)
	body := append([]byte(nil), answer...)
	put := func() {
		defer func() {
			if v := recover(); v != nil {
				c.fail("store", v)
			}
		}()
		res := &http.Response{
			StatusCode: http.StatusOK,
			Header: http.Header{
				"Content-Type":   {"application/json; charset=utf-8"},
				"Cache-Control":  {"public, max-age=" + strconv.Itoa(CacheMaxAge)},
				"Content-Length": {strconv.Itoa(len(body))},
			},
			Body:          io.NopCloser(bytes.NewReader(body)),
			ContentLength: int64(len(body)),
		}
		if err := c.cache().Put(req, res); err != nil {
			c.fail("store", err)
		}
	}
	defer func() {
		if v := recover(); v != nil { // no execution context to wait on
			c.fail("store", v)
		}
	}()
	cloudflare.WaitUntil(put)
}
