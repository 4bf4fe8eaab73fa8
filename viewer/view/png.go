package view

import (
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
)

// WritePNG writes img to path atomically: it encodes into a temporary file
// in the same folder and renames it into place, so a crash or a full disk
// never leaves a half-written screenshot where a good one was.
func WritePNG(path string, img image.Image) (err error) {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("view: save %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err = png.Encode(tmp, img); err != nil {
		return fmt.Errorf("view: encode %s: %w", path, err)
	}
	if err = tmp.Sync(); err != nil {
		return fmt.Errorf("view: save %s: %w", path, err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("view: save %s: %w", path, err)
	}
	// CreateTemp makes the file 0600; a saved view is an ordinary document.
	if err = os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("view: save %s: %w", path, err)
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("view: save %s: %w", path, err)
	}
	return nil
}
