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

export {
  add,
  sub,
  mul,
  div,
  pow,
  floorDivide,
  mod,
  maximum,
  minimum,
  equal,
  notEqual,
  less,
  lessEqual,
  greater,
  greaterEqual,
  logicalAnd,
  logicalOr,
  addInPlace,
  subInPlace,
  mulInPlace,
  divInPlace,
  powInPlace,
  maximumInPlace,
  minimumInPlace,
} from './ops/binary.js';
export {
  neg,
  exp,
  log,
  sqrt,
  abs,
  sign,
  tanh,
  square,
  reciprocal,
  log1p,
  expm1,
  sin,
  cos,
  floor,
  ceil,
  round,
  logicalNot,
  isnan,
  isfinite,
} from './ops/unary.js';
export { clip, clipInPlace } from './ops/clip.js';
export { where } from './ops/where.js';
export {
  sum,
  prod,
  mean,
  max,
  min,
  any,
  all,
  variance,
  std,
  argmax,
  argmin,
  type ReduceOptions,
  type VarOptions,
  type ArgReduceOptions,
} from './ops/reduce.js';
export { dot, matmul } from './ops/matmul.js';
export { concatenate, stack, split } from './ops/join.js';
export { take, pick } from './ops/indexing.js';

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

export * from './layers/index.js';
export * from './nets/index.js';
export { gradcheck } from './gradient/gradcheck.js';
export * from './optim/index.js';
export * from './train/index.js';
export * from './data/index.js';
export { replaySeedNotebook, type SeedNotebookResult } from './examples/seed-notebook.js';
