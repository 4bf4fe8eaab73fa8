package cfbind

import (
	"net/http"
	"reflect"
	"strings"
	"testing"
)

// splitLikeSyumai is what syumai/workers v0.33.0's internal/jshttp.ToHeader
// makes of the runtime's header pairs.
func splitLikeSyumai(pairs [][2]string) http.Header {
	h := http.Header{}
	for _, kv := range pairs {
		for _, v := range strings.Split(kv[1], ",") {
			h.Add(kv[0], v)
		}
	}
	return h
}

func TestJoinSplitHeaders(t *testing.T) {
	pairs := [][2]string{
		{"Content-Type", `multipart/form-data; boundary="a,b"`},
		{"Authorization", "Bearer k,ey"},
		{"Access-Control-Request-Headers", "authorization, content-type"},
		{"Accept", "text/html, application/json;q=0.9, */*"},
		{"X-Plain", "one"},
		{"X-Empty", ""},
	}
	h := splitLikeSyumai(pairs)
	if h.Get("Content-Type") == pairs[0][1] {
		t.Fatal("the split did not change the value: the test no longer shows the problem")
	}
	joinSplitHeaders(h)
	want := http.Header{}
	for _, kv := range pairs {
		want.Set(kv[0], kv[1])
	}
	if !reflect.DeepEqual(h, want) {
		t.Errorf("joined\n%v\nwant\n%v", h, want)
	}
}
