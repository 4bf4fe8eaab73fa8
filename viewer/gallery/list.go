// Package gallery is what the viewer browses: the list of image paths of a
// session, and a Loader that decodes and classifies them on demand in a
// background goroutine, with a small LRU cache and prefetching of the
// neighbours of the image on screen.
//
// Nothing is read until it is asked for, so a folder of thousands of images
// opens as fast as its directory can be listed, and the UI thread never waits
// on a decoder or on the network.
package gallery

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Extensions are the file name endings picked up when a folder is listed
// (case-insensitive). Files named explicitly are always taken, whatever
// their name, and shown as unreadable if they are not images.
var Extensions = []string{".jpg", ".jpeg", ".png", ".gif"}

// ErrNoImages is returned by List when the arguments name no image at all.
var ErrNoImages = errors.New("gallery: no images found")

// List expands the viewer's arguments into image paths. A file is taken as
// given; a folder is walked recursively in lexical order and contributes its
// files with an image extension. Only directory entries are read: no image is
// opened or even stat'ed here. Sub-folders that cannot be read are skipped
// (they have no images to show); an argument that does not exist is an
// error, since it is most likely a typing mistake.
func List(args []string) ([]string, error) {
	var paths []string
	for _, arg := range args {
		info, err := os.Stat(arg)
		if err != nil {
			return nil, fmt.Errorf("gallery: %w", err)
		}
		if !info.IsDir() {
			paths = append(paths, arg)
			continue
		}
		err = filepath.WalkDir(arg, func(p string, d fs.DirEntry, err error) error {
			switch {
			case err != nil && d != nil && d.IsDir() && p != arg:
				return fs.SkipDir
			case err != nil:
				return err
			case d.IsDir() && p != arg && strings.HasPrefix(d.Name(), "."):
				return fs.SkipDir // .git, .thumbnails and the like
			case !d.IsDir() && isImageName(d.Name()):
				paths = append(paths, p)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("gallery: %w", err)
		}
	}
	if len(paths) == 0 {
		return nil, fmt.Errorf("%w in %s", ErrNoImages, strings.Join(args, ", "))
	}
	return paths, nil
}

func isImageName(name string) bool {
	ext := strings.ToLower(filepath.Ext(name))
	for _, e := range Extensions {
		if ext == e {
			return true
		}
	}
	return false
}
