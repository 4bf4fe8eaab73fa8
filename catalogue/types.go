package catalogue

import (
	"reflect"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
)

func init() {
	beam.RegisterType(reflect.TypeOf((*Entry)(nil)).Elem())
	beam.RegisterType(reflect.TypeOf((*Row)(nil)).Elem())
	beam.RegisterType(reflect.TypeOf((*Summary)(nil)).Elem())
}

// Entry is one image to classify: the catalogue's id and where the image
// is. An entry the input could not make sense of (a malformed catalogue
// line) carries Err instead and becomes an error row.
type Entry struct {
	ID   string
	Path string
	Err  string
}

// Row is one line of the output: Record is the CSV record (IDColumn, then
// model.CSVHeader's columns); Label is the class slug, "" for an error
// row; Top the highest of the five probabilities.
type Row struct {
	ID     string
	Record []string
	Label  string
	Top    float32
}

// Failed reports whether the row is an error row.
func (r Row) Failed() bool { return r.Label == "" }
