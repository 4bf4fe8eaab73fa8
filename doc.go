// Package hiwl is the module's root. It holds no code: the five rooms are
// model (what every runtime shares; it imports no other room), trainer,
// wasm, edge and viewer (each imports model and never another room), and
// bench, the harness room, the only one that may import them all.
// rooms_test.go checks that rule on every go test ./....
package hiwl
