import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { arange, tensor, zeros } from '../tensor/create.js';
import { allocate, type DType } from '../tensor/dtype.js';
import { Tensor, type TensorLike } from '../tensor/tensor.js';
import { clip, clipInPlace } from './clip.js';

// ------------------------------------------------------------------ fixtures (test/fixtures/elementwise_fixtures.py)

type Enc = number | string;
type ViewStep = { transpose?: number[]; slice?: (string | number | null)[]; broadcastTo?: number[] };
interface ArrSpec {
  dtype: DType;
  shape: number[];
  data: Enc[];
  view?: ViewStep[];
}
type Spec = ArrSpec | { scalar: Enc };
type Expected = ArrSpec | { error: string };
interface Case {
  op: string;
  args: (Spec | null)[];
  out: Expected;
  note?: string;
}
const FIX = JSON.parse(
  readFileSync(new URL('../../test/fixtures/elementwise.json', import.meta.url), 'utf8'),
) as Record<string, Case[]>;

const dec = (v: Enc): number =>
  v === 'nan' ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : Number(v);

function build(spec: Spec): TensorLike {
  if ('scalar' in spec) return dec(spec.scalar);
  const data = allocate(spec.dtype, spec.data.length);
  spec.data.forEach((v, i) => {
    data[i] = dec(v);
  });
  let t = new Tensor(data, spec.shape, { dtype: spec.dtype });
  for (const step of spec.view ?? []) {
    if (step.transpose) t = t.transpose(...step.transpose);
    else if (step.slice) t = t.slice(...step.slice);
    else if (step.broadcastTo) t = t.broadcastTo(step.broadcastTo);
  }
  return t;
}

/** numpy's messages without trailing spaces. */
const numpyMessage = (m: string): string => m.trim().replaceAll('int64', 'int32');

function ulps32(a: number, b: number): number {
  const i = new Int32Array(new Float32Array([a, b]).buffer);
  return Math.abs(i[0] - i[1]);
}

/** Exact (Object.is) when `ulps` is 0; else float64 within 1e-15 relative and float32 within `ulps` ulps. */
function expectValues(actual: Tensor, expected: ArrSpec, ulps: number, label: string): void {
  expect(actual.dtype, `${label}: dtype`).toBe(expected.dtype);
  expect([...actual.shape], `${label}: shape`).toEqual(expected.shape);
  expect(actual.base, `${label}: a copy`).toBeNull();
  const got = actual.toFlatArray();
  expected.data.forEach((e, i) => {
    const want = dec(e);
    const have = got[i];
    if (Object.is(have, want)) return;
    const ok =
      ulps > 0 &&
      Number.isFinite(want) &&
      (actual.dtype === 'float32'
        ? ulps32(have, want) <= ulps
        : Math.abs(have - want) <= 1e-15 * Math.abs(want));
    expect(ok, `${label}: element ${i}: got ${have}, numpy ${want}`).toBe(true);
  });
}

const describeSpec = (s: Spec | null): string =>
  s === null
    ? 'null'
    : 'scalar' in s
      ? `${s.scalar}`
      : `${s.dtype}${JSON.stringify(s.shape)}${s.view ? JSON.stringify(s.view) : ''}`;

/** Runs fixture cases through `call`, expecting numpy's result or numpy's error message. */
function checkCases(
  cases: Case[],
  call: (c: Case, args: (TensorLike | null)[]) => Tensor,
  ulps: (c: Case) => number,
) {
  for (const c of cases) {
    const label = `${c.op}(${c.args.map(describeSpec).join(', ')})${c.note ? ` [${c.note}]` : ''}`;
    const args = c.args.map((a) => (a === null ? null : build(a)));
    if ('error' in c.out) expect(() => call(c, args), label).toThrow(numpyMessage(c.out.error));
    else expectValues(call(c, args), c.out, ulps(c), label);
  }
}

describe('clip against numpy fixtures', () => {
  it(`${FIX.clip.length} cases: NaN, min > max, null bounds, broadcasting bounds, views, dtypes`, () => {
    checkCases(
      FIX.clip,
      (_, [a, lo, hi]) => clip(a as TensorLike, lo, hi),
      () => 0,
    );
  });
});

describe('clip', () => {
  it('returns a copy; the Tensor method delegates', () => {
    const x = tensor([-2, 0.5, 3]);
    const r = x.clip(0, 1);
    expect(r.toArray()).toEqual([0, 0.5, 1]);
    expect(r.base).toBeNull();
    expect(x.toArray()).toEqual([-2, 0.5, 3]);
  });

  it('names bad arguments', () => {
    expect(() => clip(tensor([1]), '0' as unknown as number, 1)).toThrow(
      "clip: min: expected a Tensor or a number, got string '0'",
    );
    expect(() => clip([1] as unknown as number, 0, 1)).toThrow(
      'clip: a: expected a Tensor or a number, got an Array',
    );
    expect(() => clipInPlace(1 as unknown as Tensor, 0, 1)).toThrow(
      'clipInPlace: target: expected a Tensor, got number 1',
    );
  });
});

describe('clipInPlace', () => {
  it('writes through a view into its base', () => {
    const W = arange(12).reshape(3, 4).sub(6);
    expect(clipInPlace(W.slice(':', '::-2'), -1, 2)).toBeInstanceOf(Tensor);
    expect(W.toArray()).toEqual([
      [-6, -1, -4, -1],
      [-2, -1, 0, 1],
      [2, 2, 4, 2],
    ]);
  });

  it('broadcasts bounds to the target, reads overlapping bounds before writing', () => {
    const x = tensor([
      [5, -5, 0],
      [1, 2, 3],
    ]);
    clipInPlace(x, tensor([[0], [2]]), null);
    expect(x.toArray()).toEqual([
      [5, 0, 0],
      [2, 2, 3],
    ]);
    const y = tensor([3, 1, 2, 0]);
    clipInPlace(y, null, y.slice('::-1')); // y = minimum(y, y[::-1]) with the old values
    expect(y.toArray()).toEqual([0, 1, 1, 0]);
  });

  it('keeps float32 targets float32 and refuses float bounds on integer targets (same_kind)', () => {
    const f = tensor([0, 0.5, 2], { dtype: 'float32' });
    clipInPlace(f, 0.1, 1);
    expect(f.toArray()).toEqual([Math.fround(0.1), 0.5, 1]);
    const i = zeros([2], { dtype: 'int32' });
    expect(() => clipInPlace(i, 0.5, 1)).toThrow(
      "Cannot cast ufunc 'clip' output from dtype('float64') to dtype('int32') with casting rule 'same_kind'",
    );
    expect(() => clipInPlace(i, 0.5, null)).toThrow(
      "Cannot cast ufunc 'maximum' output from dtype('float64')",
    );
    const u = tensor([0, 100, 255], { dtype: 'uint8' });
    clipInPlace(u, 50, 300);
    expect(u.toArray()).toEqual([50, 100, 255]);
  });

  it('checks the output shape and refuses broadcast targets', () => {
    expect(() => clipInPlace(zeros([3]), zeros([2, 3]), 1)).toThrow(
      "non-broadcastable output operand with shape (3,) doesn't match the broadcast shape (2,3)",
    );
    expect(() => clipInPlace(zeros([3]).broadcastTo([2, 3]), 0, 1)).toThrow('output array is read-only');
    const z = zeros([2]);
    expect(clipInPlace(z, null, null)).toBe(z);
  });
});
