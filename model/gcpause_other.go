//go:build !js

package model

// pauseGC is a no-op outside js (see gcpause_js.go).
func pauseGC() (resume func()) { return func() {} }
