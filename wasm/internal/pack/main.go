// Command pack finishes a build of the in-browser classifier: next to each
// file given it writes precompressed copies (FILE.gz at gzip -9, FILE.br with
// brotli) for servers that hand them out when the browser accepts them, and
// it writes hiwl.json, the manifest the worker reads first to know which
// module version it wants, so a module cached from an earlier visit is used
// only while it is still the current one.
//
//	go run ./wasm/internal/pack -dir build/wasm hiwl.wasm wasm_exec.js
//
// Every file is written through a temporary name and renamed into place.
package main

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"

	"github.com/andybalholm/brotli"
	"github.com/hiwl/hiwl/model"
)

// Manifest is hiwl.json. The worker compares Version with the key of its
// cached module; the sizes let it show download progress even when the
// transfer is compressed and Content-Length is not the module's size.
type Manifest struct {
	ModelVersion string `json:"model_version"`
	// Version names this exact build: the model version plus the start of
	// the module's SHA-256, so a rebuilt module with the same model is a
	// new version too.
	Version string `json:"version"`
	Wasm    Asset  `json:"wasm"`
}

// Asset describes one file of the build and its precompressed copies.
type Asset struct {
	File        string `json:"file"`
	Bytes       int    `json:"bytes"`
	SHA256      string `json:"sha256"`
	GzipBytes   int    `json:"gzip_bytes,omitempty"`
	BrotliBytes int    `json:"br_bytes,omitempty"`
}

func main() {
	dir := flag.String("dir", ".", "folder holding the files")
	level := flag.Int("brotli", 9, "brotli quality, 0-11 (11 is smallest and much slower), -1 for no .br")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: pack [-dir DIR] [-brotli N] hiwl.wasm [OTHER FILES...]")
		flag.PrintDefaults()
	}
	flag.Parse()
	log.SetFlags(0)
	log.SetPrefix("pack: ")
	if flag.NArg() == 0 || filepath.Base(flag.Arg(0)) != "hiwl.wasm" {
		flag.Usage()
		os.Exit(2)
	}
	if *level > brotli.BestCompression {
		log.Fatalf("-brotli %d: at most %d", *level, brotli.BestCompression)
	}
	c, err := model.Default()
	if err != nil {
		log.Fatal(err)
	}
	var wasm Asset
	for i, name := range flag.Args() {
		a, err := pack(filepath.Join(*dir, name), *level)
		if err != nil {
			log.Fatal(err)
		}
		if i == 0 {
			wasm = a
		}
	}
	m := Manifest{ModelVersion: c.Version(), Version: c.Version() + "-" + wasm.SHA256[:12], Wasm: wasm}
	out, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		log.Fatal(err)
	}
	if err := writeAtomic(filepath.Join(*dir, "hiwl.json"), append(out, '\n')); err != nil {
		log.Fatal(err)
	}
}

// pack writes path.gz and (unless level < 0) path.br, and describes path.
func pack(path string, level int) (Asset, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Asset{}, err
	}
	sum := sha256.Sum256(data)
	a := Asset{File: filepath.Base(path), Bytes: len(data), SHA256: hex.EncodeToString(sum[:])}
	gz, err := compress(data, func(w io.Writer) (io.WriteCloser, error) {
		return gzip.NewWriterLevel(w, gzip.BestCompression)
	})
	if err != nil {
		return Asset{}, err
	}
	if err := writeAtomic(path+".gz", gz); err != nil {
		return Asset{}, err
	}
	a.GzipBytes = len(gz)
	if level < 0 {
		// A .br from an earlier build would otherwise be served as this one.
		if err := os.Remove(path + ".br"); err != nil && !os.IsNotExist(err) {
			return Asset{}, err
		}
		return a, nil
	}
	br, err := compress(data, func(w io.Writer) (io.WriteCloser, error) {
		return brotli.NewWriterLevel(w, level), nil
	})
	if err != nil {
		return Asset{}, err
	}
	if err := writeAtomic(path+".br", br); err != nil {
		return Asset{}, err
	}
	a.BrotliBytes = len(br)
	return a, nil
}

func compress(data []byte, open func(io.Writer) (io.WriteCloser, error)) ([]byte, error) {
	var b bytes.Buffer
	w, err := open(&b)
	if err != nil {
		return nil, err
	}
	if _, err := w.Write(data); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func writeAtomic(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp, 0o644)
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
	}
	return err
}
