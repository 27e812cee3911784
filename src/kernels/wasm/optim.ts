/**
 * The optimizer kernels of the WASM backend (Adam, Momentum, Nesterov, AdaGrad, RMSprop): argument
 * checks (shared with ref), staging of the arrays that are not resident, the call.
 * {@link WasmKernels} delegates to these.
 * @module
 */
import { checkElementwise } from '../check.js';
import type { FloatArray } from '../types.js';
import type { KernelMemory } from './memory.js';
import type { KernelExports } from './module.js';

/** The optimizers with one state buffer, whose exports share `(n, lr, coef, p, g, state)`. */
export type OneBufferOptimizer = 'momentum' | 'nesterov' | 'adagrad' | 'rmsprop';

/**
 * `Kernels.adam` on the module exports `ex` with memory `mem`.
 * @example wasmAdam(exports, mem, n, lrT, 0.9, 0.999, W, dW, mW, vW) // W, dW, mW, vW: (n,)
 */
export function wasmAdam(
  ex: KernelExports,
  mem: KernelMemory,
  n: number,
  lrT: number,
  beta1: number,
  beta2: number,
  p: FloatArray,
  g: FloatArray,
  m: FloatArray,
  v: FloatArray,
): void {
  checkElementwise('adam', n, { p, g, m, v });
  mem.begin(mem.bytes(p, n) + mem.bytes(g, n) + mem.bytes(m, n) + mem.bytes(v, n));
  const pg = mem.input(g, n);
  const pp = mem.output(p, n, true);
  const pm = mem.output(m, n, true);
  const pv = mem.output(v, n, true);
  (p instanceof Float32Array ? ex.adam_f32 : ex.adam_f64)(n, lrT, beta1, beta2, pp, pg, pm, pv);
  mem.end();
}

/**
 * One step of `kind` on n parameters: p and its state buffer (v, or h) updated in place; `coef` is
 * the momentum, the decay rate, or unused (AdaGrad).
 * @example wasmOptimizerStep(exports, mem, 'momentum', n, 0.01, 0.9, W, dW, vW)
 */
export function wasmOptimizerStep(
  ex: KernelExports,
  mem: KernelMemory,
  kind: OneBufferOptimizer,
  n: number,
  lr: number,
  coef: number,
  p: FloatArray,
  g: FloatArray,
  state: FloatArray,
): void {
  if (kind === 'momentum' || kind === 'nesterov') checkElementwise(kind, n, { p, g, v: state });
  else checkElementwise(kind, n, { p, g, h: state });
  const f32 = p instanceof Float32Array;
  const step =
    kind === 'momentum'
      ? f32
        ? ex.momentum_f32
        : ex.momentum_f64
      : kind === 'nesterov'
        ? f32
          ? ex.nesterov_f32
          : ex.nesterov_f64
        : kind === 'adagrad'
          ? f32
            ? ex.adagrad_f32
            : ex.adagrad_f64
          : f32
            ? ex.rmsprop_f32
            : ex.rmsprop_f64;
  mem.begin(mem.bytes(p, n) + mem.bytes(g, n) + mem.bytes(state, n));
  const pg = mem.input(g, n);
  const pp = mem.output(p, n, true);
  const ps = mem.output(state, n, true);
  step(n, lr, coef, pp, pg, ps);
  mem.end();
}
