package main

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/hiwl/hiwl/model"
)

// row is one classified (or failed) file on its way to the output.
type row struct {
	file string
	p    *model.Prediction
	err  error
}

// formatter turns rows into bytes of one output format. Rows are appended
// to a chunk buffer that the caller writes out in one piece.
type formatter interface {
	header(buf *bytes.Buffer) // before the first row of a new output
	row(buf *bytes.Buffer, r row)
	flush(buf *bytes.Buffer) // end of a chunk
}

func newFormatter(format, version string, withCAM bool) formatter {
	switch format {
	case "csv":
		return &csvFormat{version: version}
	case "table":
		return &tableFormat{}
	}
	return &jsonlFormat{withCAM: withCAM}
}

type csvFormat struct{ version string }

func (f *csvFormat) header(buf *bytes.Buffer) { writeCSV(buf, model.CSVHeader) }
func (f *csvFormat) row(buf *bytes.Buffer, r row) {
	writeCSV(buf, model.CSVRow(r.file, f.version, r.p, r.err))
}
func (f *csvFormat) flush(*bytes.Buffer) {}

func writeCSV(buf *bytes.Buffer, rec []string) {
	w := csv.NewWriter(buf)
	w.Write(rec) // a bytes.Buffer does not fail
	w.Flush()
}

// jsonLine is the JSON lines form: the shared model.Result plus the file
// and, for a failure, the error.
type jsonLine struct {
	File          string `json:"file"`
	Error         string `json:"error,omitempty"`
	*model.Result `json:",omitempty"`
}

type jsonlFormat struct{ withCAM bool }

func (f *jsonlFormat) header(*bytes.Buffer) {}
func (f *jsonlFormat) row(buf *bytes.Buffer, r row) {
	l := jsonLine{File: r.file}
	if r.err != nil {
		l.Error = r.err.Error()
	} else {
		res := r.p.Result(f.withCAM)
		l.Result = &res
	}
	json.NewEncoder(buf).Encode(l)
}
func (f *jsonlFormat) flush(*bytes.Buffer) {}

// tableFormat is for people reading a few results: aligned columns within
// each chunk (a tabwriter holds only its chunk).
type tableFormat struct {
	tw    *tabwriter.Writer
	out   *bytes.Buffer
	notes []string // footnotes of the chunk: labels the hierarchy decided
}

func (f *tableFormat) header(buf *bytes.Buffer) {
	f.writer(buf)
	fmt.Fprint(f.tw, "file\tlabel\tround\tin-between\tcigar\tedge-on\tspiral\tdomain\t\n")
}

func (f *tableFormat) writer(buf *bytes.Buffer) {
	if f.tw == nil || f.out != buf {
		f.out, f.tw = buf, tabwriter.NewWriter(buf, 0, 0, 2, ' ', 0)
	}
}

func (f *tableFormat) row(buf *bytes.Buffer, r row) {
	f.writer(buf)
	if r.err != nil {
		fmt.Fprintf(f.tw, "%s\terror: %s\t\t\t\t\t\t\t\n", r.file, oneLine(r.err.Error()))
		return
	}
	label := r.p.Label.Slug()
	if note := r.p.LabelNote(); note != "" {
		// A label that is not the largest probability is marked, and
		// explained under the chunk (a line between rows would break
		// the columns).
		label += "*"
		f.notes = append(f.notes, fmt.Sprintf("* %s: %s\n", r.file, note))
	}
	fmt.Fprintf(f.tw, "%s\t%s", r.file, label)
	for _, v := range r.p.Probabilities {
		fmt.Fprintf(f.tw, "\t%.3f", v)
	}
	// the in-domain score; over 1, the picture is not like a galaxy cutout
	switch d := r.p.Domain; {
	case !d.Fitted:
		fmt.Fprint(f.tw, "\t-")
	case d.OutOfDomain:
		fmt.Fprintf(f.tw, "\t%.2f not a cutout?", d.Score)
	default:
		fmt.Fprintf(f.tw, "\t%.2f", d.Score)
	}
	fmt.Fprint(f.tw, "\t\n")
}

func (f *tableFormat) flush(buf *bytes.Buffer) {
	if f.tw != nil {
		f.tw.Flush()
	}
	for _, n := range f.notes {
		buf.WriteString(n)
	}
	f.notes = f.notes[:0]
}

func oneLine(s string) string { return strings.ReplaceAll(s, "\n", " ") }

// A prior is a row already in the output that -resume keeps.
type prior struct {
	file    string
	label   string // class slug; "" for an error row
	failed  bool
	version string // model_version
}

// errTorn marks a last record that was cut off (a run killed mid-write).
var errTorn = errors.New("torn last record")

// outputScanner reads the records of an existing output file (csv or
// jsonl) in order, keeping only the current one.
type outputScanner struct {
	br     *bufio.Reader
	format string
	off    int64 // just after the last complete record (the header included)
	line   int   // lines read
	header bool  // csv header read
}

func newOutputScanner(r io.Reader, format string) *outputScanner {
	return &outputScanner{br: bufio.NewReaderSize(r, 64<<10), format: format}
}

// next returns the next row. At a clean end it returns io.EOF; when the
// last record is cut off, errTorn (off is then where the complete records
// end); a malformed record gives an error naming its line. For csv the
// header must be model.CSVHeader.
func (s *outputScanner) next() (prior, error) {
	for {
		rec, err := s.record()
		if err != nil {
			return prior{}, err
		}
		if s.format == "csv" && !s.header {
			if strings.Join(rec, ",") != strings.Join(model.CSVHeader, ",") {
				return prior{}, fmt.Errorf("line 1: not a hiwl CSV: the header is not %s", strings.Join(model.CSVHeader, ","))
			}
			s.header = true
			continue
		}
		return s.parse(rec)
	}
}

// record reads one record's raw fields (csv) or its line (jsonl, as the
// only field). A CSV record ends at a newline outside quotes: with every
// quote doubled inside quoted fields, that is a newline after an even
// number of quotes.
func (s *outputScanner) record() ([]string, error) {
	var rec []byte
	start := s.line + 1
	for {
		line, err := s.br.ReadBytes('\n')
		if err != nil && err != io.EOF {
			return nil, err
		}
		if err == io.EOF {
			if len(rec)+len(line) == 0 {
				return nil, io.EOF
			}
			return nil, errTorn
		}
		s.line++
		rec = append(rec, line...)
		if s.format != "csv" || bytes.Count(rec, []byte{'"'})%2 == 0 {
			break
		}
	}
	if s.format != "csv" {
		s.off += int64(len(rec))
		return []string{string(rec)}, nil
	}
	cr := csv.NewReader(bytes.NewReader(rec))
	cr.FieldsPerRecord = len(model.CSVHeader)
	if !s.header {
		cr.FieldsPerRecord = -1 // checked by next, with a clearer message
	}
	fields, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("line %d: %v", start, err)
	}
	s.off += int64(len(rec))
	return fields, nil
}

func (s *outputScanner) parse(rec []string) (prior, error) {
	if s.format == "csv" {
		return prior{file: rec[model.CSVFile], label: rec[model.CSVLabel], failed: rec[model.CSVError] != "",
			version: rec[model.CSVModelVersion]}, nil
	}
	var l struct {
		File    *string `json:"file"`
		Class   string  `json:"class"`
		Error   string  `json:"error"`
		Version string  `json:"model_version"`
	}
	if err := json.Unmarshal([]byte(rec[0]), &l); err != nil {
		return prior{}, fmt.Errorf("line %d: %v", s.line, err)
	}
	if l.File == nil {
		return prior{}, fmt.Errorf(`line %d: no "file" field`, s.line)
	}
	return prior{file: *l.File, label: l.Class, failed: l.Error != "", version: l.Version}, nil
}

// prepareResume checks an existing output for -resume and cuts off a torn
// last record, so that appending continues after the last complete one.
// started reports whether the file keeps any content (for csv: at least
// its header, so no header is to be written).
func prepareResume(path, format string) (started bool, err error) {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	defer f.Close()
	s := newOutputScanner(f, format)
	for {
		_, err := s.next()
		if err == io.EOF || err == errTorn {
			break
		}
		if err != nil {
			return false, fmt.Errorf("%s %v; not resuming (move it away to start over)", path, err)
		}
	}
	info, err := f.Stat()
	if err != nil {
		return false, err
	}
	if info.Size() != s.off {
		if err := f.Truncate(s.off); err != nil {
			return false, err
		}
		if err := f.Sync(); err != nil {
			return false, err
		}
	}
	return s.off > 0, nil
}
