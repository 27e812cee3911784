/**
 * scratchnet: neural networks from scratch, with numpy's semantics. This entry is browser-safe
 * (no Node imports); Node-only parts (files, downloads) live in `scratchnet/node`.
 * @example
 * import { random, tensor, SimpleNet } from 'scratchnet';
 * random.seed(0);
 * const net = new SimpleNet();
 * console.log(net.loss(tensor([0.6, 0.9]), [2]));
 */

export * from './data/index.js';
export { replaySeedNotebook, type SeedNotebookResult } from './examples/seed-notebook.js';
export {
  identityFunction,
  relu,
  reluGrad,
  sigmoid,
  sigmoidGrad,
  softmax,
  stepFunction,
} from './functions/activations.js';
export { crossEntropyError, type Labels, softmaxLoss, sumSquaredError } from './functions/losses.js';
export {
  formatGradcheckReport,
  GradcheckError,
  type GradcheckOptions,
  type GradcheckReport,
  type GradcheckTensorReport,
  gradcheck,
  gradcheckLayer,
  gradcheckNet,
} from './gradient/gradcheck.js';
export {
  type GradientDescentResult,
  gradientDescent,
  NoEffectError,
  type NoEffectPolicy,
  type NumericalGradientOptions,
  numericalDiff,
  numericalGradient,
} from './gradient/numerical.js';
export * from './io/index.js';
export {
  type BackendChoice,
  type BackendName,
  getBackend,
  getBackendChoice,
  getThreads,
  initWasm,
  setBackend,
  setThreads,
  wasmUnavailableReason,
} from './kernels/index.js';
export * from './layers/index.js';
export * from './nets/index.js';
export { SimpleNet, type SimpleNetOptions } from './nets/simple-net.js';
export {
  add,
  addInPlace,
  div,
  divInPlace,
  equal,
  floorDivide,
  greater,
  greaterEqual,
  less,
  lessEqual,
  logicalAnd,
  logicalOr,
  maximum,
  maximumInPlace,
  minimum,
  minimumInPlace,
  mod,
  mul,
  mulInPlace,
  notEqual,
  pow,
  powInPlace,
  sub,
  subInPlace,
} from './ops/binary.js';
export { clip, clipInPlace } from './ops/clip.js';
export { col2im, convOutputSize, type Im2colOptions, im2col } from './ops/im2col.js';
export { pick, take } from './ops/indexing.js';
export { concatenate, split, stack } from './ops/join.js';
export { dot, matmul } from './ops/matmul.js';
export {
  type ArgReduceOptions,
  all,
  any,
  argmax,
  argmin,
  max,
  mean,
  min,
  prod,
  type ReduceOptions,
  std,
  sum,
  type VarOptions,
  variance,
} from './ops/reduce.js';
export {
  abs,
  ceil,
  cos,
  exp,
  expm1,
  floor,
  isfinite,
  isnan,
  log,
  log1p,
  logicalNot,
  neg,
  reciprocal,
  round,
  sign,
  sin,
  sqrt,
  square,
  tanh,
} from './ops/unary.js';
export { where } from './ops/where.js';
export * from './optim/index.js';
export * from './random/index.js';
export {
  arange,
  empty,
  eye,
  fromData,
  full,
  fullLike,
  linspace,
  ones,
  onesLike,
  tensor,
  zeros,
  zerosLike,
} from './tensor/create.js';
export type { DType, TypedArray } from './tensor/dtype.js';
export { promoteTypes } from './tensor/dtype.js';
export { broadcastShapes } from './tensor/shape.js';
export { type NestedArray, Tensor, type TensorLike } from './tensor/tensor.js';
export type { Index, Slice } from './tensor/view.js';
export * from './train/index.js';
