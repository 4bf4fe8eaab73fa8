package view

import (
	"image"
	"testing"

	"github.com/hiwl/hiwl/model"
	"github.com/hiwl/hiwl/viewer/gallery"
)

// BenchmarkRenderSettingChange is what a key press like ↑ or C costs: the
// scaled galaxy and upsampled map are cached, the frame is recomposed.
func BenchmarkRenderSettingChange(b *testing.B) {
	it := classified(b)
	s := baseState(it)
	dst := image.NewRGBA(image.Rect(0, 0, Width, Height))
	var r Renderer
	r.Render(dst, s)
	for b.Loop() {
		s.Opacity = 1.1 - s.Opacity
		r.Render(dst, s)
	}
}

// BenchmarkRenderNewImage is the cost of arriving at another image: scaling
// the galaxy and upsampling its map as well.
func BenchmarkRenderNewImage(b *testing.B) {
	it := classified(b)
	s := baseState(it)
	dst := image.NewRGBA(image.Rect(0, 0, Width, Height))
	var r Renderer
	for b.Loop() {
		r.scaledFor = nil
		s.Class = model.Classes[(int(s.Class)+1)%model.NumClasses]
		r.Render(dst, s)
	}
}

// BenchmarkRenderSheet is a full page of the contact sheet: 32 thumbnails
// scaled into their cells, badges and text, what every thumbnail that
// arrives costs. Compare it with BenchmarkRenderSettingChange.
func BenchmarkRenderSheet(b *testing.B) {
	it := classified(b)
	thumb := *it
	thumb.Image = image.NewRGBA(image.Rect(0, 0, ThumbSide, ThumbSide))
	Scale(thumb.Image, thumb.Image.Bounds(), it.Image)
	sh := &Sheet{Shown: SheetPage, Total: SheetPage, Known: SheetPage, Filter: gallery.Filter{All: true}}
	for k := range SheetPage {
		sh.Cells = append(sh.Cells, Cell{Index: k, Path: galaxy, Item: &thumb})
	}
	s := &State{Sheet: sh}
	dst := image.NewRGBA(image.Rect(0, 0, Width, Height))
	var r Renderer
	for b.Loop() {
		r.Render(dst, s)
	}
}
