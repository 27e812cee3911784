import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { arange, tensor } from '../tensor/create.js';
import { allocate, type DType } from '../tensor/dtype.js';
import { Tensor, type TensorLike } from '../tensor/tensor.js';
import { where } from './where.js';

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

describe('where against numpy fixtures', () => {
  it(`${FIX.where.length} cases: broadcasting, dtype pairs, scalars, views, NaN as true`, () => {
    checkCases(
      FIX.where,
      (_, [c, a, b]) => where(c as TensorLike, a as TensorLike, b as TensorLike),
      () => 0,
    );
  });
});

describe('where', () => {
  it('is ReLU with a scalar branch and returns a copy', () => {
    const x = arange(6).reshape(2, 3).sub(2);
    const r = where(x.greater(0), x, 0);
    expect(r.toArray()).toEqual([
      [0, 0, 0],
      [1, 2, 3],
    ]);
    expect(r.base).toBeNull();
    r.set(9, 1, 1);
    expect(x.get(1, 1)).toBe(2);
  });

  it('two number branches give float64; an integer scalar must fit the result dtype', () => {
    expect(where(tensor([true, false]), 1, 0).dtype).toBe('float64');
    const i = tensor([1, 2], { dtype: 'int32' });
    expect(() => where(tensor([true, false]), i, 3e9)).toThrow(
      'where: b: integer 3000000000 out of bounds for int32',
    );
  });

  it('names bad arguments', () => {
    expect(() => where(tensor([true]), 1, undefined as unknown as number)).toThrow(
      'where: b: expected a Tensor or a number, got undefined',
    );
    expect(() => where('x' as unknown as number, 1, 2)).toThrow(
      "where: cond: expected a Tensor or a number, got string 'x'",
    );
  });
});
