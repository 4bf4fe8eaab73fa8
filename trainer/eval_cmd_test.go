package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hiwl/hiwl/model"
	"github.com/hiwl/hiwl/trainer/onnxexport"
	"github.com/hiwl/hiwl/trainer/training"
)

// A model whose network A trained on the validation split (-fit-validation
// marks it so in the file) is refused there, before any data is read; on
// the test split eval goes on to the data. The embedded default model
// trained on neither, so validation is open to it.
func TestEvalRefusesSplitTrainedOn(t *testing.T) {
	data, err := onnxexport.SetMetadata(model.DefaultONNX(), map[string]string{training.PropValidationTrainedOn: "A"})
	if err != nil {
		t.Fatal(err)
	}
	fitted := filepath.Join(t.TempDir(), "fitted.onnx")
	if err := os.WriteFile(fitted, data, 0o644); err != nil {
		t.Fatal(err)
	}
	err = runEval([]string{"-model", fitted, "-data", t.TempDir(), "-split", "validation"})
	if err == nil || !strings.Contains(err.Error(), "network A of hiwl-") || !strings.Contains(err.Error(), "was trained on that split") {
		t.Fatalf("eval -split validation of a model fitted on it: %v", err)
	}
	for _, args := range [][]string{
		{"-model", fitted, "-data", t.TempDir(), "-split", "test"},
		{"-data", t.TempDir(), "-split", "validation"},
	} {
		err = runEval(args)
		if err == nil || strings.Contains(err.Error(), "trained on that split") {
			t.Fatalf("eval %v on an empty folder: %v", args, err)
		}
	}
}
