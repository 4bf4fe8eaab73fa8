package model

import (
	"errors"
	"fmt"
	"io"
	"os"
)

// MaxFileBytes bounds what ReadImageFile reads into memory for one image.
// The largest image Decode accepts fits comfortably (a Galaxy Zoo cutout is
// about 20 kB); anything bigger is refused before it is read.
const MaxFileBytes = 64 << 20

// ErrFileTooLarge is the error of a file over MaxFileBytes.
var ErrFileTooLarge = errors.New("model: file larger than 64 MiB")

// ReadImageFile reads a whole image file, refusing directories and files
// over MaxFileBytes before reading them (and a file that grows while being
// read).
func ReadImageFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if info.IsDir() {
		return nil, fmt.Errorf("%s is a directory", path)
	}
	if info.Size() > MaxFileBytes {
		return nil, fmt.Errorf("%w: %s has %d bytes", ErrFileTooLarge, path, info.Size())
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxFileBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxFileBytes {
		return nil, fmt.Errorf("%w: %s", ErrFileTooLarge, path)
	}
	return data, nil
}

// ClassifyFile reads an image file with ReadImageFile and classifies it.
func (c *Classifier) ClassifyFile(path string) (*Prediction, error) {
	data, err := ReadImageFile(path)
	if err != nil {
		return nil, err
	}
	return c.Classify(data)
}
