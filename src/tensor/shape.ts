/**
 * Shapes, strides and axes: the small pieces of bookkeeping every tensor operation shares,
 * with numpy's error messages.
 */

/** A shape as numpy prints it: `(2,3)`, `(4,)`, `()`. */
export function formatShape(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(',')})`;
}

/** Number of elements of a shape (1 for a scalar shape `()`). */
export function shapeSize(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/**
 * C-order (row-major) strides, in elements, for a contiguous tensor of `shape`.
 * @example contiguousStrides([2, 3, 4]) // [12, 4, 1]
 */
export function contiguousStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

/**
 * Checks a shape argument: a list of non-negative integers.
 * @example checkShape([2, 3], 'shape')
 */
export function checkShape(shape: readonly number[], argName = 'shape'): number[] {
  if (!Array.isArray(shape))
    throw new TypeError(`${argName}: expected an array of integers, got ${String(shape)}`);
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) {
      throw new RangeError(`${argName}: expected non-negative integers, got [${shape.join(', ')}]`);
    }
  }
  return [...shape];
}

/**
 * Normalises one axis (negative counts from the end), as numpy does, with numpy's error.
 * @example normalizeAxis(-1, 3) // 2
 */
export function normalizeAxis(axis: number, ndim: number, argName = 'axis'): number {
  if (!Number.isInteger(axis)) throw new TypeError(`${argName}: expected an integer, got ${axis}`);
  if (axis < -ndim || axis >= ndim) {
    throw new RangeError(`${argName} ${axis} is out of bounds for array of dimension ${ndim}`);
  }
  return axis < 0 ? axis + ndim : axis;
}

/**
 * Normalises an `axis` option (undefined = all axes, a number, or a list) to sorted unique axes.
 * A repeated axis is an error, as in numpy.
 * @example normalizeAxes([-1, 0], 3) // [0, 2]
 */
export function normalizeAxes(axis: number | readonly number[] | undefined | null, ndim: number): number[] {
  if (axis === undefined || axis === null) return Array.from({ length: ndim }, (_, i) => i);
  const list = typeof axis === 'number' ? [axis] : [...axis];
  const out = list.map((a) => normalizeAxis(a, ndim));
  const sorted = [...out].sort((a, b) => a - b);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i] === sorted[i - 1]) throw new RangeError(`duplicate value in 'axis' (${sorted[i]})`);
  }
  return sorted;
}

/**
 * numpy's broadcasting rule: align shapes at the right; each pair of dimensions must be equal or
 * one of them 1.
 * @example broadcastShapes([2, 3], [3]) // [2, 3]
 * @throws "operands could not be broadcast together with shapes (2,3) (4,)"
 */
export function broadcastShapes(...shapes: (readonly number[])[]): number[] {
  const ndim = Math.max(0, ...shapes.map((s) => s.length));
  const out = new Array<number>(ndim).fill(1);
  for (const s of shapes) {
    for (let i = 0; i < s.length; i++) {
      const o = ndim - s.length + i;
      const d = s[i];
      if (d === out[o] || d === 1) continue;
      if (out[o] === 1) {
        out[o] = d;
        continue;
      }
      throw new RangeError(
        `operands could not be broadcast together with shapes ${shapes.map(formatShape).join(' ')}`,
      );
    }
  }
  return out;
}

/**
 * Strides that read a tensor of `shape`/`strides` as if it had `target` shape (stride 0 along
 * broadcast dimensions). The caller has checked that the shapes broadcast.
 * @example broadcastStrides([3], [1], [2, 3]) // [0, 1]
 */
export function broadcastStrides(
  shape: readonly number[],
  strides: readonly number[],
  target: readonly number[],
): number[] {
  const out = new Array<number>(target.length).fill(0);
  const lead = target.length - shape.length;
  for (let i = 0; i < shape.length; i++) out[lead + i] = shape[i] === 1 ? 0 : strides[i];
  return out;
}

/** True if two shapes are equal. */
export function shapesEqual(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
