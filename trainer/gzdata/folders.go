package gzdata

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/hiwl/hiwl/model"
)

// ImageExts are the file extensions LoadFolders takes for images (any case);
// they are the formats model.Decode reads.
var ImageExts = []string{".jpg", ".jpeg", ".png", ".gif"}

// ErrUnknownClassFolder is returned by LoadFolders for a subfolder whose
// name is not a class slug: a typo there would silently drop a class.
var ErrUnknownClassFolder = errors.New("unknown class folder")

var errNoClassFolders = errors.New("no class folders")

// LoadFolders reads the class-folder layout torchvision's ImageFolder made
// standard: dir/<slug>/**/<image>, one subfolder per class named by its slug
// (round, in-between, cigar, edge-on, spiral). A missing class folder means
// no samples of that class; a subfolder with any other name is refused with
// ErrUnknownClassFolder. Files directly in dir (a README) and hidden entries
// are ignored; files in a class folder without an image extension are
// listed in NotImages and skipped. Like Load it only stats: whether a file
// decodes is found out, and reported with its path, by whoever reads the
// pixels. A sample's ID is its file name's number (the GalaxyID) when it
// has one, else 0; samples are in path order.
func LoadFolders(dir string) (*Dataset, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("gzdata: %w", err)
	}
	d := &Dataset{Dir: dir, Layout: LayoutFolders}
	found := 0
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, ".") || !e.IsDir() {
			continue
		}
		class, err := model.ParseClass(name)
		if err != nil || name != class.Slug() {
			return nil, fmt.Errorf("gzdata: %s: %w %q (want one of %s)",
				dir, ErrUnknownClassFolder, name, strings.Join(model.Slugs(), ", "))
		}
		found++
		err = filepath.WalkDir(filepath.Join(dir, name), func(path string, e fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if strings.HasPrefix(e.Name(), ".") {
				if e.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if e.IsDir() || !e.Type().IsRegular() {
				return nil
			}
			d.Rows++
			if !slices.Contains(ImageExts, strings.ToLower(filepath.Ext(path))) {
				d.NotImages = append(d.NotImages, path)
				return nil
			}
			id, _ := strconv.ParseInt(strings.TrimSuffix(e.Name(), filepath.Ext(path)), 10, 64)
			d.Samples = append(d.Samples, Sample{ID: max(id, 0), Class: class, Path: path})
			d.Counts[class]++
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("gzdata: %w", err)
		}
	}
	if found == 0 {
		return nil, errNoClassFolders
	}
	slices.SortFunc(d.Samples, func(a, b Sample) int { return cmp.Compare(a.Path, b.Path) })
	return d, nil
}
