// Package pretrained starts an MBConv backbone from pretrained weights:
// Keras's ImageNet MobileNetV2 as the TF.js layers format stores it
// (model.json and binary shards, as npm's nsfwjs ships it; see
// scripts/mobilenet-v2-weights.mjs), copied into hiwlnet parameters of a
// backbone with the same blocks (ReLU6, no squeeze-excitation).
//
// The paper starts its EfficientNet-B1 from ImageNet weights; those
// cannot be fetched here, and MobileNetV2's are the ImageNet weights of an
// MBConv family that an npm package carries.
package pretrained
