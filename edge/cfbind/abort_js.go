//go:build js && wasm

package cfbind

import (
	"context"
	"fmt"
	"net/http"
	"syscall/js"
)

// A request whose client goes away is cancelled by the Workers runtime:
// the promises it was waiting on never settle, because the runtime drops
// a cancelled request's continuations. A goroutine waiting on such a
// promise (a cache lookup) would wait forever, holding the request and
// its body. So the entry module listens to the request's abort signal
// (compatibility flag enable_request_signal) and calls the binding's
// hiwlAbort(id) with the number it gave the request in the runtime
// context's hiwlRequestId; Handler cancels that request's context, and
// every wait on JavaScript here (await) ends with it.

// aborts maps the entry module's request numbers to their contexts'
// cancel functions while the handler runs. No lock: js/wasm runs one
// goroutine at a time on one thread and switches only where one blocks,
// never inside a map operation.
var aborts = map[int]context.CancelFunc{}

// InstallAbort publishes hiwlAbort on the runtime context's binding, for
// the entry module (glue/entry.mjs) to call when a request is aborted.
// Call it once, before workers.Ready.
func InstallAbort() {
	abort := js.FuncOf(func(_ js.Value, args []js.Value) any {
		if len(args) == 1 && args[0].Type() == js.TypeNumber {
			if cancel, ok := aborts[args[0].Int()]; ok {
				cancel()
			}
		}
		return nil
	}) // never released: it lives as long as the instance
	js.Global().Get("context").Get("binding").Set("hiwlAbort", abort)
}

// withAbort gives r a context that the entry module's hiwlAbort for this
// request cancels, and returns the function that forgets it once the
// handler is done. The request's number comes from the runtime context's
// hiwlRequestId slot, taken (and emptied) the way takeBody takes the body;
// without one (no entry module of ours) r is returned as it is.
func withAbort(r *http.Request) (*http.Request, func()) {
	ctx := js.Global().Get("context")
	v := ctx.Get("hiwlRequestId")
	if v.Type() != js.TypeNumber {
		return r, func() {}
	}
	ctx.Set("hiwlRequestId", js.Null())
	id := v.Int()
	c, cancel := context.WithCancel(r.Context())
	if _, dup := aborts[id]; dup {
		panic(fmt.Sprintf("cfbind: request number %d given twice", id))
	}
	aborts[id] = cancel
	return r.WithContext(c), func() {
		delete(aborts, id)
		cancel()
	}
}
