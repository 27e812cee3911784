/**
 * Data types: the five numpy dtypes scratchnet supports, their typed-array storage and
 * numpy's promotion rules for mixing them.
 */

/** A tensor's element type. `'float64'` is the default, as in numpy. */
export type DType = 'float64' | 'float32' | 'int32' | 'uint8' | 'bool';

/** The typed array that stores a tensor's elements. `bool` is stored as 0/1 bytes. */
export type TypedArray = Float64Array | Float32Array | Int32Array | Uint8Array;

/** Every dtype, in promotion order (a later one can hold every value of an earlier one, mostly). */
export const DTYPES: readonly DType[] = ['bool', 'uint8', 'int32', 'float32', 'float64'];

/**
 * Allocates zero-filled storage for `size` elements of `dtype`.
 * @example allocate('float32', 3) // Float32Array [0, 0, 0]
 */
export function allocate(dtype: DType, size: number): TypedArray {
  switch (dtype) {
    case 'float64':
      return new Float64Array(size);
    case 'float32':
      return new Float32Array(size);
    case 'int32':
      return new Int32Array(size);
    case 'uint8':
    case 'bool':
      return new Uint8Array(size);
  }
}

/**
 * Checks that `value` names a dtype, with an error that lists the allowed names.
 * @example assertDType('float32', 'dtype')
 */
export function assertDType(value: unknown, argName = 'dtype'): asserts value is DType {
  if (typeof value !== 'string' || !(DTYPES as readonly string[]).includes(value)) {
    throw new TypeError(
      `${argName}: expected one of ${DTYPES.map((d) => `'${d}'`).join(', ')}, got ${String(value)}`,
    );
  }
}

/** The dtype whose storage class is `data`'s (Uint8Array is read as `'uint8'`). */
export function dtypeOfData(data: TypedArray): DType {
  if (data instanceof Float64Array) return 'float64';
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Int32Array) return 'int32';
  return 'uint8';
}

/** True for `float32` and `float64`. */
export function isFloat(dtype: DType): boolean {
  return dtype === 'float64' || dtype === 'float32';
}

/**
 * numpy's `result_type` for two array dtypes:
 * bool < uint8 < int32 < float32 < float64, except that int32 with float32 gives float64
 * (float32 cannot hold every int32), as in numpy.
 * @example promoteTypes('int32', 'float32') // 'float64'
 */
export function promoteTypes(a: DType, b: DType): DType {
  if (a === b) return a;
  const ia = DTYPES.indexOf(a);
  const ib = DTYPES.indexOf(b);
  const hi = ia > ib ? a : b;
  const lo = ia > ib ? b : a;
  if (hi === 'float32' && lo === 'int32') return 'float64';
  return hi;
}

/**
 * numpy 2 (NEP 50) promotion of an array dtype with a Python-style scalar: the scalar is "weak",
 * so it keeps the array's dtype unless its kind is higher (a float scalar makes an integer or bool
 * array float64; an integer scalar makes a bool array int32).
 * @example promoteWithScalar('float32', 0.5) // 'float32'
 * @example promoteWithScalar('int32', 0.5)   // 'float64'
 */
export function promoteWithScalar(dtype: DType, scalar: number): DType {
  if (isFloat(dtype)) return dtype;
  if (!Number.isInteger(scalar)) return 'float64';
  if (dtype === 'bool') return 'int32';
  if (dtype === 'uint8' && (scalar < 0 || scalar > 255)) return 'int32';
  return dtype;
}

/**
 * Converts a JS number to the value `dtype` stores, as numpy's cast does:
 * floats round to float32 or stay, integers truncate toward zero and wrap (int32, uint8),
 * bool is `value !== 0`. NaN cast to an integer type becomes 0 here (numpy leaves it undefined).
 * @example castValue(-1.7, 'int32') // -1
 * @example castValue(300, 'uint8')  // 44
 */
export function castValue(value: number, dtype: DType): number {
  switch (dtype) {
    case 'float64':
      return value;
    case 'float32':
      return Math.fround(value);
    case 'int32':
      return Number.isFinite(value) ? Math.trunc(value) | 0 : 0;
    case 'uint8':
      return Number.isFinite(value) ? Math.trunc(value) & 255 : 0;
    case 'bool':
      return value !== 0 ? 1 : 0;
  }
}
