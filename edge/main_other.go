//go:build !(js && wasm)

package main

import (
	"log"
	"net/http"
	"os"

	"github.com/hiwl/hiwl/edge/api"
)

func main() {
	port := os.Getenv("PORT")
	if port == "" {
		port = "9900"
	}
	log.Printf("edge: serving on http://localhost:%s (net/http, not the Workers runtime)", port)
	cfg := config
	cfg.Env = os.Getenv
	log.Fatal(http.ListenAndServe(":"+port, api.Handler(cfg)))
}
