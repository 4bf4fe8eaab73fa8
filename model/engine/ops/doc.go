// Package ops holds the inference kernels of hiwl's engine that are not a
// matrix multiply: im2col and depthwise convolution, pooling, softmax,
// broadcasting element-wise arithmetic and activations. Kernels work on flat
// float32 slices in NCHW order with shapes given by the caller; they never
// allocate, so a planned run allocates nothing.
package ops
