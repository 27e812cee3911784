/**
 * What every optimizer shares: the `Optimizer` interface, its serialisable state, argument checks
 * and the in-place loop that walks a parameter, its gradient and the optimizer's buffers together.
 *
 * The update rules are the book's (`common/optimizer.py` of "Deep Learning from Scratch"), term by
 * term and in the same order of operations, so float64 results equal numpy's. float32 parameters are
 * updated as numpy updates a float32 array: every intermediate is rounded to float32 where numpy's
 * promotion rules (NEP 50: Python floats are "weak" scalars) keep float32, and kept in float64 where
 * numpy computes in float64 (Adam's `lr_t` is an `np.float64`, a "strong" scalar).
 *
 * Where the formulas live: once, as kernels (`src/kernels/ref/elementwise.ts` and `ref/optim.ts`, the
 * readable definition; `asm/optim.ts` and `asm/elementwise.ts`, WASM SIMD, bit-identical and tested
 * against ref). Each optimizer calls its kernel (`axpy`, `momentum`, `nesterov`, `adagrad`,
 * `rmsprop`, `adam`) on the active kernels. The buffers (`v`, `h`, `m`) are allocated from the
 * kernels (resident in WebAssembly memory when it is shared), once, at the first update: an update
 * of contiguous parameters allocates nothing.
 *
 * Design notes (departures from the brief, with reasons):
 * - Views (non-contiguous parameters or gradients) are updated by the same kernel on contiguous
 *   copies, then written back through the view: one definition of each formula, bit-identical
 *   results whatever the layout (the copies cost an allocation per update for views only).
 * - When a gradient's dtype differs from its parameter's, it is converted to the parameter's dtype
 *   first and the arithmetic is done in the parameter's precision (numpy would mix precisions; the
 *   difference is rounding only). With equal dtypes, the results are numpy's.
 */
import { getKernels } from '../kernels/select.js';
import type { DType } from '../tensor/dtype.js';
import { formatShape, shapesEqual } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';

/** The optimizers' names, as `createOptimizer` and the Trainer accept them (case-insensitive). */
export const OPTIMIZER_NAMES = ['sgd', 'momentum', 'nesterov', 'adagrad', 'rmsprop', 'adam'] as const;

/** One of `OPTIMIZER_NAMES`. */
export type OptimizerName = (typeof OPTIMIZER_NAMES)[number];

/**
 * A snapshot of an optimizer, enough to continue bit for bit where it stopped. A plain object
 * (numbers, strings, Tensors), so it can be stored in a checkpoint.
 * @example
 * const s = opt.getState();   // { kind: 'adam', hyperparameters: { lr: 0.001, beta1: 0.9, beta2: 0.999 },
 *                             //   iterations: 12, buffers: { m: { W1: Tensor, ... }, v: { ... } } }
 * other.setState(s);          // `other` now continues exactly as `opt` would
 */
export interface OptimizerState {
  /** Which optimizer wrote this state. */
  kind: OptimizerName;
  /** The optimizer's hyperparameters (`lr`, `momentum`, `decayRate`, `beta1`, `beta2`, as it has them). */
  hyperparameters: Record<string, number>;
  /** Number of `update` calls made so far (Adam's `iter`). */
  iterations: number;
  /**
   * Per-parameter buffers, by buffer name (`v`, `h`, `m`) then parameter name: copies, owned by the
   * snapshot. Empty (`{}`) before the first update, and always for SGD.
   */
  buffers: Record<string, Record<string, Tensor>>;
}

/**
 * A gradient-based optimizer: `update` moves each parameter against its gradient, in place.
 * @example
 * const opt = new Adam();                      // lr = 0.001, beta1 = 0.9, beta2 = 0.999
 * const grads = net.gradient(xBatch, tBatch);
 * opt.update(net.params, grads);               // net.params' tensors are modified in place
 */
export interface Optimizer {
  /** The optimizer's name (`'sgd'`, `'adam'`, ...). */
  readonly kind: OptimizerName;
  /** Learning rate; may be changed between updates (a finite number > 0). */
  lr: number;
  /** Number of `update` calls made so far. */
  readonly iterations: number;
  /**
   * Updates every `params[key]` in place (views included: the memory they view is written) from
   * `grads[key]`. Both must have the same keys, and each gradient its parameter's shape.
   */
  update(params: Readonly<Record<string, Tensor>>, grads: Readonly<Record<string, Tensor>>): void;
  /** A copy of the optimizer's state (hyperparameters, step count, buffers). */
  getState(): OptimizerState;
  /** Restores a state from `getState` (of an optimizer of the same kind); the buffers are copied. */
  setState(state: OptimizerState): void;
}

/** The typed arrays a parameter (and so a buffer) may use. */
export type FloatArray = Float64Array | Float32Array;

/**
 * `b ** n` for an integer `n >= 0`, correctly rounded (exponentiation by squaring in double-double
 * arithmetic). Adam's bias correction uses it because JavaScript's `**` is often 1 ulp off
 * (0.99 ** 6, 0.9 ** 4), while C's `pow`, which numpy's `beta ** iter` calls, is correctly rounded
 * in all but rare cases; with it, Adam's float64 updates equal numpy's bit for bit.
 * Results below about 1e-290 may be off by an ulp (the low word underflows); Adam never needs them.
 * @example powInt(0.99, 6) // 0.941480149401 (0.99 ** 6 gives 0.9414801494009999)
 */
export function powInt(b: number, n: number): number {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`powInt: n: expected an integer >= 0, got ${n}`);
  let rh = 1;
  let rl = 0;
  let xh = b;
  let xl = 0;
  while (n > 0) {
    if (n % 2 === 1) {
      ddMul(rh, rl, xh, xl);
      rh = ddHi;
      rl = ddLo;
    }
    n = Math.floor(n / 2);
    if (n > 0) {
      ddMul(xh, xl, xh, xl);
      xh = ddHi;
      xl = ddLo;
    }
  }
  return rh + rl;
}

/** Result of `ddMul` (module-level, so `powInt` allocates nothing). */
let ddHi = 0;
let ddLo = 0;

/** (ah + al) * (bh + bl) as a normalised double-double (ddHi, ddLo), with Dekker's exact product. */
function ddMul(ah: number, al: number, bh: number, bl: number): void {
  const SPLIT = 134217729; // 2 ** 27 + 1
  const p = ah * bh;
  let c = SPLIT * ah;
  const a1 = c - (c - ah);
  const a2 = ah - a1;
  c = SPLIT * bh;
  const b1 = c - (c - bh);
  const b2 = bh - b1;
  const e = a1 * b1 - p + a1 * b2 + a2 * b1 + a2 * b2 + (ah * bl + al * bh);
  ddHi = p + e;
  ddLo = e - (ddHi - p);
}

/**
 * Checks that an option object has only known keys, naming the unknown one and the allowed ones.
 * @example checkOptionKeys('Adam', { lr: 0.1, beta_1: 0.8 }, ['lr', 'beta1', 'beta2']) // throws
 */
export function checkOptionKeys(owner: string, options: object, allowed: readonly string[]): void {
  if (options === null || typeof options !== 'object') {
    throw new TypeError(`${owner}: options: expected an object, got ${String(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (allowed.includes(key)) continue;
    const camel = key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
    const hint = camel !== key && allowed.includes(camel) ? ` (did you mean '${camel}'?)` : '';
    throw new TypeError(
      `${owner}: unknown option '${key}'${hint}; allowed options: ${allowed.map((k) => `'${k}'`).join(', ')}`,
    );
  }
}

/** Checks a learning rate: a finite number > 0. */
export function checkLearningRate(owner: string, lr: unknown): number {
  if (typeof lr !== 'number' || !Number.isFinite(lr) || lr <= 0) {
    throw new RangeError(`${owner}: lr: expected a finite number > 0, got ${String(lr)}`);
  }
  return lr;
}

/** Checks a coefficient in [0, 1) (momentum, decay rate, beta). */
export function checkUnitInterval(owner: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value >= 1) {
    throw new RangeError(`${owner}: ${name}: expected a number in [0, 1), got ${String(value)}`);
  }
  return value;
}

/**
 * Reads a state's hyperparameters: exactly `names`, each a number (the caller checks ranges).
 * @example readHyperparameters('Momentum.setState', { lr: 0.1, momentum: 0.9 }, ['lr', 'momentum'])
 */
export function readHyperparameters(
  who: string,
  h: Record<string, number>,
  names: readonly string[],
): number[] {
  if (h === null || typeof h !== 'object')
    throw new TypeError(`${who}: hyperparameters: expected an object, got ${String(h)}`);
  checkOptionKeys(`${who}: hyperparameters`, h, names);
  return names.map((name) => {
    if (!Object.hasOwn(h, name)) throw new RangeError(`${who}: hyperparameters: '${name}' is missing`);
    return h[name];
  });
}

/** A contiguous copy of a float tensor in storage from the kernels' allocator (resident when possible). */
function kernelCopy(t: Tensor): Tensor {
  const src = t.isContiguous ? t : t.copy();
  const k = getKernels();
  const data = t.dtype === 'float32' ? k.alloc('float32', t.size) : k.alloc('float64', t.size);
  data.set(src.data.subarray(src.offset, src.offset + t.size));
  return new Tensor(data, t.shape, { dtype: t.dtype });
}

/** `n` elements of `a` from `offset`, as an array that starts there (no copy). */
function at(a: FloatArray, offset: number, n: number): FloatArray {
  return offset === 0 && a.length === n ? a : a.subarray(offset, offset + n);
}

/** The buffers of an optimizer that has none (SGD). */
const NO_BUFFERS: FloatArray[] = [];

/** One parameter's buffers, allocated once, at the first update. */
interface Slot {
  shape: readonly number[];
  dtype: DType;
  tensors: Tensor[];
  data: FloatArray[];
}

function keyList(keys: readonly string[]): string {
  return keys.length === 0 ? '(none)' : keys.map((k) => `'${k}'`).join(', ');
}

/**
 * The shared machinery: options and hyperparameters, argument checks, buffer allocation, state, and
 * the walk over the parameters. A subclass passes its defaults to the constructor, names its buffers
 * and writes `kernelUpdate`: one call of its kernel (`src/kernels`, where the update is written once,
 * in `ref/` and in WASM) on a contiguous parameter.
 * `C` names the hyperparameters other than `lr`: coefficients in [0, 1) (momentum, decay rate, beta).
 */
export abstract class BaseOptimizer<C extends string = never> implements Optimizer {
  abstract readonly kind: OptimizerName;
  /** Names of the per-parameter buffers (`['v']`, `['h']`, `['m', 'v']`, or none). */
  protected abstract readonly bufferNames: readonly string[];
  /** The class name, used in error messages. */
  protected readonly label: string;
  /** The coefficients (hyperparameters other than `lr`), checked, by name. */
  protected readonly coefs: Record<C, number>;

  private _lr: number;
  private _iterations = 0;
  private slots: Map<string, Slot> | null = null;

  /**
   * Checks `options` (only `lr` and the names in `defaults`), then `lr` (default `lr`), then each
   * coefficient in `defaults`' order (its default when the option is absent).
   */
  protected constructor(label: string, options: object, lr: number, defaults: Readonly<Record<C, number>>) {
    const names = Object.keys(defaults) as C[];
    checkOptionKeys(label, options, ['lr', ...names]);
    const given = options as Record<string, number | undefined>;
    this.label = label;
    this._lr = checkLearningRate(label, given.lr ?? lr);
    this.coefs = { ...defaults };
    for (const name of names)
      this.coefs[name] = checkUnitInterval(label, name, given[name] ?? defaults[name]);
  }

  /** Learning rate (a finite number > 0); may be changed between updates. */
  get lr(): number {
    return this._lr;
  }
  set lr(value: number) {
    this._lr = checkLearningRate(this.label, value);
  }

  /** Number of `update` calls made so far. */
  get iterations(): number {
    return this._iterations;
  }

  /** The hyperparameters, by name (for `getState`): `lr`, then the coefficients. */
  private hyperparameters(): Record<string, number> {
    return { lr: this._lr, ...this.coefs };
  }

  /** Sets the hyperparameters from a state's record: exactly `lr` and the coefficients, each checked first. */
  private setHyperparameters(h: Record<string, number>): void {
    const who = `${this.label}.setState`;
    const names = Object.keys(this.coefs) as C[];
    const [lr, ...values] = readHyperparameters(who, h, ['lr', ...names]);
    checkLearningRate(who, lr);
    for (let j = 0; j < names.length; j++) checkUnitInterval(who, names[j], values[j]);
    for (let j = 0; j < names.length; j++) this.coefs[names[j]] = values[j];
    this._lr = lr;
  }

  /** Called once per `update`, after the step count is incremented (Adam computes `lr_t` here). */
  protected beginStep(): void {}

  /**
   * Updates a contiguous parameter with the optimizer's kernel on the active kernels: `p`, `g` (of
   * p's type) and `bufs` start at element 0 and hold `n` elements; p and bufs are updated in place.
   */
  protected abstract kernelUpdate(p: FloatArray, g: FloatArray, bufs: FloatArray[], n: number): void;

  update(params: Readonly<Record<string, Tensor>>, grads: Readonly<Record<string, Tensor>>): void {
    const keys = this.check(params, grads);
    if (this.slots === null && this.bufferNames.length > 0) this.slots = this.allocate(params, keys);
    this._iterations += 1;
    this.beginStep();
    for (const key of keys) {
      const p = params[key];
      const g = grads[key];
      const bufs = this.slots === null ? NO_BUFFERS : this.slots.get(key)!.data;
      const n = p.size;
      if (p.isContiguous && g.isContiguous && g.dtype === p.dtype) {
        this.kernelUpdate(
          at(p.data as FloatArray, p.offset, n),
          at(g.data as FloatArray, g.offset, n),
          bufs,
          n,
        );
      } else {
        // A strided parameter or gradient, or a gradient of another float dtype: the same kernel on
        // contiguous copies (g converted to p's dtype first), then p written back through its view.
        const pc = p.copy();
        const gc = g.dtype === p.dtype ? g.copy() : g.astype(p.dtype).copy();
        this.kernelUpdate(pc.data as FloatArray, gc.data as FloatArray, bufs, n);
        p.assign(pc);
      }
    }
  }

  /** Checks everything before anything is written; returns the keys in `params`' order. */
  private check(params: Readonly<Record<string, Tensor>>, grads: Readonly<Record<string, Tensor>>): string[] {
    const who = `${this.label}.update`;
    if (params === null || typeof params !== 'object') {
      throw new TypeError(`${who}: params: expected an object of Tensors, got ${String(params)}`);
    }
    if (grads === null || typeof grads !== 'object') {
      throw new TypeError(`${who}: grads: expected an object of Tensors, got ${String(grads)}`);
    }
    const keys = Object.keys(params);
    const gradKeys = Object.keys(grads);
    for (const key of keys) {
      if (!Object.hasOwn(grads, key)) {
        throw new RangeError(
          `${who}: grads has no key '${key}' (params has ${keyList(keys)}; grads has ${keyList(gradKeys)})`,
        );
      }
    }
    for (const key of gradKeys) {
      if (!Object.hasOwn(params, key)) {
        throw new RangeError(
          `${who}: grads has key '${key}', which params lacks (params has ${keyList(keys)}; grads has ${keyList(gradKeys)})`,
        );
      }
    }
    for (const key of keys) {
      const p = params[key];
      const g = grads[key];
      if (!(p instanceof Tensor)) throw new TypeError(`${who}: params['${key}'] is not a Tensor`);
      if (!(g instanceof Tensor)) throw new TypeError(`${who}: grads['${key}'] is not a Tensor`);
      if (p.dtype !== 'float64' && p.dtype !== 'float32') {
        throw new TypeError(
          `${who}: params['${key}'] has dtype '${p.dtype}'; only float64 and float32 parameters can be updated`,
        );
      }
      if (!shapesEqual(p.shape, g.shape)) {
        throw new RangeError(
          `${who}: grads['${key}'] has shape ${formatShape(g.shape)} but params['${key}'] has shape ${formatShape(p.shape)}`,
        );
      }
      for (let ax = 0; ax < p.ndim; ax++) {
        if (p.strides[ax] === 0 && p.shape[ax] > 1) {
          throw new RangeError(
            `${who}: params['${key}'] is a broadcast view (stride 0 along axis ${ax}); updating it in place would write one element many times`,
          );
        }
      }
      const slot = this.slots?.get(key);
      if (this.slots !== null && slot === undefined) {
        throw new RangeError(
          `${who}: params has key '${key}', which the optimizer's state lacks (it was set up for ${keyList([...this.slots.keys()])}); use one optimizer per set of parameters`,
        );
      }
      if (slot !== undefined && (!shapesEqual(slot.shape, p.shape) || slot.dtype !== p.dtype)) {
        throw new RangeError(
          `${who}: params['${key}'] is now ${formatShape(p.shape)} ${p.dtype}, but the optimizer's state for it is ${formatShape(slot.shape)} ${slot.dtype}; use one optimizer per set of parameters`,
        );
      }
    }
    if (this.slots !== null && this.slots.size !== keys.length) {
      const missing = [...this.slots.keys()].filter((k) => !Object.hasOwn(params, k));
      throw new RangeError(
        `${who}: params lacks ${keyList(missing)}, which the optimizer's state has; use one optimizer per set of parameters`,
      );
    }
    return keys;
  }

  /** The book's `np.zeros_like(val)` for each buffer and parameter: contiguous, the parameter's dtype. */
  private allocate(params: Readonly<Record<string, Tensor>>, keys: readonly string[]): Map<string, Slot> {
    const slots = new Map<string, Slot>();
    for (const key of keys) {
      const p = params[key];
      const k = getKernels();
      const tensors = this.bufferNames.map(
        () =>
          new Tensor(
            p.dtype === 'float32' ? k.alloc('float32', p.size) : k.alloc('float64', p.size),
            p.shape,
          ),
      );
      slots.set(key, {
        shape: [...p.shape],
        dtype: p.dtype,
        tensors,
        data: tensors.map((t) => t.data as FloatArray),
      });
    }
    return slots;
  }

  getState(): OptimizerState {
    const buffers: Record<string, Record<string, Tensor>> = {};
    if (this.slots !== null) {
      this.bufferNames.forEach((name, j) => {
        const byKey: Record<string, Tensor> = {};
        for (const [key, slot] of this.slots!) byKey[key] = slot.tensors[j].copy();
        buffers[name] = byKey;
      });
    }
    return {
      kind: this.kind,
      hyperparameters: this.hyperparameters(),
      iterations: this._iterations,
      buffers,
    };
  }

  setState(state: OptimizerState): void {
    const who = `${this.label}.setState`;
    if (state === null || typeof state !== 'object')
      throw new TypeError(`${who}: expected a state object, got ${String(state)}`);
    if (state.kind !== this.kind) {
      throw new TypeError(
        `${who}: the state is of a '${String(state.kind)}' optimizer, this is '${this.kind}'`,
      );
    }
    const it = state.iterations;
    if (!Number.isInteger(it) || it < 0)
      throw new RangeError(`${who}: iterations: expected an integer >= 0, got ${String(it)}`);
    const buffers = state.buffers ?? {};
    const names = Object.keys(buffers);
    let slots: Map<string, Slot> | null = null;
    if (names.length > 0) {
      for (const name of names) {
        if (!this.bufferNames.includes(name)) {
          throw new RangeError(
            `${who}: unknown buffer '${name}'; ${this.label} has ${keyList(this.bufferNames)}`,
          );
        }
      }
      for (const name of this.bufferNames) {
        if (!names.includes(name)) throw new RangeError(`${who}: buffer '${name}' is missing`);
      }
      const keys = Object.keys(buffers[this.bufferNames[0]]);
      slots = new Map();
      for (const key of keys) {
        const tensors = this.bufferNames.map((name) => {
          const t = buffers[name][key];
          if (!(t instanceof Tensor))
            throw new TypeError(`${who}: buffers.${name}['${key}'] is not a Tensor`);
          if (t.dtype !== 'float64' && t.dtype !== 'float32') {
            throw new TypeError(
              `${who}: buffers.${name}['${key}'] has dtype '${t.dtype}', expected float64 or float32`,
            );
          }
          return kernelCopy(t);
        });
        const first = tensors[0];
        for (let j = 1; j < tensors.length; j++) {
          if (!shapesEqual(tensors[j].shape, first.shape) || tensors[j].dtype !== first.dtype) {
            throw new RangeError(
              `${who}: buffers.${this.bufferNames[j]}['${key}'] is ${formatShape(tensors[j].shape)} ${tensors[j].dtype}, but buffers.${this.bufferNames[0]}['${key}'] is ${formatShape(first.shape)} ${first.dtype}`,
            );
          }
        }
        slots.set(key, {
          shape: [...first.shape],
          dtype: first.dtype,
          tensors,
          data: tensors.map((t) => t.data as FloatArray),
        });
      }
      for (const name of this.bufferNames) {
        const other = Object.keys(buffers[name]);
        if (other.length !== keys.length || other.some((k) => !keys.includes(k))) {
          throw new RangeError(
            `${who}: buffers.${name} has keys ${keyList(other)}, but buffers.${this.bufferNames[0]} has ${keyList(keys)}`,
          );
        }
      }
    }
    this.setHyperparameters(state.hyperparameters ?? {});
    this._iterations = it;
    this.slots = slots;
  }
}
