package main

import (
	"bufio"
	"fmt"
	"io"
	"io/fs"
	"iter"
	"os"
	"path/filepath"
	"strings"
)

// item is one input: a file to classify, or a path that could not be
// listed (err set), which becomes an error row.
type item struct {
	path string
	err  error
}

// source enumerates the inputs lazily, in a fixed order (arguments first,
// then the -list lines; folders walked in lexical order), so that a run
// and its resumption see the same sequence and nothing is held in memory.
type source struct {
	args  []string
	list  string    // "" none, "-" stdin
	stdin io.Reader // read once, for list "-"
}

// maxListLine bounds one line of a -list file (a path).
const maxListLine = 64 << 10

// isImageName reports whether a file found in a folder is classified;
// files named explicitly are always tried.
func isImageName(p string) bool {
	switch strings.ToLower(filepath.Ext(p)) {
	case ".jpg", ".jpeg", ".png", ".gif":
		return true
	}
	return false
}

// items yields every input. A -list file that cannot be opened or read
// ends the sequence with an item whose path is the list itself.
func (s source) items() iter.Seq[item] {
	return func(yield func(item) bool) {
		for _, a := range s.args {
			if !expand(a, yield) {
				return
			}
		}
		if s.list == "" {
			return
		}
		var r io.Reader = s.stdin
		name := "stdin"
		if s.list != "-" {
			f, err := os.Open(s.list)
			if err != nil {
				yield(item{path: s.list, err: err})
				return
			}
			defer f.Close()
			r, name = f, s.list
		}
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 4096), maxListLine)
		for sc.Scan() {
			line := strings.TrimSuffix(sc.Text(), "\r")
			if strings.TrimSpace(line) == "" {
				continue
			}
			if !expand(line, yield) {
				return
			}
		}
		if err := sc.Err(); err != nil {
			yield(item{path: s.list, err: fmt.Errorf("reading the list %s: %w", name, err)})
		}
	}
}

// count is the number of inputs, for the progress bar's total; false when
// they cannot be read twice (a list on stdin).
func (s source) count() (int, bool) {
	if s.list == "-" {
		return 0, false
	}
	n := 0
	for range s.items() {
		n++
	}
	return n, true
}

// expand yields path itself, or for a folder the image files below it.
func expand(path string, yield func(item) bool) bool {
	info, err := os.Stat(path)
	if err != nil {
		return yield(item{path: path, err: err})
	}
	if !info.IsDir() {
		return yield(item{path: path})
	}
	ok := true
	filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		switch {
		case err != nil:
			ok = yield(item{path: p, err: err})
		case d.IsDir():
			return nil
		case isImageName(p):
			ok = yield(item{path: p})
		}
		if !ok {
			return fs.SkipAll
		}
		if err != nil && d != nil && d.IsDir() {
			return fs.SkipDir
		}
		return nil
	})
	return ok
}
