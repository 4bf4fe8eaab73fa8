package hiwlnet

import (
	"fmt"

	"gonum.org/v1/gonum/blas"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Pointwise is a 1x1 convolution of x [B,Cin,H,W] by w [Cout,Cin,1,1]: for
// each image, the matrix product W·X with X the image as a Cin×HW matrix,
// which is how NCHW already lies in memory. gorgonia's Conv2d would copy
// the input through im2col and transpose the output back, which took
// most of an MBConv step's time (its 1x1 layers are most of the FLOPs).
// The products go through gorgonia's BLAS, so -blas applies to them.
func Pointwise(x, w *G.Node) (*G.Node, error) {
	xs, ws := x.Shape(), w.Shape()
	if len(xs) != 4 || len(ws) != 4 || ws[1] != xs[1] || ws[2] != 1 || ws[3] != 1 {
		return nil, fmt.Errorf("hiwlnet: 1x1 convolution of %v by %v", xs, ws)
	}
	b, cin, hw, cout := xs[0], xs[1], xs[2]*xs[3], ws[0]
	name := fmt.Sprintf("Pointwise%dx%dx%d->%d", b, cin, hw, cout)
	op := &kernel{name: name, in: []int{4, 4}, out: tensor.Shape{b, cout, xs[2], xs[3]},
		run: func(y []float32, in [][]float32) {
			x, w := in[0], in[1]
			for i := 0; i < b; i++ { // Y_i = W·X_i
				G.WhichBLAS().Sgemm(blas.NoTrans, blas.NoTrans, cout, hw, cin, 1, w, cin, x[i*cin*hw:], hw, 0, y[i*cout*hw:], hw)
			}
		}}
	op.grads = func(inputs G.Nodes, _, grad *G.Node) (G.Nodes, error) {
		dx, err := G.ApplyOp(&kernel{name: name + "GradX", in: []int{4, 4}, out: xs.Clone(),
			run: func(dx []float32, in [][]float32) {
				w, dy := in[0], in[1]
				for i := 0; i < b; i++ { // dX_i = Wᵀ·dY_i
					G.WhichBLAS().Sgemm(blas.Trans, blas.NoTrans, cin, hw, cout, 1, w, cin, dy[i*cout*hw:], hw, 0, dx[i*cin*hw:], hw)
				}
			}}, inputs[1], grad)
		if err != nil {
			return nil, err
		}
		dw, err := G.ApplyOp(&kernel{name: name + "GradW", in: []int{4, 4}, out: ws.Clone(),
			run: func(dw []float32, in [][]float32) {
				x, dy := in[0], in[1]
				for i := 0; i < b; i++ { // dW = sum over images of dY_i·X_iᵀ
					beta := float32(1)
					if i == 0 {
						beta = 0
					}
					G.WhichBLAS().Sgemm(blas.NoTrans, blas.Trans, cout, cin, hw, 1, dy[i*cout*hw:], hw, x[i*cin*hw:], hw, beta, dw, cin)
				}
			}}, inputs[0], grad)
		if err != nil {
			return nil, err
		}
		return G.Nodes{dx, dw}, nil
	}
	return G.ApplyOp(op, x, w)
}
