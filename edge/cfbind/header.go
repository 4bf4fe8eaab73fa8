package cfbind

import (
	"net/http"
	"strings"
)

// joinSplitHeaders undoes what syumai/workers v0.33.0 does to request
// headers: internal/jshttp.ToHeader splits every header value at each
// comma into separate values, so that Header.Get returns only the text up
// to the first comma. That breaks values that are one item with commas in
// them (a multipart boundary may contain a comma, as may an API key) and
// lists read with Get (Access-Control-Request-Headers). JavaScript's
// Headers already joins repeated headers with ", ", so joining the pieces
// again with "," restores each value exactly as the runtime had it.
func joinSplitHeaders(h http.Header) {
	for k, vs := range h {
		if len(vs) > 1 {
			h[k] = []string{strings.Join(vs, ",")}
		}
	}
}
