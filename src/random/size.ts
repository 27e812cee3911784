/**
 * Argument checking for `RandomState` methods: `size` to shape, number/integer checks and
 * numpy-style shape printing for error messages.
 *
 * @module
 */
import { describe } from './mt19937.js';

/**
 * An output shape: a number for 1-D, an array for any rank (`[]` gives a 0-d tensor).
 *
 * @example
 * ```ts
 * rs.random(3);      // shape (3,)
 * rs.random([2, 3]); // shape (2, 3)
 * ```
 */
export type Size = number | readonly number[];

/** `(2, 3)` style, as numpy prints shapes. */
export function formatShape(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

/** Validates a `size` argument and returns the shape. */
export function toShape(size: Size, method: string): number[] {
  const dims = typeof size === 'number' ? [size] : size;
  if (typeof size !== 'number' && (size === null || typeof size !== 'object' || !Array.isArray(dims))) {
    throw new TypeError(`${method}: size must be a number or an array of numbers, got ${describe(size)}`);
  }
  const shape: number[] = [];
  for (let i = 0; i < dims.length; i++) {
    const d = dims[i];
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0) {
      const where = typeof size === 'number' ? 'size' : `size[${i}]`;
      throw new RangeError(`${method}: ${where} must be a non-negative integer, got ${describe(d)}`);
    }
    shape.push(d);
  }
  return shape;
}

export function shapeSize(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function checkNumber(value: unknown, name: string, method: string): number {
  if (typeof value !== 'number') {
    throw new TypeError(`${method}: ${name} must be a number, got ${describe(value)}`);
  }
  return value;
}

export function checkInteger(value: unknown, name: string, method: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new TypeError(`${method}: ${name} must be an integer, got ${describe(value)}`);
  }
  return value;
}
