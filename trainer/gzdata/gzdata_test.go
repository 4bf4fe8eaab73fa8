package gzdata

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/hiwl/hiwl/model"
)

// votes builds a consistent row for a class with comfortable margins, then
// applies overrides given as "Class7.1", 0.3, ... pairs.
func votes(t testing.TB, c model.Class, over ...any) Votes {
	t.Helper()
	var v Votes
	switch c {
	case model.Round, model.InBetween, model.Cigar:
		v[Class1_1], v[Class1_2] = 0.8, 0.2
		v[Class7_1+int(c)] = 0.7 // Round, InBetween, Cigar are 0, 1, 2
		v[Class7_1+(int(c)+1)%3] = 0.1
		v[Class2_2], v[Class3_2], v[Class4_2], v[Class5_2] = 0.2, 0.2, 0.2, 0.2
	case model.EdgeOn:
		v[Class1_1], v[Class1_2] = 0.1, 0.9
		v[Class2_1], v[Class2_2] = 0.8, 0.1
		v[Class9_1] = 0.8
		v[Class3_2], v[Class4_2], v[Class5_2] = 0.1, 0.1, 0.1
		v[Class7_3] = 0.1
	case model.Spiral:
		v[Class1_1], v[Class1_2] = 0.05, 0.95
		v[Class2_1], v[Class2_2] = 0.05, 0.9
		v[Class4_1], v[Class4_2] = 0.8, 0.1
		v[Class3_2], v[Class5_3] = 0.9, 0.9
		v[Class10_2], v[Class11_2] = 0.8, 0.8
		v[Class7_2], v[Class9_1] = 0.05, 0.05
	}
	v[Class6_2] = v[Class1_1] + v[Class1_2]
	for i := 0; i < len(over); i += 2 {
		col, ok := ColumnIndex(over[i].(string))
		if !ok {
			t.Fatalf("no column %v", over[i])
		}
		v[col] = over[i+1].(float64)
	}
	return v
}

func TestTemplatesAreConsistent(t *testing.T) {
	for _, c := range model.Classes {
		v := votes(t, c)
		if err := v.CheckTree(1e-9); err != nil {
			t.Errorf("%v: %v", c, err)
		}
		if got, ok := Select(&v); !ok || got != c {
			t.Errorf("%v template selects %v, %v", c, got, ok)
		}
	}
}

func TestSelectThresholds(t *testing.T) {
	tests := []struct {
		name  string
		base  model.Class
		col   string
		x     float64
		want  model.Class
		match bool
	}{
		{"round smooth at threshold", model.Round, "Class1.1", 0.469, 0, false},
		{"round smooth above", model.Round, "Class1.1", 0.4691, model.Round, true},
		{"round shape at threshold", model.Round, "Class7.1", 0.50, 0, false},
		{"round shape above", model.Round, "Class7.1", 0.5001, model.Round, true},
		{"in-between smooth at threshold", model.InBetween, "Class1.1", 0.469, 0, false},
		{"in-between smooth above", model.InBetween, "Class1.1", 0.4691, model.InBetween, true},
		{"in-between shape at threshold", model.InBetween, "Class7.2", 0.50, 0, false},
		{"in-between shape above", model.InBetween, "Class7.2", 0.5001, model.InBetween, true},
		{"cigar smooth at threshold", model.Cigar, "Class1.1", 0.469, 0, false},
		{"cigar smooth above", model.Cigar, "Class1.1", 0.4691, model.Cigar, true},
		{"cigar shape at threshold", model.Cigar, "Class7.3", 0.50, 0, false},
		{"cigar shape above", model.Cigar, "Class7.3", 0.5001, model.Cigar, true},
		{"edge-on features at threshold", model.EdgeOn, "Class1.2", 0.430, 0, false},
		{"edge-on features above", model.EdgeOn, "Class1.2", 0.4301, model.EdgeOn, true},
		{"edge-on at threshold", model.EdgeOn, "Class2.1", 0.602, 0, false},
		{"edge-on above", model.EdgeOn, "Class2.1", 0.6021, model.EdgeOn, true},
		{"spiral features at threshold", model.Spiral, "Class1.2", 0.430, 0, false},
		{"spiral features above", model.Spiral, "Class1.2", 0.4301, model.Spiral, true},
		{"spiral not-edge-on at threshold", model.Spiral, "Class2.2", 0.715, 0, false},
		{"spiral not-edge-on above", model.Spiral, "Class2.2", 0.7151, model.Spiral, true},
		{"spiral arms at threshold", model.Spiral, "Class4.1", 0.619, 0, false},
		{"spiral arms above", model.Spiral, "Class4.1", 0.6191, model.Spiral, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := votes(t, tt.base, tt.col, tt.x)
			got, ok := Select(&v)
			if ok != tt.match || (ok && got != tt.want) {
				t.Fatalf("Select = %v, %v; want %v, %v", got, ok, tt.want, tt.match)
			}
			row := map[string]float64{}
			for i, name := range Columns {
				row[name] = v[i]
			}
			if got2, ok2 := SelectMap(row); got2 != got || ok2 != ok {
				t.Fatalf("SelectMap = %v, %v; Select = %v, %v", got2, ok2, got, ok)
			}
			// The same boundary must hold for the decimal text in a CSV.
			dir := t.TempDir()
			writeLayout(t, dir, []string{row2csv(7, &v)}, 7)
			d, err := Load(dir)
			if err != nil {
				t.Fatal(err)
			}
			if tt.match != (len(d.Samples) == 1) || (tt.match && d.Samples[0].Class != tt.want) {
				t.Fatalf("Load selected %+v, unselected %d; want %v %v", d.Samples, d.Unselected, tt.want, tt.match)
			}
		})
	}
}

func TestMatchesInconsistentRow(t *testing.T) {
	v := votes(t, model.Round, "Class7.2", 0.6) // 7.1 and 7.2 both > 0.5
	if _, n := Matches(&v); n != 2 {
		t.Fatalf("matches = %d, want 2", n)
	}
	if _, ok := Select(&v); ok {
		t.Fatal("Select accepted a row matching two classes")
	}
}

func header() string { return IDColumn + "," + strings.Join(Columns[:], ",") }

func row2csv(id int64, v *Votes) string {
	var b strings.Builder
	b.WriteString(strconv.FormatInt(id, 10))
	for _, x := range v {
		b.WriteByte(',')
		b.WriteString(strconv.FormatFloat(x, 'f', -1, 64))
	}
	return b.String()
}

// writeLayout writes the CSV (header plus rows) and an empty JPEG for each
// of ids; Load only Stats images.
func writeLayout(t testing.TB, dir string, rows []string, ids ...int64) {
	t.Helper()
	if err := os.MkdirAll(filepath.Join(dir, ImageDir), 0o755); err != nil {
		t.Fatal(err)
	}
	text := header() + "\n" + strings.Join(rows, "\n") + "\n"
	if err := os.WriteFile(filepath.Join(dir, SolutionsFile), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		if err := os.WriteFile(filepath.Join(dir, ImageDir, fmt.Sprint(id)+ImageExt), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestLoadBadRows(t *testing.T) {
	round := votes(t, model.Round)
	spiral := votes(t, model.Spiral)
	good := row2csv(1, &round)
	replace := func(s, old, new string) string {
		if !strings.Contains(s, old) {
			t.Fatalf("%q not in row", old)
		}
		return strings.Replace(s, old, new, 1)
	}
	unselected := votes(t, model.Round, "Class7.1", 0.4, "Class7.2", 0.4)
	ambiguous := votes(t, model.Round, "Class7.2", 0.6)
	rows := []string{
		good,          // 2
		"2,0.5,0.5",   // 3 too few fields
		good + ",0.1", // 4 too many fields
		replace(row2csv(3, &round), ",0.8,", ",zero,"),  // 5 non-numeric
		replace(row2csv(4, &round), ",0.8,", ",NaN,"),   // 6 NaN
		replace(row2csv(5, &round), ",0.8,", ",+Inf,"),  // 7 Inf
		replace(row2csv(6, &round), ",0.8,", ",1.5,"),   // 8 above 1
		replace(row2csv(7, &round), ",0.8,", ",-0.01,"), // 9 below 0
		good,                       // 10 duplicate ID 1
		row2csv(0, &round),         // 11 zero ID
		row2csv(-3, &round),        // 12 negative ID
		replace(good, "1,", "x1,"), // 13 non-numeric ID
		row2csv(8, &spiral),        // 14 selected, no image
		row2csv(9, &unselected),    // 15 valid, no class
		`10,0.8,"0.` + "\n" + `2",` + strings.SplitN(row2csv(10, &round), ",", 4)[3], // 16-17 quoted newline: bad value
		`11,0"8,` + strings.SplitN(row2csv(11, &round), ",", 3)[2],                   // 18 bare quote
		row2csv(12, &spiral),    // 19 good after the syntax error
		row2csv(13, &ambiguous), // 20 matches two classes
		"",                      // blank lines are skipped by encoding/csv
		row2csv(14, &round),     // 22
	}
	dir := t.TempDir()
	writeLayout(t, dir, rows, 1, 3, 4, 5, 6, 7, 9, 10, 11, 12, 13, 14)
	d, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	wantBad := []struct {
		line int
		err  error
	}{
		{3, ErrFieldCount}, {4, ErrFieldCount}, {5, ErrBadValue}, {6, ErrBadValue}, {7, ErrBadValue},
		{8, ErrBadValue}, {9, ErrBadValue}, {10, ErrDuplicateID}, {11, ErrBadID}, {12, ErrBadID},
		{13, ErrBadID}, {14, ErrMissingImage}, {16, ErrBadValue}, {18, ErrSyntax},
	}
	if len(d.Bad) != len(wantBad) {
		t.Fatalf("bad rows:\n%v\nwant %d", d.Bad, len(wantBad))
	}
	for i, w := range wantBad {
		if d.Bad[i].Line != w.line || !errors.Is(d.Bad[i], w.err) {
			t.Errorf("bad[%d] = %v; want line %d: %v", i, d.Bad[i], w.line, w.err)
		}
	}
	if len(d.Ambiguous) != 1 || d.Ambiguous[0].Line != 20 || !errors.Is(d.Ambiguous[0], ErrAmbiguous) {
		t.Errorf("ambiguous = %v; want line 20", d.Ambiguous)
	}
	if d.MissingImages != 1 || d.Unselected != 1 {
		t.Errorf("missing %d, unselected %d; want 1, 1", d.MissingImages, d.Unselected)
	}
	var ids []int64
	for _, s := range d.Samples {
		ids = append(ids, s.ID)
	}
	if fmt.Sprint(ids) != "[1 12 14]" {
		t.Errorf("selected IDs %v, want [1 12 14]", ids)
	}
	if d.Counts[model.Round] != 2 || d.Counts[model.Spiral] != 1 {
		t.Errorf("counts %v", d.Counts)
	}
	if d.Rows != len(d.Samples)+d.Unselected+len(d.Ambiguous)+len(d.Bad) {
		t.Errorf("rows %d not accounted for: %+v", d.Rows, d)
	}
	want := filepath.Join(dir, ImageDir, "12.jpg")
	if d.Samples[1].Path != want {
		t.Errorf("path %q, want %q", d.Samples[1].Path, want)
	}

	var buf bytes.Buffer
	d.Report(&buf)
	out := buf.String()
	for _, s := range []string{"19 rows, 3 selected", "completely round smooth", "line 14: image file missing",
		"line 18: CSV syntax error", "line 20: matches more than one class", "unselected"} {
		if !strings.Contains(out, s) {
			t.Errorf("report lacks %q:\n%s", s, out)
		}
	}
}

func TestLoadHeader(t *testing.T) {
	v := votes(t, model.Cigar)
	row := row2csv(5, &v)
	cols := strings.Split(header(), ",")
	tests := []struct {
		name    string
		header  string
		row     string
		wantErr string
	}{
		{"missing column", strings.Join(cols[:len(cols)-1], ","), row[:strings.LastIndexByte(row, ',')], `no "Class11.6"`},
		{"missing id", strings.Join(cols[1:], ","), row[strings.IndexByte(row, ',')+1:], `no "GalaxyID"`},
		{"unknown column", header() + ",Class12.1", row + ",0", `unknown column "Class12.1"`},
		{"duplicate column", header() + ",Class7.3", row + ",0.7", `column "Class7.3" twice`},
		{"empty file", "", "", "empty"},
		{"byte order mark", "\ufeff" + header(), row, ""},
		{"reordered", reorder(header()), reorder(row), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			writeLayout(t, dir, nil, 5)
			text := ""
			if tt.header != "" {
				text = tt.header + "\n" + tt.row + "\n"
			}
			if err := os.WriteFile(filepath.Join(dir, SolutionsFile), []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
			d, err := Load(dir)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(d.Samples) != 1 || d.Samples[0].Class != model.Cigar || len(d.Bad) != 0 {
				t.Fatalf("got %+v", d)
			}
		})
	}
}

// reorder swaps the first and last two fields, which name-based lookup
// must not notice.
func reorder(line string) string {
	f := strings.Split(line, ",")
	n := len(f)
	f[0], f[n-1] = f[n-1], f[0]
	f[1], f[n-2] = f[n-2], f[1]
	return strings.Join(f, ",")
}

func TestLoadMissingImages(t *testing.T) {
	r, e := votes(t, model.Round), votes(t, model.EdgeOn)
	u := votes(t, model.Round, "Class1.1", 0.4, "Class1.2", 0.6)
	rows := []string{row2csv(1, &r), row2csv(2, &e), row2csv(3, &r), row2csv(4, &u)}

	dir := t.TempDir()
	writeLayout(t, dir, rows, 1)
	// A directory where the JPEG should be is not an image either.
	if err := os.Mkdir(filepath.Join(dir, ImageDir, "3.jpg"), 0o755); err != nil {
		t.Fatal(err)
	}
	d, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if d.MissingImages != 2 || len(d.Samples) != 1 || d.Samples[0].ID != 1 {
		t.Fatalf("missing %d, samples %+v; want 2 missing, only ID 1", d.MissingImages, d.Samples)
	}
	// Row 4 is unselected: its image is never needed, so its absence is no error.
	if d.Bad[0].Line != 3 || d.Bad[1].Line != 4 || d.Unselected != 1 {
		t.Fatalf("bad %v, unselected %d", d.Bad, d.Unselected)
	}

	if err := os.RemoveAll(filepath.Join(dir, ImageDir)); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(dir); err == nil || !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("no image folder: err = %v", err)
	}
	if _, err := Load(t.TempDir()); err == nil || !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("no CSV: err = %v", err)
	}
}

func TestReportCapsListing(t *testing.T) {
	d := &Dataset{Dir: "x"}
	for i := range 120 {
		d.Bad = append(d.Bad, RowError{i + 2, ErrBadID})
	}
	var buf bytes.Buffer
	d.Report(&buf)
	if n := strings.Count(buf.String(), "bad GalaxyID"); n != maxListed {
		t.Errorf("listed %d rows, want %d", n, maxListed)
	}
	if !strings.Contains(buf.String(), "... and 70 more") {
		t.Errorf("no remainder line:\n%s", buf.String())
	}
}

// BenchmarkLoad reads a file the size of the real Challenge CSV (61,578
// rows), with an image file for every row.
func BenchmarkLoad(b *testing.B) {
	const rows = 61578
	dir := b.TempDir()
	var lines []string
	ids := make([]int64, rows)
	for i := range rows {
		v := votes(b, model.Class(i%model.NumClasses))
		ids[i] = int64(100000 + i)
		lines = append(lines, row2csv(ids[i], &v))
	}
	writeLayout(b, dir, lines, ids...)
	b.ResetTimer()
	for b.Loop() {
		d, err := Load(dir)
		if err != nil || len(d.Samples) != rows {
			b.Fatalf("%v, %d samples", err, len(d.Samples))
		}
	}
	b.ReportMetric(float64(rows*b.N)/b.Elapsed().Seconds(), "rows/s")
}
