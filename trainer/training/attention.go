package training

import "github.com/hiwl/hiwl/model"

// AttentionRadius is the radius, as a fraction of the map's side, of the
// central disc that counts as "on the galaxy". Challenge cutouts centre
// the galaxy, and the framing step (model.Frame) crops tighter around small
// ones, so a disc of 0.3 of the side holds the galaxy of almost every
// cutout while leaving the corners, where neighbours and sky are, out. It
// is the measure the model issue used, so the numbers compare.
const AttentionRadius = 0.3

// attentionHow says in words what AttentionShare measures.
const attentionHow = "share of the predicted class's positive CAM mass within a central disc of radius 0.3 of the map's side, the map upsampled 4x bilinearly"

// AttentionShare is the share of a map's positive mass that lies within
// the central disc. The map is upsampled 4x (bilinear between cell
// centres, as the overlays draw it), so that the disc's edge does not
// depend on a 10x10 grid's cells. A map with no positive mass gives 0.
func AttentionShare(cam model.CAM) float64 {
	const up = 4
	n, side := cam.Side*up, cam.Side
	if side == 0 {
		return 0
	}
	at := func(x, y int) float64 {
		x, y = min(max(x, 0), side-1), min(max(y, 0), side-1)
		return float64(cam.Values[y*side+x])
	}
	var in, total float64
	for y := 0; y < n; y++ {
		fy := (float64(y)+0.5)/up - 0.5
		y0 := int(fy+1) - 1 // floor for fy >= -1
		ty := fy - float64(y0)
		for x := 0; x < n; x++ {
			fx := (float64(x)+0.5)/up - 0.5
			x0 := int(fx+1) - 1
			tx := fx - float64(x0)
			v := (1-ty)*((1-tx)*at(x0, y0)+tx*at(x0+1, y0)) + ty*((1-tx)*at(x0, y0+1)+tx*at(x0+1, y0+1))
			if v <= 0 {
				continue
			}
			total += v
			dx, dy := (float64(x)+0.5)/float64(n)-0.5, (float64(y)+0.5)/float64(n)-0.5
			if dx*dx+dy*dy <= AttentionRadius*AttentionRadius {
				in += v
			}
		}
	}
	if total == 0 {
		return 0
	}
	return in / total
}
