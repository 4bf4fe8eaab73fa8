package report

import (
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/hiwl/hiwl/model"
)

// The Galaxy Zoo spiral / non-spiral sample shipped next to the repository.
const gzDir = "../../../shared/data/gz-challenge-spiral/validation"

// TestRealPredictions runs the embedded model on real galaxy images and
// checks the report against counts made here, independently of Compute: the
// path the trainer takes, with whatever model is currently embedded.
func TestRealPredictions(t *testing.T) {
	if len(model.DefaultONNX()) == 0 {
		// Only while the lead's trainer has not exported the first model
		// yet; once model/default.onnx exists this test always runs.
		t.Skip("model/default.onnx is empty: no embedded model to run yet")
	}
	clf, err := model.Default()
	if err != nil {
		t.Fatal(err)
	}
	classes := []string{"spiral", "not spiral"}
	var truth, pred []int
	var hits [2][2]int
	for ti, sub := range []string{"spirals", "non_spirals"} {
		files, err := filepath.Glob(filepath.Join(gzDir, sub, "*.jpg"))
		if err != nil || len(files) == 0 {
			t.Fatalf("no images in %s (%v)", filepath.Join(gzDir, sub), err)
		}
		sort.Strings(files)
		for _, f := range files[:6] {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			p, err := clf.Classify(data)
			if err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			pi := 1
			if p.Label == model.Spiral {
				pi = 0
			}
			truth = append(truth, ti)
			pred = append(pred, pi)
			hits[ti][pi]++
		}
	}
	m, err := Compute(classes, truth, pred)
	if err != nil {
		t.Fatal(err)
	}
	if m.Total != 12 || m.PerClass[0].Support != 6 || m.PerClass[1].Support != 6 {
		t.Fatalf("total %d, supports %d/%d; want 12, 6/6", m.Total, m.PerClass[0].Support, m.PerClass[1].Support)
	}
	near(t, "accuracy", m.Accuracy, float64(hits[0][0]+hits[1][1])/12)
	near(t, "spiral recall", m.PerClass[0].Recall, float64(hits[0][0])/6)
	if n := hits[0][0] + hits[1][0]; n > 0 {
		near(t, "spiral precision", m.PerClass[0].Precision, float64(hits[0][0])/float64(n))
	} else if !m.PerClass[0].PrecisionUndefined {
		t.Error("spiral never predicted but precision not flagged undefined")
	}

	t.Logf("confusion [true][pred] over {spiral, not spiral}: %v", m.Confusion)

	dir := t.TempDir()
	if err := m.WriteJSON(filepath.Join(dir, "m.json")); err != nil {
		t.Fatal(err)
	}
	if back, err := ReadJSON(filepath.Join(dir, "m.json")); err != nil || !equalMetrics(back, m) {
		t.Fatalf("round trip: %v", err)
	}
	if err := ConfusionPNG(filepath.Join(dir, "c.png"), m); err != nil {
		t.Fatal(err)
	}
	decodePNG(t, filepath.Join(dir, "c.png"), ConfusionWidth, ConfusionHeight)
}
