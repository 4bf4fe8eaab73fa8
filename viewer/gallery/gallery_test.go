package gallery

import (
	"bytes"
	"errors"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/hiwl/hiwl/model"
)

// The real Galaxy Zoo images, relative to this package (the repository's
// parent holds shared/).
const dataDir = "../../../shared/data/gz-challenge-spiral"

func classifier(t *testing.T) *model.Classifier {
	t.Helper()
	c, err := model.Default()
	if err != nil {
		t.Fatalf("embedded model: %v", err)
	}
	return c
}

func TestListRealFolder(t *testing.T) {
	paths, err := List([]string{dataDir})
	if err != nil {
		t.Fatal(err)
	}
	// Count what is on disk independently of List.
	want := 0
	for _, split := range []string{"train", "validation"} {
		for _, class := range []string{"spirals", "non_spirals"} {
			m, _ := filepath.Glob(filepath.Join(dataDir, split, class, "*.jpg"))
			want += len(m)
		}
	}
	if want == 0 || len(paths) != want {
		t.Fatalf("List found %d images, the folders hold %d", len(paths), want)
	}
	if !slices.IsSorted(paths) {
		t.Error("paths are not in lexical order")
	}
}

func TestListArguments(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	b := write("b.JPG", "x")
	a := write("sub/a.png", "x")
	write("notes.txt", "x")
	write(".cache/hidden.jpg", "x")
	explicit := write("notes.md", "x")

	got, err := List([]string{dir, explicit})
	if err != nil {
		t.Fatal(err)
	}
	// Folder entries by extension (any case), hidden folders skipped,
	// explicit files taken whatever their name.
	if want := []string{b, a, explicit}; !slices.Equal(got, want) {
		t.Errorf("List = %v, want %v", got, want)
	}

	if _, err := List([]string{filepath.Join(dir, "missing.jpg")}); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: err = %v, want not-exist", err)
	}
	empty := t.TempDir()
	if _, err := List([]string{empty}); !errors.Is(err, ErrNoImages) {
		t.Errorf("empty folder: err = %v, want ErrNoImages", err)
	}
}

// waitDone polls the loader the way the UI does, until item i is finished.
func waitDone(t *testing.T, l *Loader, i int) *Item {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for time.Now().Before(deadline) {
		if it := l.Item(i); it.Done() {
			return it
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("item %d not loaded in time", i)
	return nil
}

func TestLoaderMatchesNativeClassifier(t *testing.T) {
	clf := classifier(t)
	path := filepath.Join(dataDir, "validation", "spirals", "170676.jpg")
	l := NewLoader([]string{path}, clf, 4)
	defer l.Close()
	l.Focus(0)
	it := waitDone(t, l, 0)
	if it.Err != nil {
		t.Fatal(it.Err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want, err := clf.Classify(data)
	if err != nil {
		t.Fatal(err)
	}
	got := it.Result
	if got.Label != want.Label || got.Probabilities != want.Probabilities || got.A != want.A || got.B != want.B {
		t.Errorf("loader result %+v differs from Classify: label %v, p %v", got, want.Label, want.Probabilities)
	}
	for _, c := range model.Classes {
		cam := want.CAM(c)
		if got.CAMSide != cam.Side || !slices.Equal(got.CAMs[c], cam.Normalized()) {
			t.Errorf("CAM of %v differs from Prediction.CAM", c)
		}
		if peak := slices.Max(cam.Values); got.CAMPeak[c] != peak {
			t.Errorf("CAM peak of %v = %v, want %v", c, got.CAMPeak[c], peak)
		}
	}
	// The network saw the file decoded at half size (model.DecodeFor); the
	// display copy is the file at full size, with the network's crop on it.
	img, scale, err := model.DecodeFor(data, clf.InputSize())
	if err != nil {
		t.Fatal(err)
	}
	f := model.Frame(img)
	b := it.Image.Bounds()
	if scale != 2 || b != image.Rect(0, 0, 424, 424) {
		t.Errorf("network's decode at 1/%d, display copy %v; want 1/2 and the file's 424x424", scale, b)
	}
	if want := (image.Rectangle{f.Min.Mul(scale), f.Max.Mul(scale)}); it.Crop != want || !it.Crop.In(b) {
		t.Errorf("crop %v, want the network's crop %v on the display copy %v", it.Crop, want, b)
	}
}

// A folder of hundreds of images: focusing one reads only it and its
// prefetched neighbours, and the cache stays within its size however far
// one browses.
func TestLoaderIsLazyAndBounded(t *testing.T) {
	paths, err := List([]string{filepath.Join(dataDir, "validation", "spirals")})
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) < 50 {
		t.Fatalf("only %d images to browse", len(paths))
	}
	const cacheSize = 5
	l := NewLoader(paths, classifier(t), cacheSize)
	defer l.Close()

	l.Focus(20)
	for _, i := range []int{20, 21, 22, 19} {
		if it := waitDone(t, l, i); it.Err != nil || it.Path != paths[i] {
			t.Fatalf("item %d: path %s, err %v", i, it.Path, it.Err)
		}
	}
	if n := l.Loads(); n != 1+Ahead+Behind {
		t.Errorf("%d files read after focusing one image, want %d", n, 1+Ahead+Behind)
	}
	if it := l.Item(40); it != nil {
		t.Errorf("image 40 was loaded without being asked for")
	}

	// Browse on: earlier images are evicted, the cache never grows past
	// its size, and the focus is never evicted.
	for i := 21; i < 30; i++ {
		l.Focus(i)
		waitDone(t, l, i)
		l.mu.Lock()
		n := len(l.cache)
		l.mu.Unlock()
		if n > cacheSize {
			t.Fatalf("cache holds %d items, limit %d", n, cacheSize)
		}
	}
	if it := l.Item(19); it != nil {
		t.Error("image 19 is still cached after browsing ten images on")
	}
	if it := l.Item(29); !it.Done() {
		t.Error("the focused image is not cached")
	}
}

func TestLoaderUnreadableFiles(t *testing.T) {
	dir := t.TempDir()
	good, err := os.ReadFile(filepath.Join(dataDir, "validation", "spirals", "170676.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	var tiny bytes.Buffer
	png.Encode(&tiny, image.NewRGBA(image.Rect(0, 0, 4, 4)))
	files := []struct {
		name string
		data []byte
		want error
	}{
		{"empty.jpg", nil, model.ErrEmpty},
		{"text.jpg", []byte("these are not the pixels you are looking for"), model.ErrNotImage},
		{"truncated.jpg", good[:len(good)/3], model.ErrCorrupt},
		{"tiny.png", tiny.Bytes(), model.ErrTooSmall},
		{"huge.jpg", nil, model.ErrFileTooLarge},
		{"missing.jpg", nil, os.ErrNotExist},
		{"good.jpg", good, nil},
	}
	var paths []string
	for _, f := range files {
		p := filepath.Join(dir, f.name)
		paths = append(paths, p)
		switch f.name {
		case "missing.jpg":
			continue
		case "huge.jpg":
			// A sparse file: 1 byte over the limit costs no disk.
			fh, err := os.Create(p)
			if err != nil {
				t.Fatal(err)
			}
			fh.Truncate(model.MaxFileBytes + 1)
			fh.Close()
			continue
		}
		if err := os.WriteFile(p, f.data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	l := NewLoader(paths, classifier(t), 16)
	defer l.Close()
	for i, f := range files {
		l.Focus(i)
		it := waitDone(t, l, i)
		if f.want == nil {
			if it.Err != nil || it.Result == nil || it.Image == nil {
				t.Errorf("%s: err %v, result %v", f.name, it.Err, it.Result)
			}
			continue
		}
		if !errors.Is(it.Err, f.want) || it.Image != nil || it.Result != nil {
			t.Errorf("%s: err %v, want %v and no image", f.name, it.Err, f.want)
		}
	}
}

// A large image is kept at display size, with its crop in proportion.
func TestLoaderShrinksLargeImages(t *testing.T) {
	src := image.NewRGBA(image.Rect(0, 0, 2200, 1100))
	for i := range src.Pix {
		src.Pix[i] = uint8(i * 7)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, src); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "wide.png")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	l := NewLoader([]string{path}, classifier(t), 2)
	defer l.Close()
	l.Focus(0)
	it := waitDone(t, l, 0)
	if it.Err != nil {
		t.Fatal(it.Err)
	}
	if got, want := it.Image.Bounds(), image.Rect(0, 0, MaxDisplaySide, MaxDisplaySide/2); got != want {
		t.Errorf("display copy is %v, want %v", got, want)
	}
	// The crop is the square the network saw (model.Frame of the full
	// image), scaled onto the display copy, centred.
	decoded, err := model.Decode(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	f := model.Frame(decoded)
	scale := float64(MaxDisplaySide) / 2200
	for _, c := range [][2]int{{it.Crop.Min.X, f.Min.X}, {it.Crop.Min.Y, f.Min.Y}, {it.Crop.Max.X, f.Max.X}, {it.Crop.Max.Y, f.Max.Y}} {
		if d := float64(c[0]) - float64(c[1])*scale; d < -1 || d > 1 {
			t.Fatalf("crop %v, want %v scaled by %.3f", it.Crop, f, scale)
		}
	}
	if cx := it.Crop.Min.X + it.Crop.Max.X; cx < MaxDisplaySide-2 || cx > MaxDisplaySide+2 {
		t.Errorf("crop %v is not centred", it.Crop)
	}
}

func TestArrange(t *testing.T) {
	sums := map[int]Summary{
		0: {Label: model.Spiral, Confidence: 0.9, Score: 0.3},
		1: {Label: model.Round, Confidence: 0.4, Score: 4.2, OutOfDomain: true},
		3: {Label: model.Spiral, Confidence: 0.5, Score: 1.5, OutOfDomain: true},
		4: {Label: model.Round, Confidence: 0.95, Score: 0.8},
	} // 2 and 5 not classified yet
	summary := func(i int) (Summary, bool) { s, ok := sums[i]; return s, ok }
	for _, tc := range []struct {
		o    Order
		f    Filter
		want []int
	}{
		{ByName, Filter{All: true}, []int{0, 1, 2, 3, 4, 5}},
		{ByUncertain, Filter{All: true}, []int{1, 3, 0, 4, 2, 5}},
		{ByLabel, Filter{All: true}, []int{1, 4, 3, 0, 2, 5}}, // round before spiral
		{ByUncertain, Filter{Class: model.Spiral}, []int{3, 0}},
		{ByName, Filter{Class: model.Cigar}, []int{}},
		// the in-domain score, whatever the class; unclassified left out
		{ByName, Filter{Domain: NotCutouts}, []int{1, 3}},
		{ByUncertain, Filter{Domain: Cutouts}, []int{0, 4}},
	} {
		if got := Arrange(6, summary, tc.o, tc.f); !slices.Equal(got, tc.want) {
			t.Errorf("Arrange(%v, %v) = %v, want %v", tc.o, tc.f, got, tc.want)
		}
	}
	if o, err := ParseOrder("confidence"); err != nil || o != ByUncertain || o.String() != "confidence" {
		t.Errorf("ParseOrder(confidence) = %v, %v", o, err)
	}
	if _, err := ParseOrder("size"); err == nil {
		t.Error("ParseOrder(size) did not fail")
	}
}

// The contact sheet's loader: only the thumbnails asked for are read, they
// are small, and summaries outlive the cache.
func TestThumbLoader(t *testing.T) {
	paths, err := List([]string{filepath.Join(dataDir, "validation", "spirals")})
	if err != nil {
		t.Fatal(err)
	}
	clf := classifier(t)
	l := NewThumbLoader(paths, clf, 4, 96)
	defer l.Close()
	page := []int{0, 1, 2, 3}
	l.Want(page)
	for _, i := range page {
		it := waitDone(t, l, i)
		if it.Err != nil {
			t.Fatal(it.Err)
		}
		if b := it.Image.Bounds(); max(b.Dx(), b.Dy()) > 96 {
			t.Errorf("thumbnail %d is %v, want at most 96 pixels", i, b)
		}
		p, err := clf.ClassifyFile(paths[i])
		if err != nil {
			t.Fatal(err)
		}
		if s, ok := l.Summary(i); !ok || s.Label != p.Label || s.Confidence != p.Probabilities[p.Label] {
			t.Errorf("summary %d = %+v %v, want %v %v", i, s, ok, p.Label, p.Probabilities[p.Label])
		}
	}
	if n := l.Loads(); n != int64(len(page)) {
		t.Errorf("%d files read for a page of %d", n, len(page))
	}
	l.Want([]int{4, 5, 6, 7})
	for i := 4; i < 8; i++ {
		waitDone(t, l, i)
	}
	if it := l.Item(0); it != nil {
		t.Error("thumbnail 0 still cached beyond the cache size")
	}
	if _, ok := l.Summary(0); !ok {
		t.Error("summary of 0 lost with its thumbnail")
	}
}
