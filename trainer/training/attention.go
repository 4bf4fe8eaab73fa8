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
	in, total := discMass(cam.Side, cam.Values)
	if total == 0 {
		return 0
	}
	return in / total
}

// discMass is the positive mass of a side x side map, upsampled as
// AttentionShare says, within the central disc and in all.
func discMass(side int, values []float32) (in, total float64) {
	const up = 4
	n := side * up
	at := func(x, y int) float64 {
		x, y = min(max(x, 0), side-1), min(max(y, 0), side-1)
		return float64(values[y*side+x])
	}
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
	return in, total
}

// attentionCells are the cell weights of hiwlnet.AttentionPenalty for a
// side x side map: how much of a unit of mass in one cell lands off the
// disc and in all once upsampled. For a map with no negative cells, the
// penalty is then exactly 1 - AttentionShare; clipping before or after the
// upsampling is the only difference elsewhere.
func attentionCells(side int) (off, total []float32) {
	off, total = make([]float32, side*side), make([]float32, side*side)
	unit := make([]float32, side*side)
	for p := range unit {
		unit[p] = 1
		in, all := discMass(side, unit)
		unit[p] = 0
		off[p], total[p] = float32(all-in), float32(all)
	}
	return off, total
}
