package webapi

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/png"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/hiwl/hiwl/model"
)

// Real images: the page's bundled examples and one from the shared set
// (../shared/data from the repository root).
var realImages = []string{
	"../../static/examples/848953.jpg",
	"../../static/examples/395316.jpg",
	"../../../../shared/data/gz-challenge-spiral/validation/non_spirals/178752.jpg",
}

func classifier(t *testing.T) *model.Classifier {
	t.Helper()
	c, err := model.Default()
	if err != nil {
		t.Fatalf("model.Default: %v", err)
	}
	return c
}

func read(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// The answer must carry exactly what the native classifier says about the
// same bytes, plus the five maps and the crop.
func TestClassifyMatchesNative(t *testing.T) {
	c := classifier(t)
	for _, name := range realImages {
		t.Run(filepath.Base(name), func(t *testing.T) {
			data := read(t, name)
			a, err := Classify(c, data)
			if err != nil {
				t.Fatal(err)
			}
			p, err := c.Classify(data)
			if err != nil {
				t.Fatal(err)
			}
			if want := p.Result(true); !reflect.DeepEqual(a.Result, want) {
				t.Errorf("result differs from native:\n got %+v\nwant %+v", a.Result, want)
			}
			full, err := model.Decode(data)
			if err != nil {
				t.Fatal(err)
			}
			img, scale, err := model.DecodeFor(data, c.InputSize())
			if err != nil {
				t.Fatal(err)
			}
			if scale != 2 { // 424x424 Galaxy Zoo cutouts, a 64-pixel network
				t.Errorf("decoded at 1/%d, want 1/2", scale)
			}
			// the crop the network took, in the file's pixels
			crop := model.Frame(img)
			if got := (Rect{scale * crop.Min.X, scale * crop.Min.Y, scale * crop.Dx(), scale * crop.Dy()}); a.Crop != got {
				t.Errorf("crop %+v, want %+v", a.Crop, got)
			}
			if a.Image != (Size{full.Bounds().Dx(), full.Bounds().Dy()}) {
				t.Errorf("image size %+v, want the file's %v", a.Image, full.Bounds().Size())
			}
			if a.InputSize != c.InputSize() {
				t.Errorf("input size %d, want %d", a.InputSize, c.InputSize())
			}
			checkCAMs(t, a, p)
		})
	}
}

func checkCAMs(t *testing.T, a *Answer, p *model.Prediction) {
	t.Helper()
	if len(a.CAMs) != model.NumClasses {
		t.Fatalf("%d CAMs, want %d", len(a.CAMs), model.NumClasses)
	}
	for _, cl := range model.Classes {
		got, ok := a.CAMs[cl.Slug()]
		if !ok {
			t.Fatalf("no CAM for %s", cl.Slug())
		}
		want := p.CAM(cl)
		if got.Class != cl.Slug() || got.Side != want.Side || !reflect.DeepEqual(got.Values, want.Normalized()) {
			t.Errorf("CAM %s: got class %q side %d, want the model's normalised map of side %d", cl.Slug(), got.Class, got.Side, want.Side)
		}
	}
	if pred := a.CAMs[a.Class]; !reflect.DeepEqual(pred.Values, a.CAM.Values) {
		t.Errorf("the predicted class's map in cams differs from result.cam")
	}
}

// A wide image's crop is the centred square of its shorter side, in image
// coordinates, which is where the page draws the map.
func TestClassifyNonSquare(t *testing.T) {
	c := classifier(t)
	img := image.NewRGBA(image.Rect(0, 0, 300, 200))
	for y := 0; y < 200; y++ {
		for x := 0; x < 300; x++ {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), uint8(x + y), 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	a, err := Classify(c, buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	short := 200.0 // a variable, as CenterCrop computes at run time
	side := int(short*model.EvalCropFraction + 0.5)
	want := Rect{X: (300 - side) / 2, Y: (200 - side) / 2, Width: side, Height: side}
	if a.Crop != want || a.Image != (Size{300, 200}) {
		t.Errorf("crop %+v in %+v, want %+v in 300x200", a.Crop, a.Image, want)
	}
}

func TestFailures(t *testing.T) {
	c := classifier(t)
	jpeg := read(t, realImages[0])
	cases := []struct {
		name, code string
		data       []byte
	}{
		{"empty", "empty", nil},
		{"text", "not_image", []byte("hello, I am not a picture\n")},
		{"truncated jpeg", "corrupt", jpeg[:len(jpeg)/3]},
		{"tiny png", "too_small", encodePNG(t, 4, 4)},
		{"huge png header", "too_large", pngHeader(9000, 9000)},
		{"over the byte limit", "file_too_large", make([]byte, MaxFileBytes+1)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Classify(c, tc.data)
			f, ok := err.(*Failure)
			if !ok {
				t.Fatalf("err = %v (%T), want *Failure", err, err)
			}
			if f.Code != tc.code || f.Message == "" || f.Detail == "" {
				t.Errorf("failure %+v, want code %q with a message and detail", f, tc.code)
			}
			var got Failure
			if err := json.Unmarshal(Respond(c, tc.data), &got); err != nil {
				t.Fatal(err)
			}
			if got != *f {
				t.Errorf("Respond gave %+v, want %+v", got, *f)
			}
		})
	}
}

func TestRespondShape(t *testing.T) {
	c := classifier(t)
	var m map[string]json.RawMessage
	if err := json.Unmarshal(Respond(c, read(t, realImages[0])), &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"label", "class", "probabilities", "hierarchy", "model_version", "cam", "cams", "crop", "image", "input_size"} {
		if _, ok := m[k]; !ok {
			t.Errorf("answer has no %q", k)
		}
	}
	if _, ok := m["error"]; ok {
		t.Errorf("a successful answer has an error field")
	}
}

func TestPanicked(t *testing.T) {
	var f Failure
	if err := json.Unmarshal(Panicked("index out of range"), &f); err != nil {
		t.Fatal(err)
	}
	if f.Code != "internal" || f.Message == "" || f.Detail != "panic: index out of range" {
		t.Errorf("got %+v", f)
	}
}

func TestDescribe(t *testing.T) {
	c := classifier(t)
	var in Info
	if err := json.Unmarshal(Describe(c), &in); err != nil {
		t.Fatal(err)
	}
	if in.ModelVersion != c.Version() || in.InputSize != c.InputSize() {
		t.Errorf("version %q size %d, want %q %d", in.ModelVersion, in.InputSize, c.Version(), c.InputSize())
	}
	if len(in.Classes) != model.NumClasses {
		t.Fatalf("%d classes", len(in.Classes))
	}
	for i, cl := range model.Classes {
		if in.Classes[i] != (model.ClassInfo{Class: cl.Slug(), Label: cl.String()}) {
			t.Errorf("class %d = %+v, want %s", i, in.Classes[i], cl.Slug())
		}
	}
	if !reflect.DeepEqual(in.NetworkA, model.ANames[:]) || !reflect.DeepEqual(in.NetworkB, model.BNames[:]) {
		t.Errorf("network names %v %v", in.NetworkA, in.NetworkB)
	}
	if in.MaxFileBytes != MaxFileBytes || in.Limits.MinSide != model.MinSide || in.Limits.MaxSide != model.MaxSide {
		t.Errorf("limits %+v, max file %d", in.Limits, in.MaxFileBytes)
	}
	if !reflect.DeepEqual(in.CSVHeader, model.CSVHeader) {
		t.Errorf("csv_header %v", in.CSVHeader)
	}
	// The same Description as the edge's GET /model: one shape.
	if !reflect.DeepEqual(in.Description, c.Describe()) {
		t.Errorf("page info %+v differs from model.Describe %+v", in.Description, c.Describe())
	}
}

// TestDescribeIsMarshal: the hand-written encoding of Info is
// json.Marshal's, byte for byte, for the embedded model and for values
// that need escaping or hold nil slices. A field added to Info or
// model.Description without being added to appendInfo fails here.
func TestDescribeIsMarshal(t *testing.T) {
	c := classifier(t)
	infos := []Info{
		{Description: c.Describe(), MaxFileBytes: MaxFileBytes, CSVHeader: model.CSVHeader},
		{
			Description: model.Description{
				ModelVersion: "quote \\ \" tab\t nul \x00 é 銀河",
				InputSize:    -3,
				CropFraction: 1e-9,
				Classes:      []model.ClassInfo{{Class: "a\nb", Label: ""}},
				NetworkB:     []string{},
				Limits:       model.ImageLimits{MaxSide: 1 << 40},
			},
			CSVHeader: []string{"", "x,y"},
		},
		{},
	}
	for i, info := range infos {
		want, err := json.Marshal(info)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendInfo(nil, info); !bytes.Equal(got, want) {
			t.Errorf("info %d:\n got %s\nwant %s", i, got, want)
		}
	}
}

// TestEncodingIsMarshal: the hand-written JSON of answers, results and
// failures is json.Marshal's, byte for byte: for real answers, and for
// values that need escaping, that sit at the edges of the float formats,
// or are nil or omitted. A field added to one of these types without being
// added to encode.go fails here.
func TestEncodingIsMarshal(t *testing.T) {
	c := classifier(t)
	var answers []*Answer
	for _, name := range realImages {
		a, err := Classify(c, read(t, name))
		if err != nil {
			t.Fatal(err)
		}
		answers = append(answers, a)
	}
	odd := "<a href=\"x\">&</a> \b\f\n\r\t\x00\x1f\x7f é \u2028\u2029 \xff\xfe 銀河 \U0001F30C"
	floats := []float32{0, float32(math.Copysign(0, -1)), 1e-45, 9.99e-7, 1e-6, 0.1, 1.0 / 3, 6, 123456789, 9.99e20, 1e21, math.MaxFloat32, -2.5e-8}
	probs := map[string]float32{}
	for i, f := range floats {
		probs[fmt.Sprintf("k%02d%s", i, odd[i:i+1])] = f
	}
	synthetic := &Answer{
		Result: model.Result{
			Label: odd, Class: "", Probabilities: probs,
			Hierarchy:    model.Hierarchy{A: map[string]float32{}, ADecision: odd, BDecision: "x"},
			ModelVersion: odd,
			Domain:       &model.DomainResult{Score: 1e-7, OutOfDomain: true, Distance: 3e22, Crowding: -0.5},
			CAM:          &model.CAMResult{Class: odd, Side: -1},
			LabelNote:    odd,
		},
		CAMs:      map[string]model.CAMResult{odd: {Values: floats}, "": {Values: []float32{}}},
		Crop:      Rect{X: -1, Y: 1 << 40},
		InputSize: 64,
	}
	answers = append(answers, synthetic, &Answer{})
	for i, a := range answers {
		want, err := json.Marshal(a)
		if err != nil {
			t.Fatal(err)
		}
		got, err := appendAnswer(nil, a)
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("answer %d (%v):\n got %s\nwant %s", i, err, got, want)
		}
		want, _ = json.Marshal(a.Result)
		if got, err := appendResult(nil, &a.Result); err != nil || !bytes.Equal(got, want) {
			t.Errorf("result %d (%v):\n got %s\nwant %s", i, err, got, want)
		}
	}
	for _, f := range []*Failure{{Code: "bad_input", Message: odd, Detail: odd}, {}} {
		want, _ := json.Marshal(f)
		if got := appendFailure(nil, f); !bytes.Equal(got, want) {
			t.Errorf("failure:\n got %s\nwant %s", got, want)
		}
	}
	// Strings of random bytes, valid UTF-8 or not.
	r := rand.New(rand.NewPCG(3, 4))
	for range 3000 {
		b := make([]byte, r.IntN(12))
		for i := range b {
			b[i] = byte(r.IntN(256))
			if r.IntN(3) == 0 {
				b[i] = "<>&\"\\\x00\xe2\x80\xa8"[r.IntN(9)]
			}
		}
		want, _ := json.Marshal(string(b))
		e := encoder{}
		if e.str(string(b)); !bytes.Equal(e.b, want) {
			t.Fatalf("%q:\n got %s\nwant %s", b, e.b, want)
		}
	}
	// Random float32s, and the refusals of the values JSON has no number for.
	for range 3000 {
		f := math.Float32frombits(r.Uint32())
		want, werr := json.Marshal(f)
		e := encoder{}
		e.f32(f)
		if (werr != nil) != (e.err != nil) || werr == nil && !bytes.Equal(e.b, want) {
			t.Fatalf("%v: got %s (%v), want %s (%v)", f, e.b, e.err, want, werr)
		}
	}
	nan := &Answer{Result: model.Result{Probabilities: map[string]float32{"x": float32(math.NaN())}}}
	if _, err := appendAnswer(nil, nan); err == nil {
		t.Error("a NaN probability was encoded")
	}
}

// TestNoEncodingJSON: the wasm module links no encoding/json (encode.go
// says why); a new import of it anywhere under the module fails here.
func TestNoEncodingJSON(t *testing.T) {
	cmd := exec.Command("go", "list", "-deps", "github.com/hiwl/hiwl/wasm")
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	out, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			t.Fatalf("go list: %v\n%s", err, ee.Stderr)
		}
		t.Skipf("no go command: %v", err)
	}
	for _, p := range strings.Fields(string(out)) {
		if strings.HasPrefix(p, "encoding/json") {
			t.Errorf("the wasm module depends on %s", p)
		}
	}
}

func encodePNG(t *testing.T, w, h int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewGray(image.Rect(0, 0, w, h))); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// pngHeader is a PNG signature and IHDR claiming w x h pixels and nothing
// more: enough for image.DecodeConfig, and no pixel memory.
func pngHeader(w, h uint32) []byte {
	var ihdr [13]byte
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 2 // 8-bit RGB
	chunk := append([]byte("IHDR"), ihdr[:]...)
	out := []byte("\x89PNG\r\n\x1a\n")
	out = binary.BigEndian.AppendUint32(out, uint32(len(ihdr)))
	out = append(out, chunk...)
	return binary.BigEndian.AppendUint32(out, crc32.ChecksumIEEE(chunk))
}

// BenchmarkRespond is the per-image work of the wasm module, run natively,
// for comparison with the in-browser latency (wasm/test/bench.mjs).
func BenchmarkRespond(b *testing.B) {
	c, err := model.Default()
	if err != nil {
		b.Fatal(err)
	}
	data, err := os.ReadFile(realImages[0])
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		Respond(c, data)
	}
}
