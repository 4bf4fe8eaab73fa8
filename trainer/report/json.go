package report

import (
	"encoding/json"
	"fmt"
	"github.com/hiwl/hiwl/trainer/atomicfile"
	"io"
	"os"
	"reflect"
)

// WriteJSON writes the metrics as indented JSON, atomically.
func (m *Metrics) WriteJSON(path string) error {
	return atomicfile.Write(path, func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(m)
	})
}

// maxJSONSize bounds what ReadJSON will read: a metrics file for any sensible
// number of classes is a few kilobytes, and a bound keeps a wrong path (a
// dataset, a device) from eating memory.
const maxJSONSize = 16 << 20

// ReadJSON reads metrics written by WriteJSON. It recomputes every figure
// from the stored confusion matrix and rejects a file whose figures disagree,
// so a hand-edited or foreign file cannot pass for a real report.
func ReadJSON(path string) (*Metrics, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxJSONSize+1))
	if err != nil {
		return nil, fmt.Errorf("report: reading %s: %w", path, err)
	}
	if len(data) > maxJSONSize {
		return nil, fmt.Errorf("report: %s is larger than %d bytes", path, maxJSONSize)
	}
	var stored Metrics
	if err := json.Unmarshal(data, &stored); err != nil {
		return nil, fmt.Errorf("report: decoding %s: %w", path, err)
	}
	m, err := FromConfusion(stored.Classes, stored.Confusion)
	if err != nil {
		return nil, fmt.Errorf("report: %s: %w", path, err)
	}
	if !reflect.DeepEqual(m, &stored) {
		return nil, fmt.Errorf("report: %s: stored figures do not match its confusion matrix", path)
	}
	return m, nil
}
