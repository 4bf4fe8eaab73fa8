package api

import (
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"strings"
	"sync"
)

// Settings read through Config.Env: in the Worker these are its bindings
// (HIWL_API_KEYS a secret, HIWL_CORS_ORIGINS a plain variable), natively
// the process environment.
const (
	// EnvAPIKeys lists the API keys that may call /classify, separated by
	// commas or white space. Unset or empty: /classify is open to anyone.
	EnvAPIKeys = "HIWL_API_KEYS"
	// EnvCORSOrigins lists the origins whose pages may call the API from a
	// browser (e.g. "https://outreach.example https://zoo.example"), or
	// "*". Unset or empty: any origin, as "*".
	EnvCORSOrigins = "HIWL_CORS_ORIGINS"
)

// list is a parsed setting, kept while the raw value stays the same: the
// bindings do not change within an instance's life, so parsing (and
// hashing the keys) happens once, not per request.
type list struct {
	mu     sync.Mutex
	raw    string
	items  []string
	hashes [][sha256.Size]byte
}

func (l *list) get(raw string) ([]string, [][sha256.Size]byte) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.items != nil && raw == l.raw {
		return l.items, l.hashes
	}
	items := strings.FieldsFunc(raw, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\n' || r == '\r' })
	hashes := make([][sha256.Size]byte, len(items))
	for i, it := range items {
		hashes[i] = sha256.Sum256([]byte(it))
	}
	l.raw, l.items, l.hashes = raw, append(make([]string, 0, len(items)), items...), hashes
	return l.items, l.hashes
}

func (s *server) env(name string) string {
	if s.cfg.Env == nil {
		return ""
	}
	return s.cfg.Env(name)
}

// authorized reports whether r may use a route that needs a key: always
// when no keys are bound, otherwise when it carries
// "Authorization: Bearer KEY" with one of them. Keys are compared as
// SHA-256 digests in constant time, and against every key without an
// early exit, so neither a key's content nor its length shows in the
// timing.
func (s *server) authorized(r *http.Request) bool {
	_, keys := s.keys.get(s.env(EnvAPIKeys))
	if len(keys) == 0 {
		return true
	}
	scheme, token, ok := strings.Cut(strings.TrimSpace(r.Header.Get("Authorization")), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return false
	}
	got := sha256.Sum256([]byte(strings.TrimSpace(token)))
	match := 0
	for i := range keys {
		match |= subtle.ConstantTimeCompare(got[:], keys[i][:])
	}
	return match == 1
}

// allowOrigin sets the CORS answer headers for r and reports whether its
// origin may call the API from a browser. Requests without an Origin
// (curl, servers) are always served; CORS only tells browsers which
// pages may read the answers.
func (s *server) allowOrigin(h http.Header, r *http.Request) bool {
	origins, _ := s.origins.get(s.env(EnvCORSOrigins))
	h.Set("Access-Control-Expose-Headers", "X-Hiwl-Cache")
	if len(origins) == 0 {
		// Nothing depends on cookies or credentials, so by default any
		// page may call the classifier.
		h.Set("Access-Control-Allow-Origin", "*")
		return true
	}
	h.Add("Vary", "Origin")
	origin := r.Header.Get("Origin")
	for _, o := range origins {
		if o == "*" {
			h.Set("Access-Control-Allow-Origin", "*")
			return true
		}
		if origin != "" && strings.EqualFold(o, origin) {
			h.Set("Access-Control-Allow-Origin", origin)
			return true
		}
	}
	return origin == ""
}
