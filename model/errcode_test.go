package model

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"strings"
	"testing"
)

func TestErrorCode(t *testing.T) {
	png := func(w, h int) []byte { // a PNG header claiming w×h, no pixels
		ihdr := []byte("IHDR")
		ihdr = binary.BigEndian.AppendUint32(ihdr, uint32(w))
		ihdr = binary.BigEndian.AppendUint32(ihdr, uint32(h))
		ihdr = append(ihdr, 8, 2, 0, 0, 0)
		b := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\x0d")
		b = append(b, ihdr...)
		return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(ihdr))
	}
	for _, c := range []struct {
		name  string
		data  []byte
		want  Code
		input bool
	}{
		{"empty", nil, CodeEmpty, true},
		{"html", []byte("<html>not a galaxy</html>"), CodeNotImage, true},
		{"huge png", png(60000, 60000), CodeTooLarge, true},
		{"tiny png", png(4, 4), CodeTooSmall, true},
		{"truncated png", png(100, 100), CodeCorrupt, true},
	} {
		_, err := Decode(c.data)
		got := ErrorCode(err)
		if got != c.want || got.InputFault() != c.input || got.Message() == CodeInternal.Message() {
			t.Errorf("%s: Decode error %v has code %q (input fault %v, %q), want %q", c.name, err, got, got.InputFault(), got.Message(), c.want)
		}
		// Wrapped again, as runtimes do, it keeps its code.
		if w := ErrorCode(fmt.Errorf("image 3: %w", err)); w != c.want {
			t.Errorf("%s: wrapped, code %q", c.name, w)
		}
	}
	if _, err := ReadImageFile(t.TempDir() + "/missing.jpg"); ErrorCode(err) != CodeInternal {
		t.Errorf("a missing file has code %q, want internal (not an image fault)", ErrorCode(err))
	}
	if c := ErrorCode(fmt.Errorf("%w: big.jpg", ErrFileTooLarge)); c != CodeFileTooLarge || !c.InputFault() {
		t.Errorf("ErrFileTooLarge has code %q", c)
	}
	if _, err := Load([]byte("not onnx")); ErrorCode(err) != CodeBadModel || CodeBadModel.InputFault() {
		t.Errorf("a bad model has code %q, want bad_model, not an input fault", ErrorCode(err))
	}
	if c := ErrorCode(errors.New("out of memory")); c != CodeInternal || c.InputFault() {
		t.Errorf("an unknown error has code %q", c)
	}
	if ErrorCode(nil) != "" {
		t.Error("nil has a code")
	}
	if !strings.Contains(CodeTooLarge.Message(), "8192") {
		t.Errorf("too_large message %q does not give the limit", CodeTooLarge.Message())
	}
}
