/**
 * The reference kernels as one {@link Kernels} object: plain TypeScript, the readable definition.
 * @module
 */
import type { FloatArray, KernelDType, Kernels } from '../types.js';
import {
  adam,
  axpy,
  relu,
  reluBackward,
  sigmoid,
  sigmoidBackward,
  softmaxCrossEntropy,
  sumRows,
} from './elementwise.js';
import { gemm, gemmBiasAct } from './gemm.js';
import { col2im, im2col } from './im2col.js';
import { binaryOp, reduceRows, unaryOp } from './ops.js';
import { adagrad, momentum, nesterov, rmsprop } from './optim.js';
import { maxPool, maxPoolBackward } from './pool.js';

function alloc(dtype: 'float32', length: number): Float32Array;
function alloc(dtype: 'float64', length: number): Float64Array;
function alloc(dtype: 'int32', length: number): Int32Array;
function alloc(dtype: KernelDType, length: number): FloatArray | Int32Array;
function alloc(dtype: KernelDType, length: number): FloatArray | Int32Array {
  if (dtype === 'float32') return new Float32Array(length);
  if (dtype === 'float64') return new Float64Array(length);
  if (dtype === 'int32') return new Int32Array(length);
  throw new TypeError(`alloc: dtype: expected 'float32', 'float64' or 'int32', got ${String(dtype)}`);
}

/**
 * The reference implementation of every kernel.
 * @example refKernels.gemm(false, false, 2, 4, 3, 1, x, 3, w, 4, 0, out, 4) // out (2,4) = x (2,3) · w (3,4)
 */
export const refKernels: Kernels = {
  name: 'ref',
  gemm,
  gemmBiasAct,
  axpy,
  sumRows,
  relu,
  reluBackward,
  sigmoid,
  sigmoidBackward,
  softmaxCrossEntropy,
  adam,
  momentum,
  nesterov,
  adagrad,
  rmsprop,
  binaryOp,
  unaryOp,
  reduceRows,
  im2col,
  col2im,
  maxPool,
  maxPoolBackward,
  alloc,
  free: () => {},
  isResident: () => false,
};
