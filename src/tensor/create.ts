/**
 * Creating tensors: from nested arrays or typed arrays, and numpy's constructors.
 *
 * One deliberate difference from numpy: JavaScript has a single number type, so `1` and `1.0` are
 * the same value and `tensor([1, 2, 3])` cannot tell integers from floats. Numbers therefore give
 * float64 (numpy would give int64 for integer literals); pass `{dtype: 'int32'}` or an Int32Array
 * for integers. Booleans give `bool`; a typed array keeps its own dtype.
 */
import { allocate, assertDType, castValue, type DType, dtypeOfData, type TypedArray } from './dtype.js';
import { checkShape, formatShape, shapeSize } from './shape.js';
import { type NestedArray, Tensor } from './tensor.js';

/** Options shared by the constructors. */
export interface DTypeOption {
  /** Element type; float64 by default. */
  dtype?: DType;
}

/**
 * Wraps a contiguous typed array as a tensor of `shape`, without copying.
 * @example fromData(new Float32Array([1, 2, 3, 4]), [2, 2]) // (2, 2) float32
 */
export function fromData(
  data: TypedArray,
  shape: readonly number[],
  dtype: DType = dtypeOfData(data),
): Tensor {
  const n = shapeSize(checkShape(shape));
  if (n !== data.length) {
    throw new RangeError(
      `fromData: shape ${formatShape(shape)} needs ${n} elements, data has ${data.length}`,
    );
  }
  return new Tensor(data, shape, { dtype });
}

function isTypedArray(x: unknown): x is TypedArray {
  return (
    x instanceof Float64Array ||
    x instanceof Float32Array ||
    x instanceof Int32Array ||
    x instanceof Uint8Array
  );
}

/**
 * A new tensor from nested arrays, a number, a typed array (1-D) or another tensor (copied).
 * Always a copy.
 * @example tensor([[1, 2], [3, 4]])               // (2, 2) float64
 * @example tensor([0, 0, 1], { dtype: 'int32' }) // (3,) int32
 * @example tensor([true, false])                 // (2,) bool
 */
export function tensor(values: NestedArray | TypedArray | Tensor, options: DTypeOption = {}): Tensor {
  if (options.dtype !== undefined) assertDType(options.dtype);
  if (values instanceof Tensor) return values.copy(options.dtype ?? values.dtype);
  if (isTypedArray(values)) {
    return new Tensor(values, [values.length]).copy(options.dtype ?? dtypeOfData(values));
  }
  const shape: number[] = [];
  let probe: NestedArray = values;
  while (Array.isArray(probe)) {
    shape.push(probe.length);
    if (probe.length === 0) break;
    probe = probe[0];
  }
  const flat: (number | boolean)[] = [];
  let allBool = true;
  const walk = (v: NestedArray, depth: number, path: number[]): void => {
    if (depth === shape.length) {
      if (Array.isArray(v))
        throw new RangeError(
          `tensor: ragged nested array: element [${path.join('][')}] is an array, expected a number`,
        );
      if (typeof v !== 'number' && typeof v !== 'boolean') {
        throw new TypeError(
          `tensor: element [${path.join('][')}] is ${typeof v}, expected a number or boolean`,
        );
      }
      if (typeof v !== 'boolean') allBool = false;
      flat.push(v);
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[depth]) {
      throw new RangeError(
        `tensor: ragged nested array: element [${path.join('][')}] has ${Array.isArray(v) ? `length ${v.length}` : 'no length'}, expected length ${shape[depth]}`,
      );
    }
    for (let i = 0; i < v.length; i++) walk(v[i], depth + 1, [...path, i]);
  };
  walk(values, 0, []);
  const dtype = options.dtype ?? (allBool && flat.length > 0 ? 'bool' : 'float64');
  const data = allocate(dtype, flat.length);
  for (let i = 0; i < flat.length; i++) data[i] = castValue(Number(flat[i]), dtype);
  return new Tensor(data, shape, { dtype });
}

/**
 * A tensor of `shape` filled with `value`.
 * @example full([2, 2], 7) // [[7, 7], [7, 7]]
 */
export function full(shape: readonly number[] | number, value: number, options: DTypeOption = {}): Tensor {
  const s = typeof shape === 'number' ? [shape] : checkShape(shape);
  const dtype = options.dtype ?? 'float64';
  assertDType(dtype);
  const data = allocate(dtype, shapeSize(s));
  if (value !== 0) data.fill(castValue(value, dtype));
  return new Tensor(data, s, { dtype });
}

/**
 * Zeros of `shape` (float64 by default).
 * @example zeros([2, 3])
 */
export function zeros(shape: readonly number[] | number, options: DTypeOption = {}): Tensor {
  return full(shape, 0, options);
}

/**
 * Ones of `shape`.
 * @example ones([3])
 */
export function ones(shape: readonly number[] | number, options: DTypeOption = {}): Tensor {
  return full(shape, 1, options);
}

/**
 * A tensor of `shape` whose values are unspecified (here: zeros, since typed arrays start zeroed).
 * @example empty([2, 2])
 */
export function empty(shape: readonly number[] | number, options: DTypeOption = {}): Tensor {
  return full(shape, 0, options);
}

/**
 * A new tensor of `like`'s shape (and dtype unless given) filled with `value`.
 * @example fullLike(x, 0.5)
 */
export function fullLike(like: Tensor, value: number, options: DTypeOption = {}): Tensor {
  return full(like.shape, value, { dtype: options.dtype ?? like.dtype });
}

/**
 * Zeros shaped like `like` (numpy's `zeros_like`).
 * @example const grad = zerosLike(W)
 */
export function zerosLike(like: Tensor, options: DTypeOption = {}): Tensor {
  return fullLike(like, 0, options);
}

/**
 * Ones shaped like `like`.
 * @example onesLike(W)
 */
export function onesLike(like: Tensor, options: DTypeOption = {}): Tensor {
  return fullLike(like, 1, options);
}

/**
 * Evenly spaced values in [start, stop) with `step`: numpy's `arange`, computed as numpy does (values
 * `start + i * ((start + step) - start)` after the first two).
 * float64 unless `dtype` is given (see the module note on integers).
 * @example arange(5)          // [0, 1, 2, 3, 4]
 * @example arange(1, 2, 0.25) // [1, 1.25, 1.5, 1.75]
 */
export function arange(start: number, stop?: number, step = 1, options: DTypeOption = {}): Tensor {
  if (stop === undefined) {
    stop = start;
    start = 0;
  }
  for (const [name, v] of [
    ['start', start],
    ['stop', stop],
    ['step', step],
  ] as const) {
    if (!Number.isFinite(v)) throw new RangeError(`arange: ${name}: expected a finite number, got ${v}`);
  }
  if (step === 0) throw new RangeError('arange: step: expected a non-zero number, got 0');
  const n = Math.max(0, Math.ceil((stop - start) / step));
  const dtype = options.dtype ?? 'float64';
  assertDType(dtype);
  const data = allocate(dtype, n);
  // As numpy's fill: the first two values are start and start + step; the rest are start + i * delta
  // with delta = (start + step) - start, which can differ from step in floating point.
  const delta = start + step - start;
  for (let i = 0; i < n; i++) {
    data[i] = castValue(i === 0 ? start : i === 1 ? start + step : start + i * delta, dtype);
  }
  return new Tensor(data, [n], { dtype });
}

/**
 * `num` evenly spaced values from start to stop (inclusive unless `endpoint: false`): numpy's
 * `linspace`, computed as numpy does (`i * step + start`, last value exactly `stop`).
 * @example linspace(0, 1, 5) // [0, 0.25, 0.5, 0.75, 1]
 */
export function linspace(
  start: number,
  stop: number,
  num = 50,
  options: DTypeOption & { endpoint?: boolean } = {},
): Tensor {
  if (!Number.isInteger(num) || num < 0)
    throw new RangeError(`linspace: num: expected a non-negative integer, got ${num}`);
  const endpoint = options.endpoint ?? true;
  const div = endpoint ? num - 1 : num;
  const delta = stop - start;
  const step = delta / div;
  const values = new Float64Array(num);
  for (let i = 0; i < num; i++) {
    if (div > 0) values[i] = step === 0 ? (i / div) * delta + start : i * step + start;
    else values[i] = i * delta + start;
  }
  if (endpoint && num > 1) values[num - 1] = stop;
  const dtype = options.dtype ?? 'float64';
  // numpy floors before casting to an integer dtype (a cast alone would truncate toward zero).
  if (dtype === 'int32' || dtype === 'uint8') for (let i = 0; i < num; i++) values[i] = Math.floor(values[i]);
  return new Tensor(values, [num]).copy(dtype);
}

/**
 * A 2-D tensor with ones on diagonal `k` (0 = main) and zeros elsewhere: numpy's `eye`.
 * @example eye(3)            // 3x3 identity
 * @example eye(2, 3, { k: 1 })
 */
export function eye(n: number, m: number = n, options: DTypeOption & { k?: number } = {}): Tensor {
  const k = options.k ?? 0;
  const out = zeros(checkShape([n, m], 'eye: N, M'), options);
  for (let i = 0; i < n; i++) {
    const j = i + k;
    if (j >= 0 && j < m) out.data[i * m + j] = 1;
  }
  return out;
}
