package training

import (
	"reflect"
	"testing"
)

// The eight views of a 2x2 image with distinct pixels are all different,
// each is a permutation of the pixels, and the first is the image itself.
func TestDihedral(t *testing.T) {
	x := []float32{1, 2, 3, 4, 10, 20, 30, 40} // 2 channels of 2x2
	views := Dihedral(x, 2)
	if !reflect.DeepEqual(views[0], x) {
		t.Fatalf("view 0 = %v", views[0])
	}
	seen := map[[4]float32]bool{}
	for k, v := range views {
		var key [4]float32
		copy(key[:], v[:4])
		if seen[key] {
			t.Fatalf("view %d repeats: %v", k, v)
		}
		seen[key] = true
		for i := 0; i < 4; i++ {
			if v[4+i] != 10*v[i] {
				t.Fatalf("view %d moved the channels differently: %v", k, v)
			}
		}
	}
	if len(seen) != 8 {
		t.Fatalf("%d distinct views", len(seen))
	}
}
