//go:build js

package model

import "runtime/debug"

// pauseGC turns the garbage collector off until the returned function
// runs. Loading the default model allocates about 3 MB that stays garbage
// only briefly; in js/wasm the collector has no other thread, so each cycle
// it starts during the load is marked by the loading code itself, in
// wasm that V8 has not optimised yet: about 12% of a cold start's CPU in
// Node. Natively the collector runs on other cores and loads may be
// concurrent, so only js pauses it.
func pauseGC() (resume func()) {
	old := debug.SetGCPercent(-1)
	return func() { debug.SetGCPercent(old) }
}
