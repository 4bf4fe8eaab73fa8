package catalogue

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/fileio"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
)

func init() {
	register.DoFn3x1[context.Context, fileio.FileMetadata, func(Entry), error](&readCatalogueFn{})
	register.DoFn3x1[context.Context, fileio.FileMetadata, func(Entry), error](&readListFn{})
	register.Function1x1[fileio.FileMetadata, Entry](entryOfFile)
	register.Emitter1[Entry]()
}

// maxLine bounds one line of a list file or one CSV record of a catalogue,
// so a file without newlines cannot take a worker's memory.
const maxLine = 1 << 20

// entries is every Entry that o's inputs name, in no particular order.
func entries(s beam.Scope, o Options) beam.PCollection {
	var cols []beam.PCollection
	for _, glob := range o.Catalogues {
		files := fileio.MatchFiles(s, glob, fileio.MatchEmptyDisallow())
		cols = append(cols, beam.ParDo(s, &readCatalogueFn{IDColumn: o.IDColumn, PathColumn: o.PathColumn, Base: o.Base}, files))
	}
	for _, glob := range o.Lists {
		files := fileio.MatchFiles(s, glob, fileio.MatchEmptyDisallow())
		cols = append(cols, beam.ParDo(s, &readListFn{Base: o.Base}, files))
	}
	for _, glob := range o.Images {
		files := fileio.MatchFiles(s, glob, fileio.MatchEmptyDisallow())
		cols = append(cols, beam.ParDo(s, entryOfFile, files))
	}
	if len(cols) == 1 {
		return cols[0]
	}
	return beam.Flatten(s, cols...)
}

// entryOfFile is a globbed image: its path is its id, as classify's file
// column.
func entryOfFile(f fileio.FileMetadata) Entry { return Entry{ID: f.Path, Path: f.Path} }

// resolve puts base in front of a relative path from a catalogue or list
// (base "gs://survey/cutouts" and "dr10/1.jpg" read gs://survey/cutouts/dr10/1.jpg).
func resolve(base, path string) string {
	if base == "" || strings.HasPrefix(path, "/") || strings.Contains(path, "://") {
		return path
	}
	return strings.TrimSuffix(base, "/") + "/" + path
}

// openRead opens a file through the Beam file system of its scheme.
func openRead(ctx context.Context, path string) (io.ReadCloser, error) {
	fs, err := filesystem.New(ctx, path)
	if err != nil {
		return nil, err
	}
	r, err := fs.OpenRead(ctx, path)
	if err != nil {
		fs.Close()
		return nil, err
	}
	return readCloser{r, fs}, nil
}

// readCloser closes the file and then its file system.
type readCloser struct {
	io.ReadCloser
	fs filesystem.Interface
}

func (r readCloser) Close() error { return errors.Join(r.ReadCloser.Close(), r.fs.Close()) }

// readCatalogueFn reads one CSV catalogue: a header naming at least the id
// and path columns, then one galaxy per record. A header without them fails
// the pipeline (a usage error, caught before the run by CheckCatalogue);
// a malformed record becomes an error entry named FILE:LINE.
type readCatalogueFn struct {
	IDColumn, PathColumn, Base string
}

func (fn *readCatalogueFn) ProcessElement(ctx context.Context, f fileio.FileMetadata, emit func(Entry)) error {
	r, err := openRead(ctx, f.Path)
	if err != nil {
		return err
	}
	defer r.Close()
	cr := csv.NewReader(&limitedLines{r: bufio.NewReaderSize(r, 64<<10)})
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		return fmt.Errorf("catalogue %s: reading the header: %w", f.Path, err)
	}
	idCol, pathCol, err := columns(header, fn.IDColumn, fn.PathColumn)
	if err != nil {
		return fmt.Errorf("catalogue %s: %w", f.Path, err)
	}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		line, _ := cr.FieldPos(0)
		where := fmt.Sprintf("%s:%d", f.Path, line)
		var pe *csv.ParseError
		switch {
		case errors.As(err, &pe):
			emit(Entry{ID: fmt.Sprintf("%s:%d", f.Path, pe.StartLine), Err: fmt.Sprintf("catalogue line %d: %v", pe.StartLine, pe.Err)})
			continue
		case err != nil:
			return fmt.Errorf("catalogue %s: %w", f.Path, err)
		case len(rec) <= max(idCol, pathCol):
			emit(Entry{ID: where, Err: fmt.Sprintf("catalogue line %d: %d fields, the %s and %s columns need %d", line, len(rec), fn.IDColumn, fn.PathColumn, max(idCol, pathCol)+1)})
			continue
		case rec[idCol] == "":
			emit(Entry{ID: where, Err: fmt.Sprintf("catalogue line %d: empty %s", line, fn.IDColumn)})
			continue
		case rec[pathCol] == "":
			emit(Entry{ID: rec[idCol], Err: fmt.Sprintf("catalogue line %d: empty %s", line, fn.PathColumn)})
			continue
		}
		emit(Entry{ID: rec[idCol], Path: resolve(fn.Base, rec[pathCol])})
	}
}

// columns finds the id and path columns in a catalogue's header.
func columns(header []string, id, path string) (int, int, error) {
	idCol, pathCol := -1, -1
	for i, h := range header {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		if h == id && idCol < 0 {
			idCol = i
		}
		if h == path && pathCol < 0 {
			pathCol = i
		}
	}
	if idCol < 0 || pathCol < 0 {
		return 0, 0, fmt.Errorf("the header %q has no %q (id) or no %q (path) column; name them with -id_column and -path_column", strings.Join(header, ","), id, path)
	}
	return idCol, pathCol, nil
}

// CheckCatalogue reads the header of every catalogue that glob matches,
// so that a wrong column name is refused before a pipeline starts.
func CheckCatalogue(ctx context.Context, glob, idColumn, pathColumn string) error {
	fs, err := filesystem.New(ctx, glob)
	if err != nil {
		return err
	}
	defer fs.Close()
	files, err := fs.List(ctx, glob)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return fmt.Errorf("no catalogue matches %q", glob)
	}
	for _, f := range files {
		r, err := openRead(ctx, f)
		if err != nil {
			return err
		}
		header, err := csv.NewReader(&limitedLines{r: bufio.NewReader(r)}).Read()
		r.Close()
		if err != nil {
			return fmt.Errorf("catalogue %s: reading the header: %w", f, err)
		}
		if _, _, err := columns(header, idColumn, pathColumn); err != nil {
			return fmt.Errorf("catalogue %s: %w", f, err)
		}
	}
	return nil
}

// readListFn reads a list of image paths, one a line; blank lines are
// skipped. The path is the id.
type readListFn struct{ Base string }

func (fn *readListFn) ProcessElement(ctx context.Context, f fileio.FileMetadata, emit func(Entry)) error {
	r, err := openRead(ctx, f.Path)
	if err != nil {
		return err
	}
	defer r.Close()
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 4096), maxLine)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		p := resolve(fn.Base, line)
		emit(Entry{ID: p, Path: p})
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("list %s: %w", f.Path, err)
	}
	return nil
}

// errLongLine is a catalogue line over maxLine bytes.
var errLongLine = fmt.Errorf("a line longer than %d bytes", maxLine)

// limitedLines passes a reader's bytes through unless a line runs past
// maxLine, which encoding/csv would otherwise hold in memory whole.
type limitedLines struct {
	r   *bufio.Reader
	run int // bytes since the last newline
}

func (l *limitedLines) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	for _, b := range p[:n] {
		if b == '\n' {
			l.run = 0
		} else if l.run++; l.run > maxLine {
			return 0, errLongLine
		}
	}
	return n, err
}
