// Command classify is the native hiwl classifier: it classifies galaxy
// images (files or folders) with the embedded default model, or another
// exported model, and prints one JSON object per image.
//
//	go run ./model/cmd/classify galaxy.jpg more/*.jpg
//	go run ./model/cmd/classify -cam -model runs/x/model.onnx folder/
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/hiwl/hiwl/model"
)

type line struct {
	File          string `json:"file"`
	Error         string `json:"error,omitempty"`
	*model.Result `json:",omitempty"`
}

func main() {
	modelPath := flag.String("model", "", "ONNX model exported by the trainer (default: the embedded model)")
	withCAM := flag.Bool("cam", false, "include the predicted class's attention map")
	flag.Usage = func() {
		fmt.Fprintf(os.Stderr, "usage: classify [-model FILE] [-cam] FILE|FOLDER...\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() == 0 {
		flag.Usage()
		os.Exit(2)
	}
	clf, err := model.Open(*modelPath)
	if err != nil {
		fmt.Fprintf(os.Stderr, "classify: %v\n", err)
		os.Exit(1)
	}
	enc := json.NewEncoder(os.Stdout)
	failed := 0
	for _, f := range files(flag.Args()) {
		out := line{File: f}
		p, err := clf.ClassifyFile(f)
		if err != nil {
			out.Error = err.Error()
			failed++
		} else {
			r := p.Result(*withCAM)
			out.Result = &r
		}
		enc.Encode(out)
	}
	if failed > 0 {
		fmt.Fprintf(os.Stderr, "classify: %d file(s) could not be classified\n", failed)
		os.Exit(1)
	}
}

// files expands folders into the image files below them.
func files(args []string) []string {
	var out []string
	for _, a := range args {
		st, err := os.Stat(a)
		if err != nil || !st.IsDir() {
			out = append(out, a)
			continue
		}
		filepath.WalkDir(a, func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				switch strings.ToLower(filepath.Ext(p)) {
				case ".jpg", ".jpeg", ".png", ".gif":
					out = append(out, p)
				}
			}
			return nil
		})
	}
	return out
}
