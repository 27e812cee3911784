/**
 * scratchnet: neural networks from scratch, with numpy's semantics. This entry is browser-safe
 * (no Node imports); Node-only parts (files, downloads) live in `scratchnet/node`.
 * @example
 * import { random, tensor, SimpleNet } from 'scratchnet';
 * random.seed(0);
 * const net = new SimpleNet();
 * console.log(net.loss(tensor([0.6, 0.9]), [2]));
 */
export type { DType, TypedArray } from './tensor/dtype.js';
export { promoteTypes } from './tensor/dtype.js';
export { Tensor, type TensorLike, type NestedArray } from './tensor/tensor.js';
export type { Index, Slice } from './tensor/view.js';
export { broadcastShapes } from './tensor/shape.js';
export {
  tensor,
  fromData,
  zeros,
  ones,
  full,
  empty,
  arange,
  linspace,
  eye,
  zerosLike,
  onesLike,
  fullLike,
} from './tensor/create.js';

export * from './ops/binary.js';
export * from './ops/unary.js';
export * from './ops/clip.js';
export * from './ops/where.js';
export * from './ops/reduce.js';
export * from './ops/matmul.js';
export * from './ops/join.js';
export * from './ops/indexing.js';

export * from './random/index.js';

export {
  identityFunction,
  stepFunction,
  sigmoid,
  sigmoidGrad,
  relu,
  reluGrad,
  softmax,
} from './functions/activations.js';
export { crossEntropyError, sumSquaredError, softmaxLoss, type Labels } from './functions/losses.js';
export {
  numericalDiff,
  numericalGradient,
  gradientDescent,
  NoEffectError,
  type NoEffectPolicy,
  type NumericalGradientOptions,
  type GradientDescentResult,
} from './gradient/numerical.js';
export { SimpleNet, type SimpleNetOptions } from './nets/simple-net.js';
