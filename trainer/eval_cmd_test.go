package main

import (
	"strings"
	"testing"
)

// The embedded default model's network A trained on the validation split
// (-fit-validation), so eval refuses to score it there, before reading
// any data; on the test split it goes on to the data.
func TestEvalRefusesSplitTrainedOn(t *testing.T) {
	err := runEval([]string{"-data", t.TempDir(), "-split", "validation"})
	if err == nil || !strings.Contains(err.Error(), "network A of hiwl-") || !strings.Contains(err.Error(), "was trained on that split") {
		t.Fatalf("eval -split validation of the default model: %v", err)
	}
	err = runEval([]string{"-data", t.TempDir(), "-split", "test"})
	if err == nil || strings.Contains(err.Error(), "trained on that split") {
		t.Fatalf("eval -split test of an empty folder: %v", err)
	}
}
