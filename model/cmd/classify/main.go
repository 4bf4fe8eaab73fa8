// Command classify is hiwl's batch classifier for catalogues: it classifies
// galaxy images (files, folders searched recursively, or a list of paths)
// with the embedded default model or another exported one, on every core,
// and writes one row per image as CSV, JSON lines or a table.
//
//	go run ./model/cmd/classify galaxy.jpg more/                  # JSON lines on stdout
//	go run ./model/cmd/classify -o catalogue.csv survey/          # CSV (from the name)
//	go run ./model/cmd/classify -o catalogue.csv -resume survey/  # continue a killed run
//	find survey -name '*.jpg' | go run ./model/cmd/classify -list - -format table
//
// Rows come out in input order whatever -j is, so a run is reproducible and
// -resume can check that it continues the same inputs: it keeps the rows
// already in the output (cutting off a row a kill left half-written), skips
// those inputs and appends the rest. Output is written in chunks of -chunk
// rows, each with one write and an fsync, so a killed run loses at most the
// chunk in flight. Memory does not grow with the catalogue: inputs are
// enumerated lazily and rows leave as soon as their turn comes.
//
// The CSV columns are model.CSVHeader (the web page's "Download CSV" uses
// the same). The exit status is 0 when every file was classified, 1 when
// the input was empty, a file failed (its error row stays in the output) or
// the output could not be written, 2 for a usage error or a named path that
// does not exist (refused before any work), and 130 or 143 when SIGINT or
// SIGTERM ends the run (it says how to continue it with -resume).
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/hiwl/hiwl/model"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

const (
	exitOK     = 0
	exitFailed = 1
	exitUsage  = 2
)

const usageText = `usage: classify [flags] [FILE|FOLDER...]

Classifies galaxy images into the five HIWL classes (round, in-between,
cigar, edge-on, spiral) and writes one row per image, in input order.
Folders are searched recursively for .jpg, .jpeg, .png and .gif files.
Every row also carries the model's in-domain score (JSON "domain", CSV
domain_score and out_of_domain): over 1, the picture does not look like
a Galaxy Zoo-style galaxy cutout and its answer may mean nothing.

Examples:
  classify galaxy.jpg survey/                      JSON lines on stdout
  classify -o catalogue.csv survey/                CSV (format from the name)
  classify -o catalogue.csv -resume survey/        continue a killed run
  find survey -name '*.jpg' | classify -list - -format table

Flags:
`

type options struct {
	model   string
	cam     bool
	format  string
	list    string
	jobs    int
	out     string
	resume  bool
	chunk   int
	args    []string
	version string
}

func parseFlags(args []string, stderr io.Writer) (*options, error) {
	fs := flag.NewFlagSet("classify", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), usageText)
		fs.PrintDefaults()
	}
	o := &options{}
	fs.StringVar(&o.model, "model", "", "ONNX `file` exported by the trainer (default: the embedded model)")
	fs.BoolVar(&o.cam, "cam", false, "jsonl: include the predicted class's attention map")
	fs.StringVar(&o.format, "format", "", "csv, jsonl or table (default: from the -o name, .csv or .jsonl; else jsonl)")
	fs.StringVar(&o.list, "list", "", "read paths, one per line, from this `file` (- for stdin), after the arguments")
	fs.IntVar(&o.jobs, "j", runtime.NumCPU(), "images classified in parallel")
	fs.StringVar(&o.out, "o", "", "write to this `file` instead of stdout (replaced, unless -resume)")
	fs.BoolVar(&o.resume, "resume", false, "keep the rows already in -o, skip those inputs and append the rest")
	fs.IntVar(&o.chunk, "chunk", 64, "rows per write; a killed run loses at most one chunk")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	o.args = fs.Args()
	if len(o.args) == 0 && o.list == "" {
		fs.Usage()
		return nil, errors.New("name image files or folders, or -list FILE")
	}
	if o.format == "" {
		switch strings.ToLower(filepath.Ext(o.out)) {
		case ".csv":
			o.format = "csv"
		default:
			o.format = "jsonl"
		}
	}
	switch {
	case o.format != "csv" && o.format != "jsonl" && o.format != "table":
		return nil, fmt.Errorf("-format %q: want csv, jsonl or table", o.format)
	case o.jobs < 1:
		return nil, fmt.Errorf("-j %d: want at least 1", o.jobs)
	case o.chunk < 1:
		return nil, fmt.Errorf("-chunk %d: want at least 1", o.chunk)
	case o.resume && o.out == "":
		return nil, errors.New("-resume needs -o FILE, the output to continue")
	case o.resume && o.format == "table":
		return nil, errors.New("-resume works with -format csv or jsonl, not table")
	case o.cam && o.format != "jsonl":
		return nil, errors.New("-cam works with -format jsonl only")
	}
	return o, nil
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	o, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	if err != nil {
		fmt.Fprintln(stderr, "classify:", err)
		return exitUsage
	}
	// A mistyped path is refused before any work, not found as an error
	// row once the run is under way. (Paths inside a -list are read as
	// the run goes; a missing one there is an error row.)
	var missing []string
	for _, a := range o.args {
		if _, err := os.Stat(a); errors.Is(err, fs.ErrNotExist) {
			missing = append(missing, a+": no such file or folder")
		} else if err != nil {
			missing = append(missing, err.Error())
		}
	}
	if o.list != "" && o.list != "-" {
		f, err := os.Open(o.list)
		if err != nil {
			missing = append(missing, "-list: "+err.Error())
		} else {
			f.Close()
		}
	}
	if len(missing) > 0 {
		for _, m := range missing {
			fmt.Fprintln(stderr, "classify:", m)
		}
		fmt.Fprintln(stderr, "classify: nothing classified; check the paths")
		return exitUsage
	}
	clf, err := model.Open(o.model)
	if err != nil {
		fmt.Fprintf(stderr, "classify: -model: %v\n", err)
		return exitFailed
	}
	o.version = clf.Version()
	src := source{args: o.args, list: o.list, stdin: stdin}
	stopHint := hintOnInterrupt(args, o, stderr)
	defer stopHint()

	var bar *progress
	// A bar on a terminal, unless the rows themselves go to that terminal.
	if f, ok := stderr.(*os.File); ok && isTerminal(f) && (o.out != "" || !isTerminalWriter(stdout)) {
		bar = startProgress(stderr)
		if n, ok := src.count(); ok {
			bar.total.Store(int64(n))
		}
	}
	sum, err := classifyAll(clf, o, src, stdout, bar)
	bar.end()
	if err != nil {
		fmt.Fprintln(stderr, "classify:", err)
		return exitFailed
	}
	sum.print(stderr, o)
	switch {
	case sum.files() == 0:
		fmt.Fprintln(stderr, "classify: no images in the inputs (folders are searched for .jpg, .jpeg, .png and .gif files)")
		return exitFailed
	case sum.failed > 0:
		where := "the output"
		if o.out != "" {
			where = o.out
		}
		fmt.Fprintf(stderr, "classify: %d of %s failed; their error rows are in %s\n", sum.failed, plural(sum.files(), "file"), where)
		return exitFailed
	}
	return exitOK
}

func isTerminalWriter(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && isTerminal(f)
}

// summary counts the rows of the whole output, kept ones included.
type summary struct {
	kept        int // rows kept from an earlier run (-resume)
	fresh       int // files classified (or failed) in this run
	freshFailed int // of those, the failed ones
	failed      int
	perClass    [model.NumClasses]int
	elapsed     time.Duration
}

func (s *summary) files() int { return s.kept + s.fresh }

func (s *summary) add(label string, failed bool) {
	if failed {
		s.failed++
		return
	}
	if c, err := model.ParseClass(label); err == nil {
		s.perClass[c]++
	}
}

// print says what the output holds: the files, how many were classified
// and how many failed; for this run its time, and its speed only over the
// images it classified; the classes only when some image was classified.
func (s *summary) print(w io.Writer, o *options) {
	if s.files() == 0 {
		return
	}
	ok := s.files() - s.failed
	fmt.Fprintf(w, "classify: %s: %d classified, %d failed", plural(s.files(), "file"), ok, s.failed)
	if s.kept > 0 {
		fmt.Fprintf(w, " (%d kept from %s)", s.kept, o.out)
	}
	if s.fresh > 0 {
		fmt.Fprintf(w, "; this run %s in %s", plural(s.fresh, "file"), seconds(s.elapsed))
		if n := s.fresh - s.freshFailed; n > 0 && s.elapsed > 0 {
			fmt.Fprintf(w, ", %.1f images/s with -j %d", float64(n)/s.elapsed.Seconds(), o.jobs)
		}
	}
	fmt.Fprintln(w)
	if ok == 0 {
		return
	}
	for _, c := range model.Classes {
		fmt.Fprintf(w, "  %-11s %-24s %8d  %5.1f %%\n", c.Slug(), c.String(), s.perClass[c], 100*float64(s.perClass[c])/float64(ok))
	}
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// seconds is d for a person: milliseconds below a second, where "0.0 s"
// would say nothing.
func seconds(d time.Duration) string {
	if d < time.Second {
		return fmt.Sprintf("%d ms", d.Milliseconds())
	}
	return fmt.Sprintf("%.1f s", d.Seconds())
}
