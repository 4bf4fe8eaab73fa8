package catalogue

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/core/metrics"
	beamlog "github.com/apache/beam/sdks/v2/go/pkg/beam/log"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/runners/prism"
	"github.com/hiwl/hiwl/model"
)

func TestMain(m *testing.M) {
	flag.Parse()
	beam.Init()
	// Prism logs every job's progress at INFO.
	beamlog.SetupLogging("warn", "text")
	os.Exit(m.Run())
}

// realDir holds the labelled Galaxy Zoo images, one folder per class (the
// repository expects shared/ beside it).
var realDir = filepath.Join("..", "..", "shared", "data", "gz-challenge-5class")

// imageFolder copies per real images of each class into dir/images and
// adds one corrupt image (a real JPEG cut after 300 bytes). It returns the
// folder and the corrupt file's path.
func imageFolder(t *testing.T, dir string, per int) (string, string) {
	t.Helper()
	imgs := filepath.Join(dir, "images")
	if err := os.MkdirAll(imgs, 0o755); err != nil {
		t.Fatal(err)
	}
	var first []byte
	for _, c := range model.Classes {
		files, _ := filepath.Glob(filepath.Join(realDir, c.Slug(), "*.jpg"))
		if len(files) < per {
			t.Fatalf("%d images under %s, want %d (the repository expects shared/ beside it)", len(files), filepath.Join(realDir, c.Slug()), per)
		}
		for _, f := range files[:per] {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if first == nil {
				first = data
			}
			if err := os.WriteFile(filepath.Join(imgs, c.Slug()+"-"+filepath.Base(f)), data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	bad := filepath.Join(imgs, "corrupt.jpg")
	if err := os.WriteFile(bad, first[:300], 0o644); err != nil {
		t.Fatal(err)
	}
	return imgs, bad
}

var classifyBin = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "hiwl-classify")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "classify")
	// Built in the root module, with its go.mod: the batch CLI exactly as
	// users build it, not this module's view of its dependencies.
	cmd := exec.Command("go", "build", "-o", bin, "./model/cmd/classify")
	cmd.Dir = ".."
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("building classify: %v\n%s", err, out)
	}
	return bin, nil
})

// runClassify runs the batch CLI over args into a CSV and returns its
// records by file (the header checked).
func runClassify(t *testing.T, out string, args ...string) map[string][]string {
	t.Helper()
	bin, err := classifyBin()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, append([]string{"-j", "2", "-o", out}, args...)...)
	msg, err := cmd.CombinedOutput()
	if _, ok := err.(*exec.ExitError); err != nil && !ok {
		t.Fatalf("classify: %v\n%s", err, msg)
	}
	recs := readCSV(t, out)
	if !slices.Equal(recs[0], model.CSVHeader) {
		t.Fatalf("classify's header %v", recs[0])
	}
	byFile := map[string][]string{}
	for _, r := range recs[1:] {
		byFile[r[model.CSVFile]] = r
	}
	return byFile
}

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return recs
}

// runPipeline builds and runs the pipeline on Prism, in this process.
func runPipeline(t *testing.T, o Options) beam.PipelineResult {
	t.Helper()
	p, s := beam.NewPipelineWithRoot()
	if err := Build(s, o); err != nil {
		t.Fatal(err)
	}
	res, err := prism.Execute(context.Background(), p)
	if err != nil {
		t.Fatalf("pipeline failed: %v", err)
	}
	return res
}

// readShards reads all o.Shards files, checks their header, that every
// row is in its id's shard and that each shard is sorted, and returns the
// rows (without the header) in shard order.
func readShards(t *testing.T, o Options) [][]string {
	t.Helper()
	files, _ := filepath.Glob(o.Output + "-*-of-*.csv")
	if len(files) != o.Shards {
		t.Fatalf("%d shard files %v, want %d", len(files), files, o.Shards)
	}
	var rows [][]string
	for i := range o.Shards {
		recs := readCSV(t, ShardName(o.Output, i, o.Shards))
		if !slices.Equal(recs[0], Header()) {
			t.Fatalf("shard %d: header %v, want %v", i, recs[0], Header())
		}
		for j, r := range recs[1:] {
			if got := shardOf(r[0], o.Shards); got != i {
				t.Errorf("id %s is in shard %d, its shard is %d", r[0], i, got)
			}
			if j > 0 && recs[j][0] > r[0] {
				t.Errorf("shard %d is not sorted: %s before %s", i, recs[j][0], r[0])
			}
		}
		rows = append(rows, recs[1:]...)
	}
	return rows
}

func counters(res beam.PipelineResult) map[string]int64 {
	m := map[string]int64{}
	q := res.Metrics().Query(func(r metrics.SingleResult) bool { return r.Namespace() == "hiwl" })
	for _, c := range q.Counters() {
		m[c.Name()] += c.Result()
	}
	return m
}

func readSummary(t *testing.T, o Options) Summary {
	t.Helper()
	data, err := os.ReadFile(SummaryName(o.Output))
	if err != nil {
		t.Fatal(err)
	}
	var s Summary
	if err := json.Unmarshal(data, &s); err != nil {
		t.Fatal(err)
	}
	return s
}

// The rows of a pipeline on Prism are those of the batch CLI on the same
// files: the same labels, probabilities within 1e-6, the same error row
// for the corrupt image; the pipeline succeeds, and the summary and the
// Beam metrics count the same.
func TestPrismMatchesClassify(t *testing.T) {
	dir := t.TempDir()
	imgs, bad := imageFolder(t, dir, 3)
	want := runClassify(t, filepath.Join(dir, "classify.csv"), imgs)
	if len(want) != 16 {
		t.Fatalf("classify wrote %d rows, want 16", len(want))
	}

	o := Options{Images: []string{filepath.Join(imgs, "*.jpg")}, Output: filepath.Join(dir, "out", "gz"), Shards: 3, Parallelism: 2}
	res := runPipeline(t, o)
	rows := readShards(t, o)
	if len(rows) != len(want) {
		t.Fatalf("%d rows, classify has %d", len(rows), len(want))
	}
	wantSum := newSummary()
	seen := map[string]bool{}
	for _, r := range rows {
		id, rec := r[0], r[1:]
		file := rec[model.CSVFile]
		if id != file {
			t.Errorf("a globbed image's id %q is not its file %q", id, file)
		}
		w, ok := want[file]
		if !ok || seen[file] {
			t.Errorf("row for %s: classify has none, or it came twice", file)
			continue
		}
		seen[file] = true
		if rec[model.CSVLabel] != w[model.CSVLabel] || rec[model.CSVError] != w[model.CSVError] || rec[model.CSVModelVersion] != w[model.CSVModelVersion] {
			t.Errorf("%s: label %q error %q version %q; classify: %q %q %q", file,
				rec[model.CSVLabel], rec[model.CSVError], rec[model.CSVModelVersion], w[model.CSVLabel], w[model.CSVError], w[model.CSVModelVersion])
		}
		if rec[model.CSVOutOfDomain] != w[model.CSVOutOfDomain] {
			t.Errorf("%s: out_of_domain %q, classify %q", file, rec[model.CSVOutOfDomain], w[model.CSVOutOfDomain])
		}
		// the numbers: probabilities, both networks, the in-domain score
		for i := model.CSVLabel + 1; i <= model.CSVDomainScore; i++ {
			if (rec[i] == "") != (w[i] == "") {
				t.Errorf("%s %s: %q, classify %q", file, model.CSVHeader[i], rec[i], w[i])
				continue
			}
			if rec[i] == "" {
				continue
			}
			a, err1 := strconv.ParseFloat(rec[i], 64)
			b, err2 := strconv.ParseFloat(w[i], 64)
			if err1 != nil || err2 != nil || math.Abs(a-b) > 1e-6 {
				t.Errorf("%s %s: %s, classify %s", file, model.CSVHeader[i], rec[i], w[i])
			}
		}
		var topP float32
		for i := range model.NumClasses {
			v, _ := strconv.ParseFloat(w[model.CSVLabel+1+i], 32)
			topP = max(topP, float32(v))
		}
		wantSum = summaryFn{}.AddInput(wantSum, Row{Record: r, Label: w[model.CSVLabel], Top: topP})
	}
	if !seen[bad] || want[bad][model.CSVError] == "" {
		t.Errorf("no error row for the corrupt image %s (classify's: %q)", bad, want[bad])
	}

	got := readSummary(t, o)
	if fmt.Sprint(got) != fmt.Sprint(wantSum) || got.Images != 16 || got.Failures != 1 {
		t.Errorf("summary %+v, want %+v from classify's rows", got, wantSum)
	}
	c := counters(res)
	if c["images"] != 16 || c["failures"] != 1 {
		t.Errorf("metrics %v: want 16 images, 1 failure", c)
	}
	for slug, n := range wantSum.Classes {
		if c["class_"+slug] != n {
			t.Errorf("metric class_%s = %d, classify's rows have %d", slug, c["class_"+slug], n)
		}
	}
}

// The model is loaded once per worker process, in Setup, however many
// elements and bundles there are: 60 catalogue entries on one in-process
// worker load it once.
func TestModelLoadedOncePerWorker(t *testing.T) {
	dir := t.TempDir()
	imgs, _ := imageFolder(t, dir, 1)
	var mu sync.Mutex
	var loads int
	defer func(f func(context.Context, string) (*model.Classifier, error)) { openModel = f }(openModel)
	openModel = func(ctx context.Context, path string) (*model.Classifier, error) {
		mu.Lock()
		loads++
		mu.Unlock()
		return loadModel(ctx, path)
	}
	resetModels()

	files, _ := filepath.Glob(filepath.Join(imgs, "*.jpg"))
	var b strings.Builder
	b.WriteString("objid,ra,dec,cutout\n")
	for i := range 60 {
		fmt.Fprintf(&b, "G%03d,1.5,-2.25,%s\n", i, filepath.Base(files[i%len(files)]))
	}
	cat := filepath.Join(dir, "cat.csv")
	if err := os.WriteFile(cat, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	o := Options{Catalogues: []string{cat}, IDColumn: "objid", PathColumn: "cutout", Base: imgs,
		Output: filepath.Join(dir, "out", "gz"), Shards: 2, Parallelism: 3}
	res := runPipeline(t, o)
	if n := counters(res)["images"]; n != 60 {
		t.Fatalf("%d images classified, want 60", n)
	}
	if loads != 1 {
		t.Errorf("the model was loaded %d times for 60 elements on one worker, want once", loads)
	}
}

// resetModels forgets the loaded classifiers, as a fresh worker would.
func resetModels() {
	modelsMu.Lock()
	clear(models)
	modelsMu.Unlock()
}

// A CSV catalogue: id and path columns by name, paths relative to Base,
// and malformed lines that become error rows instead of failing the run.
func TestCatalogueInput(t *testing.T) {
	dir := t.TempDir()
	imgs, bad := imageFolder(t, dir, 1)
	files, _ := filepath.Glob(filepath.Join(imgs, "*.jpg"))
	files = slices.DeleteFunc(files, func(f string) bool { return f == bad })
	cat := filepath.Join(dir, "cat.csv")
	body := "\ufeffname,file,mag\n" +
		"A1," + filepath.Base(files[0]) + ",17.2\n" +
		"\"A,2\"," + files[1] + ",18\n" + // an absolute path and a quoted id
		"A3,,19\n" + // no path
		"A4\n" + // too few fields
		"A5,x\"y,1\n" + // a bare quote
		"A6,missing.jpg,20\n"
	if err := os.WriteFile(cat, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := CheckCatalogue(context.Background(), cat, "objid", "file"); err == nil || !strings.Contains(err.Error(), `"objid"`) {
		t.Errorf("a missing id column: %v", err)
	}
	if err := CheckCatalogue(context.Background(), cat, "name", "file"); err != nil {
		t.Fatal(err)
	}
	o := Options{Catalogues: []string{cat}, IDColumn: "name", PathColumn: "file", Base: imgs,
		Output: filepath.Join(dir, "out", "gz"), Shards: 1}
	runPipeline(t, o)
	got := map[string][]string{}
	for _, r := range readShards(t, o) {
		got[r[0]] = r
	}
	check := func(id, file, errPart string) {
		t.Helper()
		r, ok := got[id]
		switch {
		case !ok:
			t.Errorf("no row for %q; rows: %v", id, got)
		case r[1+model.CSVFile] != file:
			t.Errorf("%s: file %q, want %q", id, r[1+model.CSVFile], file)
		case errPart == "" && (r[1+model.CSVError] != "" || r[1+model.CSVLabel] == ""):
			t.Errorf("%s: %v, want a classified row", id, r)
		case errPart != "" && !strings.Contains(r[1+model.CSVError], errPart):
			t.Errorf("%s: error %q, want it to say %q", id, r[1+model.CSVError], errPart)
		}
	}
	check("A1", filepath.Join(imgs, filepath.Base(files[0])), "")
	check("A,2", files[1], "")
	check("A3", "", "empty file")
	check(cat+":5", "", "line 5: 1 fields")
	check(cat+":6", "", "bare")
	check("A6", filepath.Join(imgs, "missing.jpg"), "no such file")
	if len(got) != 6 {
		t.Errorf("%d rows, want 6: %v", len(got), got)
	}
}

// The shards are the same bytes whatever the parallelism and the inputs'
// order and form (a glob, or a list naming the same files).
func TestShardsDeterministic(t *testing.T) {
	dir := t.TempDir()
	imgs, _ := imageFolder(t, dir, 2)
	files, _ := filepath.Glob(filepath.Join(imgs, "*.jpg"))
	slices.Reverse(files)
	list := filepath.Join(dir, "list.txt")
	if err := os.WriteFile(list, []byte(strings.Join(files, "\n")+"\n\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	a := Options{Images: []string{filepath.Join(imgs, "*.jpg")}, Output: filepath.Join(dir, "a", "gz"), Shards: 3, Parallelism: 1}
	b := Options{Lists: []string{list}, Output: filepath.Join(dir, "b", "gz"), Shards: 3, Parallelism: 5}
	runPipeline(t, a)
	runPipeline(t, b)
	for i := range 3 {
		x, err1 := os.ReadFile(ShardName(a.Output, i, 3))
		y, err2 := os.ReadFile(ShardName(b.Output, i, 3))
		if err1 != nil || err2 != nil || string(x) != string(y) {
			t.Errorf("shard %d differs between runs (%v, %v):\n%s\n---\n%s", i, err1, err2, x, y)
		}
	}
	if n := len(readShards(t, a)); n != len(files) {
		t.Errorf("%d rows, want %d", n, len(files))
	}
}

// With no images the shards are written (header only) and so is a zero
// summary.
func TestEmptyList(t *testing.T) {
	dir := t.TempDir()
	list := filepath.Join(dir, "list.txt")
	os.WriteFile(list, []byte("\n"), 0o644)
	o := Options{Lists: []string{list}, Output: filepath.Join(dir, "gz"), Shards: 2}
	runPipeline(t, o)
	if rows := readShards(t, o); len(rows) != 0 {
		t.Errorf("rows %v", rows)
	}
	if s := readSummary(t, o); s.Images != 0 || len(s.Classes) != model.NumClasses || len(s.TopHistogram) != HistogramBins {
		t.Errorf("summary %+v", s)
	}
}

func TestOptionsCheck(t *testing.T) {
	ok := Options{Images: []string{"x/*.jpg"}, Output: "out/gz", Shards: 1}
	if err := ok.Check(); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		o    Options
		want string
	}{
		{Options{Output: "o", Shards: 1}, "no input"},
		{Options{Images: []string{"x"}, Shards: 1}, "-output"},
		{Options{Images: []string{"x"}, Output: "o"}, "-shards"},
		{Options{Catalogues: []string{"c.csv"}, Output: "o", Shards: 1}, "-id_column"},
		{Options{Images: []string{"hdfs://x/*.jpg"}, Output: "o", Shards: 1}, `"hdfs"`},
		{Options{Images: []string{"x"}, Output: "o", Shards: 1, Parallelism: -1}, "-inflight"},
	} {
		if err := c.o.Check(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v, want an error saying %q", c.o, err, c.want)
		}
	}
}

func TestTopBin(t *testing.T) {
	for p, want := range map[float32]int{0.2: 2, 0.299: 2, 0.5: 5, 0.99: 9, 1: 9} {
		if got := topBin(p); got != want {
			t.Errorf("topBin(%v) = %d, want %d", p, got, want)
		}
	}
}

func TestResolve(t *testing.T) {
	for _, c := range [][3]string{
		{"", "a/b.jpg", "a/b.jpg"},
		{"gs://bkt/cut/", "a/b.jpg", "gs://bkt/cut/a/b.jpg"},
		{"/data", "/abs/b.jpg", "/abs/b.jpg"},
		{"/data", "s3://b/k.jpg", "s3://b/k.jpg"},
	} {
		if got := resolve(c[0], c[1]); got != c[2] {
			t.Errorf("resolve(%q, %q) = %q, want %q", c[0], c[1], got, c[2])
		}
	}
}
