// Package negatives makes pictures that are not Galaxy Zoo-style galaxy
// cutouts, to fit and test the model's in-domain score against: procedural
// pictures (gradients, noise, text, geometric shapes), real galaxies shown
// at a scale the catalogue never uses (heavily zoomed-in crops) or several
// of them in one picture, and photographs read from folders (scikit-image's
// sample images from Debian's python3-skimage, Go's own image test data).
// Everything is generated or read locally: nothing is downloaded.
package negatives

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/image/draw"
	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// Side is the side of generated pictures: that of a Challenge cutout.
const Side = 424

// Sample is one negative picture and what kind of picture it is.
type Sample struct {
	Kind  string // gradient, noise, text, shapes, zoom, crowd, photo
	Name  string // a file name or a seed
	Image image.Image
}

// Procedural kinds, in the order Procedural cycles through them.
var ProceduralKinds = []string{"gradient", "noise", "text", "shapes"}

// Procedural returns n pictures, cycling through ProceduralKinds, each
// drawn from its own seed (seed+i): the same seed gives the same pictures.
func Procedural(n int, seed uint64) []Sample {
	out := make([]Sample, 0, n)
	for i := range n {
		s := seed + uint64(i)
		r := rand.New(rand.NewPCG(s, 0x6e6567))
		kind := ProceduralKinds[i%len(ProceduralKinds)]
		var img image.Image
		switch kind {
		case "gradient":
			img = gradient(r)
		case "noise":
			img = noise(r)
		case "text":
			img = text(r)
		case "shapes":
			img = shapes(r)
		}
		out = append(out, Sample{Kind: kind, Name: fmt.Sprintf("%s-%d", kind, s), Image: img})
	}
	return out
}

func randColor(r *rand.Rand) color.RGBA {
	return color.RGBA{uint8(r.IntN(256)), uint8(r.IntN(256)), uint8(r.IntN(256)), 255}
}

func lerp(a, b uint8, t float64) uint8 { return uint8(float64(a) + (float64(b)-float64(a))*t + 0.5) }

// gradient is a linear or radial blend of two random colours; a radial one
// with a dark rim is the closest a plain picture comes to a smooth galaxy.
func gradient(r *rand.Rand) image.Image {
	img := image.NewRGBA(image.Rect(0, 0, Side, Side))
	c0, c1 := randColor(r), randColor(r)
	radial := r.IntN(2) == 0
	ang := r.Float64() * 2 * math.Pi
	dx, dy := math.Cos(ang), math.Sin(ang)
	for y := range Side {
		for x := range Side {
			u, v := float64(x)/Side-0.5, float64(y)/Side-0.5
			var t float64
			if radial {
				t = min(1, 2*math.Hypot(u, v))
			} else {
				t = min(1, max(0, 0.5+u*dx+v*dy))
			}
			img.SetRGBA(x, y, color.RGBA{lerp(c0.R, c1.R, t), lerp(c0.G, c1.G, t), lerp(c0.B, c1.B, t), 255})
		}
	}
	return img
}

// noise is uniform or Gaussian noise, colour or grey, at a random level
// and spread, sometimes dark like the sky.
func noise(r *rand.Rand) image.Image {
	img := image.NewRGBA(image.Rect(0, 0, Side, Side))
	mean, sd := r.Float64()*255, 5+r.Float64()*80
	grey := r.IntN(2) == 0
	for i := 0; i < len(img.Pix); i += 4 {
		var c [3]uint8
		for k := range c {
			if k > 0 && grey {
				c[k] = c[0]
				continue
			}
			c[k] = uint8(min(255, max(0, mean+sd*r.NormFloat64())))
		}
		img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = c[0], c[1], c[2], 255
	}
	return img
}

var words = strings.Fields("the quick brown fox jumps over a lazy dog galaxy zoo spiral round smooth " +
	"edge on cigar shaped classify image upload screenshot phone photo moon hubble star hello world")

// text is a few lines of words in Go's own font on a plain background:
// what a screenshot of a document looks like.
func text(r *rand.Rand) image.Image {
	img := image.NewRGBA(image.Rect(0, 0, Side, Side))
	bg, fg := randColor(r), randColor(r)
	if r.IntN(2) == 0 {
		bg, fg = color.RGBA{255, 255, 255, 255}, color.RGBA{0, 0, 0, 255}
	}
	draw.Draw(img, img.Bounds(), image.NewUniform(bg), image.Point{}, draw.Src)
	f, _ := opentype.Parse(goregular.TTF)
	size := 14 + r.Float64()*40
	face, err := opentype.NewFace(f, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingFull})
	if err != nil {
		panic(err) // the embedded font parses
	}
	defer face.Close()
	d := font.Drawer{Dst: img, Src: image.NewUniform(fg), Face: face}
	for y := size; y < Side; y += size * 1.3 {
		var line []string
		for range 2 + r.IntN(6) {
			line = append(line, words[r.IntN(len(words))])
		}
		d.Dot = fixed.P(5+r.IntN(30), int(y))
		d.DrawString(strings.Join(line, " "))
	}
	return img
}

// shapes is filled discs, rings and rectangles of random colours on a
// random background, sometimes a black one.
func shapes(r *rand.Rand) image.Image {
	img := image.NewRGBA(image.Rect(0, 0, Side, Side))
	bg := randColor(r)
	if r.IntN(3) == 0 {
		bg = color.RGBA{0, 0, 0, 255}
	}
	draw.Draw(img, img.Bounds(), image.NewUniform(bg), image.Point{}, draw.Src)
	for range 1 + r.IntN(6) {
		c := randColor(r)
		cx, cy := r.Float64()*Side, r.Float64()*Side
		a, b := 10+r.Float64()*Side/3, 10+r.Float64()*Side/3
		kind := r.IntN(3)
		for y := range Side {
			for x := range Side {
				u, v := (float64(x)-cx)/a, (float64(y)-cy)/b
				in := false
				switch kind {
				case 0:
					in = u*u+v*v <= 1
				case 1:
					d := u*u + v*v
					in = d <= 1 && d >= 0.6
				case 2:
					in = math.Abs(u) <= 1 && math.Abs(v) <= 1
				}
				if in {
					img.SetRGBA(x, y, c)
				}
			}
		}
	}
	return img
}

// Zoom shows the central 1/factor of img's side scaled back to Side: a
// galaxy far bigger in the frame than any catalogue cutout shows it.
func Zoom(img image.Image, factor float64) image.Image {
	b := img.Bounds()
	w, h := int(float64(b.Dx())/factor), int(float64(b.Dy())/factor)
	min0 := image.Pt(b.Min.X+(b.Dx()-w)/2, b.Min.Y+(b.Dy()-h)/2)
	src := image.Rectangle{Min: min0, Max: min0.Add(image.Pt(w, h))}
	out := image.NewRGBA(image.Rect(0, 0, Side, Side))
	draw.BiLinear.Scale(out, out.Bounds(), img, src, draw.Src, nil)
	return out
}

// Crowd tiles imgs (k*k of them) into one Side x Side picture: several
// bright objects of similar size, none of them central.
func Crowd(imgs []image.Image) image.Image {
	k := int(math.Ceil(math.Sqrt(float64(len(imgs)))))
	out := image.NewRGBA(image.Rect(0, 0, Side, Side))
	cell := Side / k
	for i, img := range imgs {
		x, y := (i%k)*cell, (i/k)*cell
		draw.BiLinear.Scale(out, image.Rect(x, y, x+cell, y+cell), img, img.Bounds(), draw.Src, nil)
	}
	return out
}

// imageExts are the formats model.Decode reads.
var imageExts = []string{".jpg", ".jpeg", ".png", ".gif"}

// Files lists the image files in dir (not its subfolders), sorted.
func Files(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries {
		if !e.IsDir() && slices.Contains(imageExts, strings.ToLower(filepath.Ext(e.Name()))) {
			out = append(out, filepath.Join(dir, e.Name()))
		}
	}
	return out, nil
}
