package model

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"google.golang.org/protobuf/encoding/protowire"
)

func TestReadMetadata(t *testing.T) {
	var b []byte
	b = protowire.AppendTag(b, 1, protowire.VarintType)
	b = protowire.AppendVarint(b, 4)
	b = protowire.AppendTag(b, fieldProducerName, protowire.BytesType)
	b = protowire.AppendString(b, "hiwl trainer")
	b = protowire.AppendTag(b, fieldModelVersion, protowire.VarintType)
	b = protowire.AppendVarint(b, 20261201)
	b = protowire.AppendTag(b, fieldDocString, protowire.BytesType)
	b = protowire.AppendString(b, "two networks")
	for _, kv := range [][2]string{{"hiwl.input_size", "80"}, {"hiwl.classes", "round,in-between"}} {
		var e []byte
		e = protowire.AppendTag(e, 1, protowire.BytesType)
		e = protowire.AppendString(e, kv[0])
		e = protowire.AppendTag(e, 2, protowire.BytesType)
		e = protowire.AppendString(e, kv[1])
		b = protowire.AppendTag(b, fieldMetadataProps, protowire.BytesType)
		b = protowire.AppendBytes(b, e)
	}
	md, err := ReadMetadata(b)
	if err != nil {
		t.Fatal(err)
	}
	if md.ProducerName != "hiwl trainer" || md.ModelVersion != 20261201 || md.Doc != "two networks" ||
		md.Props["hiwl.input_size"] != "80" || md.Props["hiwl.classes"] != "round,in-between" || len(md.Props) != 2 {
		t.Fatalf("metadata %+v", md)
	}
	if _, err := ReadMetadata(b[:len(b)-3]); !errors.Is(err, ErrBadModel) {
		t.Fatalf("truncated file: %v", err)
	}
}

// The embedded model carries its description in ONNX's own fields, and
// the classifier exposes it: classes, input size and its test metrics.
func TestDefaultModelMetadata(t *testing.T) {
	clf, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	md := clf.Metadata()
	if md.ProducerName != "hiwl trainer" || md.ModelVersion != 4 || md.Props["hiwl.classes"] != "round,in-between,cigar,edge-on,spiral" ||
		md.Props["hiwl.input_size"] != fmt.Sprint(clf.InputSize()) || !strings.Contains(md.Props["hiwl.test_metrics"], `"accuracy":0.937`) {
		t.Fatalf("embedded model metadata %+v", md)
	}
}

// TestDefaultVersion: the build-time version of the embedded model is its
// content hash. When default.onnx changes, run make default-version.
func TestDefaultVersion(t *testing.T) {
	if got := versionOf(DefaultONNX()); got != defaultVersion {
		t.Fatalf("default.onnx is %s, model/default_version.go says %s: run make default-version", got, defaultVersion)
	}
	c, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	if c.Version() != defaultVersion {
		t.Fatalf("Default().Version() = %s, want %s", c.Version(), defaultVersion)
	}
	if DefaultInputSize() != c.InputSize() {
		t.Fatalf("DefaultInputSize() = %d, the model's input is %d", DefaultInputSize(), c.InputSize())
	}
}
