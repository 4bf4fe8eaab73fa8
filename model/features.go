package model

// Features returns network A's pooled features: the global average of each
// channel of its last feature map, the vector its linear head classifies.
// The paper embeds these in 2-D to show how the classes separate.
func (p *Prediction) Features() []float32 {
	side := p.camSide
	plane := side * side
	out := make([]float32, p.classifier.channelsA)
	for k := range out {
		var s float32
		for _, v := range p.featA[k*plane : (k+1)*plane] {
			s += v
		}
		out[k] = s / float32(plane)
	}
	return out
}
