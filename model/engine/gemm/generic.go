package gemm

// genericNR is the tile width of the pure-Go micro-kernel.
const genericNR = 8

// maxMR bounds the panel height of every kernel (the generic kernel runs
// on any kernel's packing).
const maxMR = 16

// genericTiles runs the pure-Go micro-kernel over columns [0, n), n a
// multiple of genericNR, on panels of any height. Rows past M in the last
// panel are computed into a scratch tile and dropped.
func genericTiles(a Packed, b []float32, ldb, n int, c []float32, ldc int, ep Epilogue) {
	k, mr := a.K, a.mr
	var acc [maxMR][genericNR]float32
	for j := 0; j < n; j += genericNR {
		for i := 0; i < a.M; i += mr {
			ap := a.data[(i/mr)*mr*k : (i/mr+1)*mr*k]
			acc = [maxMR][genericNR]float32{}
			for kk := 0; kk < k; kk++ {
				bp := b[kk*ldb+j : kk*ldb+j+genericNR]
				a4 := ap[kk*mr : kk*mr+mr]
				for r := 0; r < mr; r++ {
					av := a4[r]
					row := &acc[r]
					for q := range row {
						row[q] += av * bp[q]
					}
				}
			}
			for r := 0; r < mr && i+r < a.M; r++ {
				at := (i+r)*ldc + j
				for q := 0; q < genericNR; q++ {
					c[at+q] = ep.apply(acc[r][q], i+r, at+q)
				}
			}
		}
	}
}
