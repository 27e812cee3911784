/**
 * test/fixtures/elementwise.json (written by elementwise_fixtures.py) and the checks the binary,
 * unary, clip and where tests share: arrays with a chain of view steps, weak scalars, numpy's
 * results or numpy's error messages.
 */
import { expect } from 'vitest';
import type { DType } from '../../src/tensor/dtype.js';
import type { Tensor, TensorLike } from '../../src/tensor/tensor.js';
import { decodeNumber, decodeTyped, loadFixture } from './fixtures.js';

export type Enc = number | string;
export type ViewStep = { transpose?: number[]; slice?: (string | number | null)[]; broadcastTo?: number[] };
export interface ArrSpec {
  dtype: DType;
  shape: number[];
  data: Enc[];
  view?: ViewStep[];
}
export type Spec = ArrSpec | { scalar: Enc };
export type Expected = ArrSpec | { error: string };
export interface Case<Arg extends Spec | null = Spec | null> {
  op: string;
  args: Arg[];
  out: Expected;
  note?: string;
  /** float32 transcendental cases: the correctly rounded answer (numpy in float64, rounded). */
  ref?: ArrSpec;
}
export interface InPlaceCase {
  op: string;
  target: ArrSpec;
  b: Spec | { sameBase: true; view?: ViewStep[] };
  base: Expected;
  note?: string;
}

export const ELEMENTWISE = loadFixture<{
  binary: Case<Spec>[];
  inPlace: InPlaceCase[];
  unary: Case[];
  clip: Case[];
  where: Case[];
}>('elementwise.json');

/** `t` with the fixture's view steps applied in order. */
export function applyView(t: Tensor, view: ViewStep[] | undefined): Tensor {
  for (const step of view ?? []) {
    if (step.transpose) t = t.transpose(...step.transpose);
    else if (step.slice) t = t.slice(...step.slice);
    else if (step.broadcastTo) t = t.broadcastTo(step.broadcastTo);
  }
  return t;
}

/** A weak scalar as a number; an array as its view of a fresh base. */
export function build(spec: Spec): TensorLike {
  return 'scalar' in spec ? decodeNumber(spec.scalar) : applyView(decodeTyped(spec), spec.view);
}

/** numpy's messages, with scratchnet's int32 for numpy's default int64 and without trailing spaces. */
export const numpyMessage = (m: string): string => m.trim().replaceAll('int64', 'int32');

/** Distance in float32 ulps (both finite, same sign assumed by the caller's use). */
function ulps32(a: number, b: number): number {
  const i = new Int32Array(new Float32Array([a, b]).buffer);
  return Math.abs(i[0] - i[1]);
}

/**
 * Exact (Object.is) when `ulps` is 0; else float64 within 1e-15 relative and float32 within `ulps` ulps.
 * With `copy`, also that `actual` owns its memory (`base === null`).
 */
export function expectValues(
  actual: Tensor,
  expected: ArrSpec,
  ulps: number,
  label: string,
  copy = false,
): void {
  expect(actual.dtype, `${label}: dtype`).toBe(expected.dtype);
  expect([...actual.shape], `${label}: shape`).toEqual(expected.shape);
  if (copy) expect(actual.base, `${label}: a copy`).toBeNull();
  const got = actual.toFlatArray();
  expected.data.forEach((e, i) => {
    const want = decodeNumber(e);
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

export const describeSpec = (s: Spec | null): string =>
  s === null
    ? 'null'
    : 'scalar' in s
      ? `${s.scalar}`
      : `${s.dtype}${JSON.stringify(s.shape)}${s.view ? JSON.stringify(s.view) : ''}`;

/** Runs fixture cases through `call`, expecting numpy's result (as a copy) or numpy's error message. */
export function checkCases(
  cases: Case[],
  call: (c: Case, args: (TensorLike | null)[]) => Tensor,
  ulps: (c: Case) => number,
): void {
  for (const c of cases) {
    const label = `${c.op}(${c.args.map(describeSpec).join(', ')})${c.note ? ` [${c.note}]` : ''}`;
    const args = c.args.map((a) => (a === null ? null : build(a)));
    if ('error' in c.out) expect(() => call(c, args), label).toThrow(numpyMessage(c.out.error));
    else expectValues(call(c, args), c.out, ulps(c), label, true);
  }
}
