/**
 * test/fixtures/reduce_linalg.json (written by reduce_linalg_fixtures.py with numpy 2.x): named input
 * arrays and views of them, the cases of reduce, matmul, join and indexing, and the checks those
 * tests share.
 */
import { expect } from 'vitest';
import type { Tensor } from '../../src/tensor/tensor.js';
import type { Index } from '../../src/tensor/view.js';
import { decodeNumber, decodeTyped, type TypedEncodedArray } from './fixtures.js';

/** An encoded array with its dtype; reductions also give the keepdims shape. */
export interface ArrJson extends TypedEncodedArray {
  kshape?: number[];
}
/** A view of a named input, rebuilt with `.transpose(...)` / `.slice(...)`. */
export interface ViewJson {
  base: string;
  ops: ({ transpose: number[] } | { slice: Index[] })[];
}
/** Shapes whose op fails with numpy's `message`; each test adds the arguments it reads. */
export interface ErrorCase {
  op: string;
  shapes: number[][];
  message: string;
}
export interface ReduceLinalgFixtures<E extends ErrorCase = ErrorCase> {
  tolerance: { float64: number; float32: number };
  arrays: Record<string, ArrJson>;
  views: Record<string, ViewJson>;
  errors: E[];
}

/**
 * A function giving the fixture input `name`: a base array (contiguous, owning its memory) or a
 * view rebuilt from its base; `onView` sees each view as it is rebuilt.
 */
export function fixtureInputs(
  fx: Pick<ReduceLinalgFixtures, 'arrays' | 'views'>,
  onView?: (t: Tensor) => void,
): (name: string) => Tensor {
  const input = (name: string): Tensor => {
    if (name in fx.arrays) return decodeTyped(fx.arrays[name]);
    const v = fx.views[name];
    let t = input(v.base);
    for (const op of v.ops) t = 'transpose' in op ? t.transpose(...op.transpose) : t.slice(...op.slice);
    onView?.(t);
    return t;
  };
  return input;
}

/** Exactly numpy's dtype, shape and values. */
export function expectArray(actual: Tensor, expected: ArrJson, label: string): void {
  expect(actual.dtype, label).toBe(expected.dtype);
  expect(actual.shape, label).toEqual(expected.shape);
  expect(actual.toFlatArray(), label).toEqual(expected.data.map(decodeNumber));
}

/**
 * Differences between `actual` and numpy's `expected` of `shape` (empty when they agree): NaN
 * matches NaN, and finite values match within `rtol * max(1, |expected|)` (exactly when `rtol` is 0).
 */
export function compare(actual: Tensor, expected: ArrJson, shape: readonly number[], rtol: number): string[] {
  const bad: string[] = [];
  if (actual.dtype !== expected.dtype) bad.push(`dtype ${actual.dtype} != ${expected.dtype}`);
  if (JSON.stringify(actual.shape) !== JSON.stringify(shape))
    bad.push(`shape [${actual.shape}] != [${shape}]`);
  const got = actual.toFlatArray();
  if (got.length !== expected.data.length) return [...bad, `size ${got.length} != ${expected.data.length}`];
  for (let i = 0; i < got.length; i++) {
    const e = decodeNumber(expected.data[i]);
    const g = got[i];
    const ok = Number.isNaN(e)
      ? Number.isNaN(g)
      : !Number.isFinite(e) || rtol === 0
        ? g === e
        : Math.abs(g - e) <= rtol * Math.max(1, Math.abs(e));
    if (!ok) bad.push(`[${i}] ${g} != ${e}`);
  }
  return bad;
}
