package model

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	_ "image/gif"  // GIF is one of the accepted upload formats
	_ "image/jpeg" // headers, and four-component JPEGs
	_ "image/png"

	"github.com/hiwl/hiwl/model/internal/jpeg"
	"golang.org/x/image/draw"
)

// Limits on what Decode accepts. The header is read first, so an image that
// claims to be 60000x60000 is refused before any pixel memory is allocated.
const (
	MaxSide   = 8192        // longest accepted width or height, in pixels
	MaxPixels = 4096 * 4096 // largest accepted width*height
	MinSide   = 8           // smaller images carry no morphology
)

// EvalCropFraction is the paper's evaluation crop, 240 of the 424x424
// Challenge images; for other image sizes the same fraction of the shorter
// side is used. (The paper crops 256 before its training augmentations; the
// trainer draws its own crops around this one.)
const EvalCropFraction = 240.0 / 424.0

// Mean and Std are the per-channel normalisation of the HIWL training code
// (galaxy images are mostly dark sky, hence the small values).
var (
	Mean = [3]float32{0.046, 0.041, 0.030}
	Std  = [3]float32{0.090, 0.075, 0.065}
)

// Errors returned by Decode; wrap-checked with errors.Is.
var (
	ErrEmpty    = errors.New("model: empty image data")
	ErrNotImage = errors.New("model: not a JPEG, PNG or GIF image")
	ErrTooLarge = errors.New("model: image dimensions over the limit")
	ErrTooSmall = errors.New("model: image dimensions under the limit")
	ErrCorrupt  = errors.New("model: image data is truncated or corrupt")
)

// Decode checks the header of a JPEG, PNG or GIF image against the size
// limits and only then decodes its pixels, at full size. A classifier's
// input comes from DecodeFor instead.
func Decode(data []byte) (image.Image, error) {
	img, _, err := decode(data, 0)
	return img, err
}

// DecodeFor decodes image data for a network of input side size: Decode,
// except that a JPEG with more pixels than the network's crop can use is
// decoded at 1/2, 1/4 or 1/8 of its size in each direction (DCT scaling:
// model/internal/jpeg): the smallest of those sizes that still keeps
// DecodeMargin pixels of the fixed centre crop per input pixel. A 424x424
// Galaxy Zoo image with a 64-pixel network decodes at 212x212, in about
// half the time, and the resize then reads a quarter of the pixels.
// scale is that denominator (1 for full size, and for PNG and GIF): the
// image's pixel (x, y) stands for the file's (scale*x, scale*y). Every
// runtime classifies what DecodeFor returns, so they agree.
func DecodeFor(data []byte, size int) (img image.Image, scale int, err error) {
	return decode(data, size)
}

// DecodeMargin is how many decoded pixels of the fixed centre crop
// (EvalCropFraction) DecodeFor keeps per network input pixel: enough for
// the bilinear resize to average over every output pixel's footprint, and
// for Frame's tighter crops (down to half the fixed one) to stay near one.
const DecodeMargin = 1.5

// decodeScale is the JPEG scale denominator DecodeFor uses for a w x h
// image and input side size; size 0 asks for full size.
func decodeScale(w, h, size int) int {
	if size <= 0 {
		return 1
	}
	need := DecodeMargin * float64(size) / EvalCropFraction // shorter side wanted
	d := 1
	for d < 8 && float64(min(w, h))/float64(2*d) >= need {
		d *= 2
	}
	return d
}

func decode(data []byte, size int) (image.Image, int, error) {
	if len(data) == 0 {
		return nil, 0, ErrEmpty
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		if errors.Is(err, image.ErrFormat) {
			return nil, 0, ErrNotImage
		}
		return nil, 0, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	if cfg.Width > MaxSide || cfg.Height > MaxSide || cfg.Width*cfg.Height > MaxPixels {
		return nil, 0, fmt.Errorf("%w: %s is %dx%d, limit is %d per side and %d pixels",
			ErrTooLarge, format, cfg.Width, cfg.Height, MaxSide, MaxPixels)
	}
	if cfg.Width < MinSide || cfg.Height < MinSide {
		return nil, 0, fmt.Errorf("%w: %s is %dx%d, need at least %dx%d",
			ErrTooSmall, format, cfg.Width, cfg.Height, MinSide, MinSide)
	}
	var img image.Image
	scale := 1
	if format == "jpeg" && cfg.ColorModel != color.CMYKModel {
		// image/jpeg's pixels, faster, and at a reduced scale when asked
		// (model/internal/jpeg)
		scale = decodeScale(cfg.Width, cfg.Height, size)
		img, err = jpeg.DecodeScaled(bytes.NewReader(data), scale)
		if err == nil && img.Bounds().Dx() == cfg.Width {
			scale = 1 // sampling factors the scaled decode leaves at full size
		}
	} else {
		img, _, err = image.Decode(bytes.NewReader(data))
	}
	if err != nil {
		return nil, 0, fmt.Errorf("%w: %s: %v", ErrCorrupt, format, err)
	}
	return img, scale, nil
}

// CenterCrop returns the centred square covering fraction of the shorter side.
func CenterCrop(img image.Image, fraction float64) image.Rectangle {
	b := img.Bounds()
	short := min(b.Dx(), b.Dy())
	side := max(1, int(float64(short)*fraction+0.5))
	x0 := b.Min.X + (b.Dx()-side)/2
	y0 := b.Min.Y + (b.Dy()-side)/2
	return image.Rect(x0, y0, x0+side, y0+side)
}

// Resize scales the src rectangle of img to a size x size RGBA image with
// bilinear filtering (x/image/draw widens the kernel when shrinking, so
// downscaling is anti-aliased). JPEGs take a faster path with the same
// output bytes (bilinearYCbCr).
func Resize(img image.Image, src image.Rectangle, size int) *image.RGBA {
	dst := image.NewRGBA(image.Rect(0, 0, size, size))
	if y, ok := img.(*image.YCbCr); ok && bilinearYCbCr(dst, y, src) {
		return dst
	}
	draw.BiLinear.Scale(dst, dst.Bounds(), img, src, draw.Src, nil)
	return dst
}

// Normalize turns an RGBA image into the network's CHW float32 layout,
// scaled to [0,1] and standardised with Mean and Std. Alpha is ignored
// (transparent pixels are already premultiplied to black).
func Normalize(img *image.RGBA) []float32 {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	out := make([]float32, 3*w*h)
	plane := w * h
	for y := 0; y < h; y++ {
		row := img.Pix[(y)*img.Stride:]
		for x := 0; x < w; x++ {
			px := row[4*x : 4*x+3]
			for c := 0; c < 3; c++ {
				out[c*plane+y*w+x] = (float32(px[c])/255 - Mean[c]) / Std[c]
			}
		}
	}
	return out
}

// Preprocess is the one evaluation preprocessing of every runtime: the
// auto-framed centre crop (Frame: 240/424 of the shorter side for a
// Challenge-framed galaxy, tighter for a loosely framed one), bilinear
// resize to size x size, normalise. It returns a 3*size*size CHW tensor.
func Preprocess(img image.Image, size int) []float32 {
	x, _, _ := preprocess(img, size)
	return x
}

// preprocess is Preprocess that also returns the crop it took and the
// scene the framing step measured, which the in-domain score reads.
func preprocess(img image.Image, size int) ([]float32, image.Rectangle, scene) {
	s := measure(img)
	crop := frameOf(img, s)
	return Normalize(Resize(img, crop, size)), crop, s
}

// PreprocessBytes is DecodeFor followed by Preprocess; it also returns the
// decoded image (for overlays).
func PreprocessBytes(data []byte, size int) ([]float32, image.Image, error) {
	img, _, err := DecodeFor(data, size)
	if err != nil {
		return nil, nil, err
	}
	return Preprocess(img, size), img, nil
}
