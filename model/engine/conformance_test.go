package engine

import (
	"sort"
	"testing"

	"github.com/owulveryck/onnx-go/backend/testbackend"
	_ "github.com/owulveryck/onnx-go/backend/testbackend/onnx" // registers ONNX's node tests
)

// TestONNXConformance runs every ONNX node test case that onnx-go ships
// for every operator the engine claims. Each case must pass: none may be
// skipped.
func TestONNXConformance(t *testing.T) {
	ops := Operators()
	sort.Strings(ops)
	total := 0
	for _, op := range ops {
		cases := testbackend.GetOpTypeTests(op)
		passed := 0
		for _, mk := range cases {
			tc := mk()
			ok := t.Run(tc.GetInfo(), tc.RunTest(NewGraph(), false))
			if tc.Skipped {
				t.Errorf("%s: skipped, but the engine claims %s", tc.GetInfo(), op)
			}
			if ok && !tc.Failed && !tc.Skipped {
				passed++
			}
		}
		total += len(cases)
		t.Logf("%-20s %2d/%2d", op, passed, len(cases))
	}
	t.Logf("%d cases", total)
}
