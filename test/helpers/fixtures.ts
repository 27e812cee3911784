/**
 * Reading the JSON fixtures that the python scripts in test/fixtures write: arrays come as
 * `{shape, data}` with non-finite floats spelled "nan", "inf", "-inf".
 */
import { readFileSync } from 'node:fs';
import { tensor } from '../../src/tensor/create.js';
import { allocate, type DType } from '../../src/tensor/dtype.js';
import { Tensor } from '../../src/tensor/tensor.js';

/** An encoded array as the fixture scripts write it. */
export interface EncodedArray {
  shape: number[];
  data: (number | string)[];
}

/** Parses one fixture file of test/fixtures by name. */
export function loadFixture<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8')) as T;
}

/** A fixture number, with "nan"/"inf"/"-inf" decoded. */
export function decodeNumber(v: number | string): number {
  if (typeof v === 'number') return v;
  if (v === 'nan') return Number.NaN;
  if (v === 'inf') return Number.POSITIVE_INFINITY;
  if (v === '-inf') return Number.NEGATIVE_INFINITY;
  throw new Error(`fixture: unknown number ${v}`);
}

/** An encoded array as a contiguous tensor. */
export function decode(a: EncodedArray, dtype: DType = 'float64'): Tensor {
  return tensor(a.data.map(decodeNumber), { dtype }).reshape(a.shape);
}

/** An encoded array that names its dtype. */
export interface TypedEncodedArray extends EncodedArray {
  dtype: DType;
}

/** A typed encoded array as a contiguous tensor of its dtype over fresh storage (`base === null`). */
export function decodeTyped(a: TypedEncodedArray): Tensor {
  const data = allocate(a.dtype, a.data.length);
  a.data.forEach((v, i) => {
    data[i] = decodeNumber(v);
  });
  return new Tensor(data, a.shape, { dtype: a.dtype });
}

/** Largest |a - b| / max(|b|, tiny) over two equal-length lists. */
export function maxRelError(a: readonly number[], b: readonly number[]): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    if (Object.is(a[i], b[i])) continue;
    worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.max(Math.abs(b[i]), 1e-300));
  }
  return worst;
}
