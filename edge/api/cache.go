package api

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
)

// ResultCache keeps the JSON of classifications, so that an image sent
// again costs no inference. In the Worker it is the Workers Cache API
// (package edge/cfbind); natively there is none.
//
// Get and Put must never fail a request: a cache that cannot answer is a
// miss, and a Put that fails is forgotten.
type ResultCache interface {
	// Enabled reports whether lookups can hit at all; when it is false
	// the handler does not hash images for keys.
	Enabled() bool
	// Get returns the stored answer for key, if any. r is the request
	// being served (its host places the entry in the zone's cache).
	Get(r *http.Request, key string) ([]byte, bool)
	// Put stores answer under key; it may finish after the response.
	Put(r *http.Request, key string, answer []byte)
}

// CacheHeader says whether a /classify answer came from the result cache
// ("hit") or from inference ("miss"); a batch is a hit only if every
// image in it that was classified came from the cache.
const CacheHeader = "X-Hiwl-Cache"

// cacheKey names the answer for data: the SHA-256 of the image bytes, the
// model version (a new model never answers from an old model's entries)
// and whether the attention map is included.
func cacheKey(data []byte, modelVersion string, withCAM bool) string {
	sum := sha256.Sum256(data)
	cam := "0"
	if withCAM {
		cam = "1"
	}
	return modelVersion + "/" + hex.EncodeToString(sum[:]) + "/cam" + cam
}
