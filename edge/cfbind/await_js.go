//go:build js && wasm

package cfbind

import (
	"context"
	"fmt"
	"syscall/js"
)

// await waits for promise to settle, or for ctx to end (the request
// aborted: see withAbort). syumai/workers' jsutil.AwaitPromise cannot stop
// waiting: the goroutine stays blocked for as long as the promise stays
// unsettled, forever for a cancelled request's, and it makes two js.Funcs
// per call and releases only the one that ran. Here one js.Func, settle,
// serves every wait: each gets its own number, bound into the callbacks
// with Function.prototype.bind, and a wait that ends with ctx forgets its
// number, so a late settlement finds nothing and is dropped.
func await(ctx context.Context, promise js.Value) (js.Value, error) {
	id := nextWait
	nextWait++
	ch := make(chan settlement, 1) // settle never blocks
	waits[id] = ch
	promise.Call("then", settleFunc.Call("bind", nil, id, true), settleFunc.Call("bind", nil, id, false))
	select {
	case s := <-ch:
		if !s.ok {
			return js.Value{}, fmt.Errorf("promise rejected: %s", js.Global().Get("String").Invoke(s.v).String())
		}
		return s.v, nil
	case <-ctx.Done():
		delete(waits, id)
		return js.Value{}, ctx.Err()
	}
}

type settlement struct {
	v  js.Value
	ok bool
}

// waits holds the channel of each wait in progress by its number (no
// lock: see aborts).
var (
	waits    = map[int]chan settlement{}
	nextWait int
)

// settleFunc(id, ok, value) is the callback of every await.
var settleFunc = js.FuncOf(func(_ js.Value, args []js.Value) any {
	if len(args) < 2 {
		return nil
	}
	id := args[0].Int()
	ch, ok := waits[id]
	if !ok {
		return nil // the wait ended with its context
	}
	delete(waits, id)
	var v js.Value
	if len(args) > 2 {
		v = args[2]
	}
	ch <- settlement{v: v, ok: args[1].Bool()}
	return nil
})
