package training

import (
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/hiwl/hiwl/model"
	"github.com/hiwl/hiwl/trainer/hiwlnet"
)

// B starts from A's weights where the layers match, and from its own
// random ones elsewhere (its wider or narrower top, its 2-way head).
func TestInitBFromA(t *testing.T) {
	archA, err := hiwlnet.ParseArch("32:s8k3/2,m8e1k3q2,m16e4k3/2q4,t32")
	if err != nil {
		t.Fatal(err)
	}
	archB, err := hiwlnet.ParseArch("32:s8k3/2,m8e1k3q2,t24")
	if err != nil {
		t.Fatal(err)
	}
	a := hiwlnet.NewParams(archA, model.NumA, 1)
	b := hiwlnet.NewParams(archB, model.NumB, 2)
	st := &state{A: netState{Best: save(a)}, B: netState{Params: save(b), Best: save(b)}}
	if err := initBFromA(st, io.Discard); err == nil || !strings.Contains(err.Error(), "-reuse-a") {
		t.Fatalf("without -reuse-a: %v", err)
	}
	st.From = map[string]string{"A": "a.gob"}
	if err := initBFromA(st, io.Discard); err != nil {
		t.Fatal(err)
	}
	got := st.B.Params.params()
	shared := 0
	for name, tb := range got {
		ta, inA := a[name]
		same := inA && slices.Equal(ta.Shape(), tb.Shape())
		want := b[name].Float32s()
		if same {
			want = ta.Float32s()
			shared++
		}
		if !slices.Equal(tb.Float32s(), want) {
			t.Errorf("%s: shared with A %v, but B's start is neither A's nor its own", name, same)
		}
	}
	if shared == 0 || shared == len(got) {
		t.Fatalf("%d of %d tensors from A: want the stem and first block only", shared, len(got))
	}
	if !slices.Equal(st.B.Best["stem.w"].Data, a["stem.w"].Float32s()) {
		t.Error("B's Best does not start where its Params do")
	}
	st.From["B"] = "b.gob"
	if err := initBFromA(st, io.Discard); err == nil {
		t.Error("-reuse-b with -init-b-from-a: no error")
	}
}
