package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hiwl/hiwl/model"
)

// runAsClassify makes the test binary act as the command, so that a test
// can kill a real run.
const runAsClassify = "HIWL_CLASSIFY_TEST_RUN_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(runAsClassify) == "1" {
		main()
	}
	os.Exit(m.Run())
}

// realImages returns n real 424x424 Galaxy Zoo JPEGs from ../shared.
func realImages(t testing.TB, n int) []string {
	t.Helper()
	var files []string
	for _, sub := range []string{"spirals", "non_spirals"} {
		m, _ := filepath.Glob(filepath.Join("..", "..", "..", "..", "shared", "data", "gz-challenge-spiral", "validation", sub, "*.jpg"))
		files = append(files, m...)
	}
	if len(files) < n {
		t.Fatalf("%d real images in ../shared/data, want %d (the repository expects shared/ beside it)", len(files), n)
	}
	return files[:n]
}

func classifier(t testing.TB) *model.Classifier {
	t.Helper()
	c, err := model.Default()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// cli runs the command in-process.
func cli(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

// folder holds three real galaxies, a file that is not an image and a
// note that is not named like one.
func folder(t *testing.T) (dir string, images []string) {
	t.Helper()
	dir = t.TempDir()
	for i, src := range realImages(t, 3) {
		data, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		name := filepath.Join(dir, "sub", []string{"a.jpg", "c.JPG", "d.jpeg"}[i])
		os.MkdirAll(filepath.Dir(name), 0o755)
		if err := os.WriteFile(name, data, 0o644); err != nil {
			t.Fatal(err)
		}
		images = append(images, name)
	}
	os.WriteFile(filepath.Join(dir, "sub", "b.png"), []byte("not a png"), 0o644)
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("skip me"), 0o644)
	return dir, images
}

func TestCSVColumnsAndRows(t *testing.T) {
	dir, images := folder(t)
	clf := classifier(t)
	code, stdout, stderr := cli(t, "", "-format", "csv", "-j", "3", dir)
	if code != exitFailed || !strings.Contains(stderr, "1 of 4 files failed") {
		t.Fatalf("exit %d, want 1 with the failure count; stderr:\n%s", code, stderr)
	}
	recs, err := csv.NewReader(strings.NewReader(stdout)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(recs[0], ","); got != "file,label,p_round,p_in_between,p_cigar,p_edge_on,p_spiral,a_in_between,a_merged,a_round,a_spiral,b_cigar,b_edge_on,domain_score,out_of_domain,model_version,error" {
		t.Fatalf("header %s", got)
	}
	// Folders recursively, lexical order, the note left out, the broken
	// file kept as an error row.
	want := []string{images[0], filepath.Join(dir, "sub", "b.png"), images[1], images[2]}
	if len(recs) != 1+len(want) {
		t.Fatalf("%d rows, want %d:\n%s", len(recs)-1, len(want), stdout)
	}
	for i, f := range want {
		rec := recs[1+i]
		if f == want[1] {
			if rec[0] != f || rec[1] != "" || !strings.Contains(rec[len(rec)-1], "not a JPEG, PNG or GIF") {
				t.Errorf("error row %q", rec)
			}
			continue
		}
		p, err := clf.ClassifyFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if exp := model.CSVRow(f, clf.Version(), p, nil); strings.Join(rec, ",") != strings.Join(exp, ",") {
			t.Errorf("row %d\n got %q\nwant %q", i, rec, exp)
		}
	}
	for _, c := range model.Classes {
		if !strings.Contains(stderr, c.Slug()) {
			t.Errorf("summary does not list %s:\n%s", c.Slug(), stderr)
		}
	}
}

func TestJSONLinesAndTable(t *testing.T) {
	dir, images := folder(t)
	clf := classifier(t)
	p, err := clf.ClassifyFile(images[0])
	if err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := cli(t, "", "-cam", images[0], filepath.Join(dir, "sub", "b.png"))
	if code != exitFailed {
		t.Fatalf("exit %d; stderr:\n%s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(lines) != 2 {
		t.Fatalf("jsonl:\n%s", stdout)
	}
	var l struct {
		File  string
		Error string
		model.Result
	}
	if err := json.Unmarshal([]byte(lines[0]), &l); err != nil {
		t.Fatal(err)
	}
	if l.File != images[0] || l.Class != p.Label.Slug() || l.Probabilities["spiral"] != p.Probabilities[model.Spiral] || l.CAM == nil ||
		l.Domain == nil || l.Domain.Score != float32(p.Domain.Score) || l.Domain.OutOfDomain != p.Domain.OutOfDomain {
		t.Errorf("jsonl line %s", lines[0])
	}
	if !strings.Contains(lines[1], `"error":"model: not a JPEG`) {
		t.Errorf("jsonl error line %s", lines[1])
	}

	code, stdout, _ = cli(t, "", "-format", "table", images[0], filepath.Join(dir, "sub", "b.png"))
	tl := strings.Split(strings.TrimSpace(stdout), "\n")
	if code != exitFailed || len(tl) != 3 || !strings.HasPrefix(tl[0], "file") ||
		!strings.Contains(tl[1], p.Label.Slug()) || !strings.Contains(tl[2], "error: ") ||
		!strings.Contains(tl[0], "domain") || !strings.Contains(tl[1], fmt.Sprintf("%.2f", p.Domain.Score)) {
		t.Errorf("table (exit %d):\n%s", code, stdout)
	}
}

func TestListAndStdin(t *testing.T) {
	dir, images := folder(t)
	list := filepath.Join(t.TempDir(), "paths.txt")
	os.WriteFile(list, []byte(images[2]+"\r\n\n"+images[0]+"\n"), 0o644)
	code, stdout, stderr := cli(t, images[1]+"\n", "-format", "csv", "-list", list, images[1])
	if code != exitOK {
		t.Fatalf("exit %d; stderr:\n%s", code, stderr)
	}
	recs, _ := csv.NewReader(strings.NewReader(stdout)).ReadAll()
	if len(recs) != 4 || recs[1][0] != images[1] || recs[2][0] != images[2] || recs[3][0] != images[0] {
		t.Fatalf("arguments then list lines, in order; got\n%s", stdout)
	}
	code, stdout, stderr = cli(t, images[1]+"\n"+dir+"\n", "-format", "csv", "-list", "-")
	recs, _ = csv.NewReader(strings.NewReader(stdout)).ReadAll()
	if code != exitFailed || len(recs) != 1+1+4 || recs[1][0] != images[1] {
		t.Fatalf("-list - (exit %d):\n%s\n%s", code, stdout, stderr)
	}
	code, _, stderr = cli(t, "", "-list", filepath.Join(dir, "missing.txt"))
	if code != exitUsage || !strings.Contains(stderr, "missing.txt") {
		t.Errorf("missing list: exit %d\n%s", code, stderr)
	}
}

func TestEmptyInputAndUsage(t *testing.T) {
	empty := t.TempDir()
	os.WriteFile(filepath.Join(empty, "readme.txt"), []byte("no images"), 0o644)
	for _, tt := range []struct {
		stdin string
		args  []string
		code  int
		want  string
	}{
		{"", []string{empty}, exitFailed, "no images in the inputs"},
		{"\n\n", []string{"-list", "-"}, exitFailed, "no images in the inputs"},
		{"", nil, exitUsage, "name image files or folders"},
		{"", []string{"-format", "xml", empty}, exitUsage, `-format "xml"`},
		{"", []string{"-resume", empty}, exitUsage, "-resume needs -o"},
		{"", []string{"-j", "0", empty}, exitUsage, "-j 0"},
		{"", []string{"-bogus"}, exitUsage, "flag provided but not defined"},
		{"", []string{"-h"}, exitOK, "Examples:"},
		{"", []string{"-model", filepath.Join(empty, "readme.txt"), empty}, exitFailed, "-model"},
	} {
		code, _, stderr := cli(t, tt.stdin, tt.args...)
		if code != tt.code || !strings.Contains(stderr, tt.want) {
			t.Errorf("classify %q: exit %d, want %d with %q; stderr:\n%s", tt.args, code, tt.code, tt.want, stderr)
		}
	}
}

// writeList writes the paths of a catalogue, one per line.
func writeList(t testing.TB, paths []string) string {
	t.Helper()
	list := filepath.Join(t.TempDir(), "paths.txt")
	if err := os.WriteFile(list, []byte(strings.Join(paths, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return list
}

func catalogue(t *testing.T, n int) []string {
	paths := realImages(t, n)
	bad := filepath.Join(t.TempDir(), "broken.jpg")
	os.WriteFile(bad, []byte("\xff\xd8\xff truncated"), 0o644)
	// A failure in the middle: error rows are part of what must match.
	return append(append(append([]string{}, paths[:n/2]...), bad), paths[n/2:]...)
}

// TestKilledRunResumesToSameCSV kills a real run (SIGKILL, mid-way) and
// resumes it; the result must equal an uninterrupted run byte for byte,
// whatever the number of workers of each.
func TestKilledRunResumesToSameCSV(t *testing.T) {
	list := writeList(t, catalogue(t, 120))
	dir := t.TempDir()
	full, part := filepath.Join(dir, "full.csv"), filepath.Join(dir, "part.csv")

	if code, _, stderr := cli(t, "", "-o", full, "-j", "3", "-list", list); code != exitFailed || !strings.Contains(stderr, "1 of 121 files failed") {
		t.Fatalf("uninterrupted run: exit %d\n%s", code, stderr)
	}

	cmd := exec.Command(os.Args[0], "-o", part, "-j", "2", "-chunk", "5", "-list", list)
	cmd.Env = append(os.Environ(), runAsClassify+"=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	killedAt := 0
	for deadline := time.Now().Add(2 * time.Minute); time.Now().Before(deadline) && killedAt == 0; time.Sleep(2 * time.Millisecond) {
		data, _ := os.ReadFile(part)
		if n := bytes.Count(data, []byte{'\n'}); n >= 1+15 {
			cmd.Process.Signal(syscall.SIGKILL)
			killedAt = n - 1
		}
	}
	err := <-exited
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("the run was not killed mid-way (%v; %d rows seen); stderr:\n%s", err, killedAt, stderr.String())
	}
	data, _ := os.ReadFile(part)
	rows := bytes.Count(data, []byte{'\n'}) - 1
	if rows >= 121 || rows%5 != 0 {
		t.Fatalf("killed run left %d rows; want whole chunks of 5 and fewer than 121", rows)
	}
	// A kill during a write leaves half a row: resuming must drop it.
	f, _ := os.OpenFile(part, os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString("../../shared/data/half-written.jpg,spi")
	f.Close()

	code, _, errOut := cli(t, "", "-o", part, "-resume", "-j", "1", "-list", list)
	if code != exitFailed || !strings.Contains(errOut, "1 of 121 files failed") || !strings.Contains(errOut, "kept from") {
		t.Fatalf("resumed run: exit %d\n%s", code, errOut)
	}
	want, _ := os.ReadFile(full)
	got, _ := os.ReadFile(part)
	if !bytes.Equal(got, want) {
		t.Fatalf("resumed CSV differs from the uninterrupted one (killed after %d rows)\n got %d bytes\nwant %d bytes", rows, len(got), len(want))
	}
	// Resuming a finished output classifies nothing and changes nothing.
	code, _, errOut = cli(t, "", "-o", part, "-resume", "-list", list)
	if got2, _ := os.ReadFile(part); code != exitFailed || !bytes.Equal(got2, want) || !strings.Contains(errOut, "121 kept") {
		t.Fatalf("second resume: exit %d, changed=%v\n%s", code, !bytes.Equal(got2, want), errOut)
	}
}

// TestResumeJSONLines cuts an output in the middle of a line, as a kill
// would, and resumes it in jsonl.
func TestResumeJSONLines(t *testing.T) {
	list := writeList(t, catalogue(t, 12))
	dir := t.TempDir()
	full, part := filepath.Join(dir, "full.jsonl"), filepath.Join(dir, "part.jsonl")
	if code, _, stderr := cli(t, "", "-o", full, "-list", list); code != exitFailed {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	want, _ := os.ReadFile(full)
	cut := bytes.Index(want, []byte("\n"))
	cut = cut + 1 + bytes.Index(want[cut+1:], []byte("\n")) + 1 + 40 // two lines and 40 bytes
	os.WriteFile(part, want[:cut], 0o644)
	if code, _, stderr := cli(t, "", "-o", part, "-resume", "-list", list); code != exitFailed || !strings.Contains(stderr, "2 kept") {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	if got, _ := os.ReadFile(part); !bytes.Equal(got, want) {
		t.Fatalf("resumed jsonl differs:\n%s\nwant\n%s", got, want)
	}
}

func TestResumeRefusesOtherOutputs(t *testing.T) {
	images := realImages(t, 3)
	dir := t.TempDir()
	out := filepath.Join(dir, "out.csv")
	if code, _, stderr := cli(t, "", "-o", out, images[0], images[1]); code != exitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	before, _ := os.ReadFile(out)
	// Other inputs than the run that wrote it.
	code, _, stderr := cli(t, "", "-o", out, "-resume", images[1], images[2])
	if code != exitFailed || !strings.Contains(stderr, "row 1 of") {
		t.Errorf("other inputs: exit %d\n%s", code, stderr)
	}
	// Fewer inputs than rows.
	code, _, stderr = cli(t, "", "-o", out, "-resume", images[0])
	if code != exitFailed || !strings.Contains(stderr, "after the last input") {
		t.Errorf("fewer inputs: exit %d\n%s", code, stderr)
	}
	if after, _ := os.ReadFile(out); !bytes.Equal(before, after) {
		t.Error("a refused resume changed the output")
	}
	// Made by another model: the rows would mix two models.
	other := strings.ReplaceAll(string(before), classifier(t).Version(), "hiwl-000000000000")
	os.WriteFile(out, []byte(other), 0o644)
	code, _, stderr = cli(t, "", "-o", out, "-resume", images[0], images[1], images[2])
	if code != exitFailed || !strings.Contains(stderr, "was made by model hiwl-000000000000") {
		t.Errorf("other model: exit %d\n%s", code, stderr)
	}
	// Not a hiwl CSV.
	foreign := filepath.Join(dir, "foreign.csv")
	os.WriteFile(foreign, []byte("id,ra,dec\n1,2,3\n"), 0o644)
	code, _, stderr = cli(t, "", "-o", foreign, "-resume", images[0])
	if code != exitFailed || !strings.Contains(stderr, "not a hiwl CSV") {
		t.Errorf("foreign CSV: exit %d\n%s", code, stderr)
	}
	if data, _ := os.ReadFile(foreign); string(data) != "id,ra,dec\n1,2,3\n" {
		t.Error("a foreign CSV was changed")
	}
}

func TestProgressLine(t *testing.T) {
	for _, tt := range []struct {
		done, total, fresh int64
		elapsed            time.Duration
		want               string
	}{
		{0, 100, 0, 0, "[..............................] 0/100  0.0 img/s  ETA --:--"},
		{50, 100, 50, 10 * time.Second, "[###############...............] 50/100  5.0 img/s  ETA 0:10"},
		{60, 100, 10, 2 * time.Second, "[##################............] 60/100  5.0 img/s  ETA 0:08"},
		{100, 100, 100, 20 * time.Second, "[##############################] 100/100  5.0 img/s  ETA 0:00"},
		{7, -1, 7, time.Second, "7 done  7.0 img/s"},
		{0, 40000, 1, time.Second, "[..............................] 0/40000  1.0 img/s  ETA 11:06:40"},
	} {
		if got := progressLine(tt.done, tt.total, tt.fresh, tt.elapsed); got != tt.want {
			t.Errorf("progressLine(%d, %d, %d, %v)\n got %q\nwant %q", tt.done, tt.total, tt.fresh, tt.elapsed, got, tt.want)
		}
	}
}
