package gzdata

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/hiwl/hiwl/model"
)

// File and folder names of the Challenge layout.
const (
	SolutionsFile = "training_solutions_rev1.csv"
	ImageDir      = "images_training_rev1"
	ImageExt      = ".jpg"
)

// Why a row was skipped; match with errors.Is on RowError.Err.
var (
	ErrFieldCount   = errors.New("wrong number of fields")
	ErrBadValue     = errors.New("bad vote fraction")
	ErrBadID        = errors.New("bad GalaxyID")
	ErrDuplicateID  = errors.New("duplicate GalaxyID")
	ErrMissingImage = errors.New("image file missing")
	ErrAmbiguous    = errors.New("matches more than one class")
	ErrSyntax       = errors.New("CSV syntax error")
)

// Sample is one selected galaxy.
type Sample struct {
	ID    int64
	Class model.Class
	Path  string // the JPEG, dir joined with ImageDir
}

// RowError says why a CSV row was skipped.
type RowError struct {
	Line int // 1-based line in the CSV; the header is line 1
	Err  error
}

func (e RowError) Error() string { return fmt.Sprintf("line %d: %v", e.Line, e.Err) }
func (e RowError) Unwrap() error { return e.Err }

// Layouts Load reads.
const (
	LayoutChallenge = "challenge-csv" // training_solutions_rev1.csv + images_training_rev1/
	LayoutFolders   = "class-folders" // one subfolder per class slug
)

// Dataset is what Load found. For the Challenge layout Rows =
// len(Samples) + Unselected + len(Ambiguous) + len(Bad): every row is
// accounted for. For class folders Rows counts the files seen, and those
// that are not images are listed in NotImages.
type Dataset struct {
	Dir           string
	Layout        string
	Samples       []Sample // selected rows with an image, in CSV (or path) order
	Counts        [model.NumClasses]int
	Rows          int        // data rows read (header excluded)
	Unselected    int        // valid rows that match no class
	Ambiguous     []RowError // rows matching more than one class (inconsistent fractions)
	Bad           []RowError // malformed rows and selected rows without an image
	MissingImages int        // how many of Bad are ErrMissingImage
	NotImages     []string   // class folders only: files without an image extension, skipped
}

// Load reads a labelled directory in either layout: the Challenge's
// (dir/training_solutions_rev1.csv beside images_training_rev1/), chosen
// when the CSV is there, or class folders (see LoadFolders). A directory
// holding neither is an error wrapping os.ErrNotExist.
func Load(dir string) (*Dataset, error) {
	if _, err := os.Stat(filepath.Join(dir, SolutionsFile)); err == nil {
		return LoadChallenge(dir)
	}
	d, err := LoadFolders(dir)
	if errors.Is(err, errNoClassFolders) {
		return nil, fmt.Errorf("gzdata: %s holds neither %s nor class folders (%s): %w",
			dir, SolutionsFile, strings.Join(model.Slugs(), ", "), os.ErrNotExist)
	}
	return d, err
}

// LoadChallenge reads dir/training_solutions_rev1.csv, selects the five
// classes and checks (with Stat only) that each selected galaxy has its
// JPEG. A missing file, a missing image folder or an incomplete/unknown
// header is an error; bad rows are skipped and listed in Bad with their
// line numbers.
func LoadChallenge(dir string) (*Dataset, error) {
	f, err := os.Open(filepath.Join(dir, SolutionsFile))
	if err != nil {
		return nil, fmt.Errorf("gzdata: %w", err)
	}
	defer f.Close()
	imgDir := filepath.Join(dir, ImageDir)
	if st, err := os.Stat(imgDir); err != nil {
		return nil, fmt.Errorf("gzdata: %w", err)
	} else if !st.IsDir() {
		return nil, fmt.Errorf("gzdata: %s is not a directory", imgDir)
	}
	return read(f, dir, imgDir)
}

func read(r io.Reader, dir, imgDir string) (*Dataset, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1 // field counts are checked here, per row, with a line number
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err == io.EOF {
		return nil, fmt.Errorf("gzdata: %s is empty", SolutionsFile)
	}
	if err != nil {
		return nil, fmt.Errorf("gzdata: header: %w", err)
	}
	idCol, cols, err := parseHeader(header)
	if err != nil {
		return nil, err
	}
	nFields := len(header)

	d := &Dataset{Dir: dir, Layout: LayoutChallenge}
	seen := make(map[int64]int) // GalaxyID -> line of first use
	var v Votes
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if !errors.As(err, &pe) {
				return nil, fmt.Errorf("gzdata: %w", err)
			}
			// The reader resynchronises at the next line, so one bad quote
			// costs one row, not the file.
			d.Rows++
			d.Bad = append(d.Bad, RowError{pe.StartLine, fmt.Errorf("%w: %v", ErrSyntax, pe.Err)})
			continue
		}
		d.Rows++
		line, _ := cr.FieldPos(0)
		if len(rec) != nFields {
			d.Bad = append(d.Bad, RowError{line, fmt.Errorf("%w: %d, header has %d", ErrFieldCount, len(rec), nFields)})
			continue
		}
		id, err := strconv.ParseInt(strings.TrimSpace(rec[idCol]), 10, 64)
		if err != nil || id <= 0 {
			d.Bad = append(d.Bad, RowError{line, fmt.Errorf("%w: %q", ErrBadID, rec[idCol])})
			continue
		}
		if first, dup := seen[id]; dup {
			d.Bad = append(d.Bad, RowError{line, fmt.Errorf("%w: %d (first on line %d)", ErrDuplicateID, id, first)})
			continue
		}
		seen[id] = line
		if err := parseVotes(rec, cols, &v); err != nil {
			d.Bad = append(d.Bad, RowError{line, err})
			continue
		}
		class, n := Matches(&v)
		switch {
		case n == 0:
			d.Unselected++
			continue
		case n > 1:
			d.Ambiguous = append(d.Ambiguous, RowError{line, ErrAmbiguous})
			continue
		}
		name := strconv.FormatInt(id, 10) + ImageExt
		path := filepath.Join(imgDir, name)
		if st, err := os.Stat(path); err != nil || !st.Mode().IsRegular() {
			d.MissingImages++
			d.Bad = append(d.Bad, RowError{line, fmt.Errorf("%w: %s", ErrMissingImage, filepath.Join(ImageDir, name))})
			continue
		}
		d.Samples = append(d.Samples, Sample{ID: id, Class: class, Path: path})
		d.Counts[class]++
	}
	return d, nil
}

// parseHeader maps every header name to its field; the file must hold the
// GalaxyID and all 37 vote columns, each once, in any order, and nothing else.
func parseHeader(header []string) (idCol int, cols [NumColumns]int, err error) {
	idCol = -1
	for i := range cols {
		cols[i] = -1
	}
	for f, raw := range header {
		name := strings.TrimSpace(raw)
		if f == 0 {
			name = strings.TrimPrefix(name, "\ufeff") // spreadsheet exports add a BOM
		}
		if name == IDColumn {
			if idCol >= 0 {
				return 0, cols, fmt.Errorf("gzdata: header: column %q twice", name)
			}
			idCol = f
			continue
		}
		i, ok := columnIndex[name]
		if !ok {
			return 0, cols, fmt.Errorf("gzdata: header: unknown column %q (field %d)", name, f+1)
		}
		if cols[i] >= 0 {
			return 0, cols, fmt.Errorf("gzdata: header: column %q twice", name)
		}
		cols[i] = f
	}
	if idCol < 0 {
		return 0, cols, fmt.Errorf("gzdata: header: no %q column", IDColumn)
	}
	for i, f := range cols {
		if f < 0 {
			return 0, cols, fmt.Errorf("gzdata: header: no %q column", Columns[i])
		}
	}
	return idCol, cols, nil
}

func parseVotes(rec []string, cols [NumColumns]int, v *Votes) error {
	for i, f := range cols {
		s := strings.TrimSpace(rec[f])
		x, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsNaN(x) || math.IsInf(x, 0) || x < 0 || x > 1 {
			return fmt.Errorf("%w: %s = %q (want a number in [0,1])", ErrBadValue, Columns[i], s)
		}
		v[i] = x
	}
	return nil
}

// maxListed caps the rows Report prints one by one; a wrong file can have
// tens of thousands of bad rows and the first ones tell the story.
const maxListed = 50

// Report writes a human-readable summary: rows read, per-class counts,
// unselected and skipped rows with their line numbers.
func (d *Dataset) Report(w io.Writer) {
	if d.Layout == LayoutFolders {
		fmt.Fprintf(w, "%s (class folders): %d files, %d images\n", d.Dir, d.Rows, len(d.Samples))
	} else {
		fmt.Fprintf(w, "%s: %d rows, %d selected\n", filepath.Join(d.Dir, SolutionsFile), d.Rows, len(d.Samples))
	}
	for _, c := range model.Classes {
		fmt.Fprintf(w, "  %-24s %7d\n", c.String(), d.Counts[c])
	}
	if d.Layout == LayoutFolders {
		fmt.Fprintf(w, "  %-24s %7d\n", "not images (skipped)", len(d.NotImages))
		for i, p := range d.NotImages {
			if i == maxListed {
				fmt.Fprintf(w, "    ... and %d more\n", len(d.NotImages)-maxListed)
				break
			}
			fmt.Fprintf(w, "    %s\n", p)
		}
		return
	}
	fmt.Fprintf(w, "  %-24s %7d\n", "unselected", d.Unselected)
	fmt.Fprintf(w, "  %-24s %7d\n", "ambiguous (skipped)", len(d.Ambiguous))
	fmt.Fprintf(w, "  %-24s %7d (%d missing images)\n", "bad (skipped)", len(d.Bad), d.MissingImages)
	list := func(errs []RowError) {
		for i, e := range errs {
			if i == maxListed {
				fmt.Fprintf(w, "    ... and %d more\n", len(errs)-maxListed)
				break
			}
			fmt.Fprintf(w, "    %v\n", e)
		}
	}
	list(d.Ambiguous)
	list(d.Bad)
}
