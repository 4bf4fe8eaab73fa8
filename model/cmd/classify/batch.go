package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/hiwl/hiwl/model"
)

// job is one input with its place in the output order.
type job struct {
	seq int
	it  item
}

type done struct {
	seq int
	row row
}

// classifyAll runs the pipeline: one goroutine enumerates the inputs (and,
// with -resume, matches them against the rows already written), o.jobs
// workers classify, and this goroutine puts the rows back in input order
// and writes them in chunks. At most 4*o.jobs files are in flight, so the
// reordering buffer stays small.
func classifyAll(clf *model.Classifier, o *options, src source, stdout io.Writer, bar *progress) (*summary, error) {
	start := time.Now()
	sum := &summary{}
	out, kept, err := openOutput(o, stdout)
	if err != nil {
		return nil, err
	}
	defer out.close()

	jobs := make(chan job)
	results := make(chan done, o.jobs)
	slots := make(chan struct{}, 4*o.jobs)
	abort := make(chan struct{})
	var abortOnce sync.Once
	stop := func() { abortOnce.Do(func() { close(abort) }) }

	// The enumerator: the first inputs must be the files of the kept rows,
	// in order; they are counted, not classified.
	var enumErr error
	go func() {
		defer close(jobs)
		seq := 0
		for it := range src.items() {
			if kept != nil {
				p, err := kept.next()
				if err == nil {
					if p.file != it.path {
						enumErr = fmt.Errorf("-resume: row %d of %s is for %s but input %d is %s; resume with the same inputs in the same order (or start a new output)",
							sum.kept+1, o.out, p.file, sum.kept+1, it.path)
						return
					}
					// jsonl error lines carry no model version.
					if p.version != o.version && (p.version != "" || o.format == "csv") {
						enumErr = fmt.Errorf("-resume: row %d of %s was made by model %s, this run uses %s; finish it with that model (or start a new output)",
							sum.kept+1, o.out, p.version, o.version)
						return
					}
					sum.kept++
					sum.add(p.label, p.failed)
					if bar != nil {
						bar.done.Add(1)
					}
					continue
				}
				if err != io.EOF {
					enumErr = fmt.Errorf("-resume: %s %v", o.out, err)
					return
				}
				kept = nil
			}
			select {
			case slots <- struct{}{}:
			case <-abort:
				return
			}
			jobs <- job{seq: seq, it: it}
			seq++
		}
		if kept != nil {
			if p, err := kept.next(); err == nil {
				enumErr = fmt.Errorf("-resume: %s has a row for %s after the last input; resume with the same inputs (or start a new output)", o.out, p.file)
			}
		}
	}()

	var wg sync.WaitGroup
	for range o.jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				r := row{file: j.it.path, err: j.it.err}
				if r.err == nil {
					r.p, r.err = clf.ClassifyFile(j.it.path)
				}
				results <- done{seq: j.seq, row: r}
			}
		}()
	}
	go func() { wg.Wait(); close(results) }()

	// The writer: rows leave in input order.
	pending := make(map[int]row)
	next := 0
	var writeErr error
	for d := range results {
		pending[d.seq] = d.row
		for {
			r, ok := pending[next]
			if !ok {
				break
			}
			delete(pending, next)
			next++
			<-slots
			if writeErr != nil {
				continue // draining after a failed write
			}
			if r.err != nil {
				// One line per row, in every format.
				r.err = errors.New(oneLine(r.err.Error()))
			}
			sum.fresh++
			label := ""
			if r.err == nil {
				label = r.p.Label.Slug()
			} else {
				sum.freshFailed++
			}
			sum.add(label, r.err != nil)
			if bar != nil {
				bar.done.Add(1)
				bar.fresh.Add(1)
			}
			if writeErr = out.add(r); writeErr != nil {
				stop()
			}
		}
	}
	if writeErr == nil {
		writeErr = out.flush()
	}
	sum.elapsed = time.Since(start)
	if enumErr != nil {
		return nil, enumErr
	}
	if writeErr != nil {
		return nil, fmt.Errorf("writing %s: %w", out.name, writeErr)
	}
	return sum, out.close()
}

// output is where rows go: stdout, or the -o file, written a chunk at a
// time.
type output struct {
	name   string
	w      io.Writer
	file   *os.File // -o: synced after every chunk
	fmt    formatter
	buf    bytes.Buffer
	rows   int
	chunk  int
	closed bool

	closers []io.Closer // the reader of kept rows
}

// openOutput opens stdout or the -o file. With -resume it keeps the
// complete rows of an existing file and returns a scanner over them.
func openOutput(o *options, stdout io.Writer) (*output, *outputScanner, error) {
	out := &output{name: "stdout", w: stdout, fmt: newFormatter(o.format, o.version, o.cam), chunk: o.chunk}
	if o.out == "" {
		out.fmt.header(&out.buf)
		return out, nil, nil
	}
	out.name = o.out
	started := false
	flags := os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	if o.resume {
		var err error
		if started, err = prepareResume(o.out, o.format); err != nil {
			return nil, nil, err
		}
		flags = os.O_WRONLY | os.O_CREATE | os.O_APPEND
	}
	var kept *outputScanner
	if started {
		f, err := os.Open(o.out)
		if err != nil {
			return nil, nil, err
		}
		// Read while appending: the scanner stays ahead of nothing it could
		// see, since appends start only after it has matched every kept row
		// (the enumerator reads it to the end before the first job).
		kept = newOutputScanner(f, o.format)
		out.closers = append(out.closers, f)
	}
	f, err := os.OpenFile(o.out, flags, 0o644)
	if err != nil {
		return nil, nil, err
	}
	out.w, out.file = f, f
	if !started {
		out.fmt.header(&out.buf)
		// The header goes out at once, so that even a run killed before its
		// first chunk leaves a file -resume recognises.
		if err := out.flush(); err != nil {
			f.Close()
			return nil, nil, err
		}
	}
	return out, kept, nil
}

func (o *output) add(r row) error {
	o.fmt.row(&o.buf, r)
	o.rows++
	if o.rows >= o.chunk {
		return o.flush()
	}
	return nil
}

// flush writes the chunk in one write and, for a file, waits until it is
// on disk: a kill after this loses nothing of it.
func (o *output) flush() error {
	o.fmt.flush(&o.buf)
	o.rows = 0
	if o.buf.Len() == 0 {
		return nil
	}
	_, err := o.w.Write(o.buf.Bytes())
	o.buf.Reset()
	if err == nil && o.file != nil {
		err = o.file.Sync()
	}
	return err
}

func (o *output) close() error {
	if o.closed {
		return nil
	}
	o.closed = true
	for _, c := range o.closers {
		c.Close()
	}
	if o.file != nil {
		return o.file.Close()
	}
	return nil
}
