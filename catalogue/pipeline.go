package catalogue

import (
	"errors"
	"fmt"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"

	// Local files, always; gs:// and s3:// are registered by the command.
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem/local"
)

// Options is what the pipeline reads, writes and runs.
type Options struct {
	// Catalogues are globs of CSV catalogues with a header; IDColumn and
	// PathColumn name the columns of each galaxy's id and image.
	Catalogues           []string
	IDColumn, PathColumn string
	// Lists are globs of files with one image path a line (the id is the
	// path).
	Lists []string
	// Images are globs of image files (the id is the path).
	Images []string
	// Base goes in front of relative paths from catalogues and lists.
	Base string

	// Output is the prefix of the CSV shards and the summary.
	Output string
	// Shards is the number of CSV files.
	Shards int

	// Model is an exported ONNX file ("": the embedded default model).
	Model string
	// Parallelism is how many images each bundle classifies at once
	// (0: GOMAXPROCS).
	Parallelism int
}

// Check refuses options a pipeline cannot run with, before it is built.
func (o Options) Check() error {
	switch {
	case len(o.Catalogues)+len(o.Lists)+len(o.Images) == 0:
		return errors.New("no input: give image globs, -catalogue or -list")
	case len(o.Catalogues) > 0 && (o.IDColumn == "" || o.PathColumn == ""):
		return errors.New("-catalogue needs -id_column and -path_column")
	case o.Output == "":
		return errors.New("-output PREFIX is needed")
	case o.Shards < 1:
		return fmt.Errorf("-shards %d: want at least 1", o.Shards)
	case o.Parallelism < 0:
		return fmt.Errorf("-inflight %d: want 0 (one per core) or more", o.Parallelism)
	}
	for _, p := range append(append(append([]string{o.Output}, o.Catalogues...), o.Lists...), o.Images...) {
		if err := checkScheme(p); err != nil {
			return err
		}
	}
	return nil
}

// checkScheme turns Beam's panic for a file system this binary lacks into
// an error.
func checkScheme(path string) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	filesystem.ValidateScheme(path)
	return nil
}

// Build adds the catalogue pipeline to s: read the inputs, classify every
// image, write the CSV shards and the summary.
func Build(s beam.Scope, o Options) error {
	if err := o.Check(); err != nil {
		return err
	}
	in := entries(s.Scope("Inputs"), o)
	// A catalogue is read by one worker; the reshuffle spreads its entries
	// over all of them (and lets a runner rebalance before the slow step).
	in = beam.Reshuffle(s, in)
	rows := beam.ParDo(s.Scope("Classify"), &classifyFn{Model: o.Model, Parallelism: o.Parallelism}, in)
	writeShards(s, rows, o.Output, o.Shards)
	writeSummary(s, rows, o.Output)
	return nil
}
