/**
 * The layers of chapters 5 and 6, one file each, with the book's names.
 * @module
 */
export { AddLayer } from './add-layer.js';
export { Affine, type AffineInputGrad, type AffineOptions } from './affine.js';
export { BatchNormalization, type BatchNormalizationOptions } from './batch-normalization.js';
export { Convolution, type ConvolutionOptions } from './convolution.js';
export { Dropout, type DropoutOptions, type UniformSource } from './dropout.js';
export type { Labels, Layer } from './layer.js';
export { MulLayer } from './mul-layer.js';
export { Pooling, type PoolingOptions } from './pooling.js';
export { type ActivationLayerOptions, Relu } from './relu.js';
export { Sigmoid } from './sigmoid.js';
export { SoftmaxWithLoss, type SoftmaxWithLossOptions } from './softmax-with-loss.js';
