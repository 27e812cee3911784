import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadFixture } from '../../test/helpers/fixtures.js';
import { fromData, tensor } from './create.js';
import { contiguousStrides, shapeSize } from './shape.js';
import type { Tensor } from './tensor.js';
import {
  type Index,
  noCopyStrides,
  parseSlice,
  resolveReshape,
  type Slice,
  sliceIndices,
  sliceView,
} from './view.js';

// ------------------------------------------------------------------------------ fixtures

type JsonIndex = number | null | '...' | { start: number | null; stop: number | null; step: number | null };
type ViewOp =
  | ['transpose', number[]]
  | ['slice', { start: number | null; stop: number | null; step: number | null }[]]
  | ['squeeze', number | null]
  | ['expand_dims', number];
interface Fixtures {
  reshape: {
    base: number[];
    ops: ViewOp[];
    shape: number[];
    values: number[];
    reshape: { target: number[]; shape: number[]; view: boolean | null }[];
    ravel: { view: boolean | null };
  }[];
  slicing: { shape: number[]; index: JsonIndex[]; result_shape: number[]; values: number[] }[];
  slicing_errors: { shape: number[]; index: JsonIndex[]; message: string }[];
}
const fx = loadFixture<Fixtures>('tensor.json');

/** A contiguous float64 tensor owning its memory, holding 0, 1, 2, ... (each value is its own address). */
function iota(shape: readonly number[]): Tensor {
  return fromData(
    Float64Array.from({ length: shapeSize(shape) }, (_, i) => i),
    shape,
  );
}

function applyFixtureOp(t: Tensor, op: ViewOp): Tensor {
  switch (op[0]) {
    case 'transpose':
      return t.transpose(...op[1]);
    case 'slice':
      return t.slice(...op[1]);
    case 'squeeze':
      return op[1] === null ? t.squeeze() : t.squeeze(op[1]);
    case 'expand_dims':
      return t.expandDims(op[1]);
  }
}

describe('reshape and ravel after chains of views, against numpy', () => {
  it('has cases', () => {
    expect(fx.reshape.length).toBeGreaterThan(100);
  });
  it.each(fx.reshape.map((c, i) => [i, c.base.join('x'), c.ops.map((o) => o[0]).join(','), c] as const))(
    'case %i: (%s) %s',
    (_i, _b, _o, c) => {
      const base = iota(c.base);
      let v = base;
      for (const op of c.ops) {
        v = applyFixtureOp(v, op);
        expect(v.base).toBe(base);
      }
      expect(v.shape).toEqual(c.shape);
      expect(v.toFlatArray()).toEqual(c.values);
      for (const r of c.reshape) {
        const out = v.reshape(r.target);
        expect(out.shape).toEqual(r.shape);
        expect(out.toFlatArray()).toEqual(c.values);
        if (r.view !== null) {
          // numpy shares memory exactly when scratchnet returns a view of the same owner.
          expect(out.base !== null).toBe(r.view);
          if (r.view) expect(out.base).toBe(base);
        }
        expect(v.reshape(...r.target).shape).toEqual(r.shape);
      }
      const rav = v.ravel();
      expect(rav.shape).toEqual([shapeSize(c.shape)]);
      expect(rav.toFlatArray()).toEqual(c.values);
      if (c.ravel.view !== null) expect(rav.base !== null).toBe(c.ravel.view);
    },
  );
});

function decodeIndex(ix: JsonIndex[]): Index[] {
  return ix.map((s) => (s !== null && typeof s === 'object' ? ({ ...s } as Slice) : s));
}

describe('basic indexing against numpy', () => {
  it.each(fx.slicing.map((c, i) => [i, c.shape.join('x'), JSON.stringify(c.index), c] as const))(
    'case %i: (%s)[%s]',
    (_i, _s, _ix, c) => {
      const base = iota(c.shape);
      const v = base.slice(...decodeIndex(c.index));
      expect(v.shape).toEqual(c.result_shape);
      expect(v.toFlatArray()).toEqual(c.values);
      expect(v.base).toBe(base);
    },
  );
  it.each(fx.slicing_errors)('($shape)[$index] fails with numpy message "$message"', (c) => {
    const base = iota(c.shape);
    expect(() => base.slice(...decodeIndex(c.index))).toThrow(c.message);
  });
  it('accepts slices as strings', () => {
    const x = iota([4, 5]);
    expect(x.slice('1:3', '::-2').toArray()).toEqual([
      [9, 7, 5],
      [14, 12, 10],
    ]);
    expect(x.slice(':', ' 1 : 4 ').toArray()).toEqual([
      [1, 2, 3],
      [6, 7, 8],
      [11, 12, 13],
      [16, 17, 18],
    ]);
    expect(x.slice('...', -1).toArray()).toEqual([4, 9, 14, 19]);
    expect(x.slice(null).shape).toEqual([1, 4, 5]);
  });
  it('rejects bad index specs with clear errors', () => {
    const x = iota([4, 5]);
    expect(() => x.slice('1:2:0')).toThrow('slice step cannot be zero');
    expect(() => x.slice('a')).toThrow("index 'a' is not a slice like '1:3', '::-1', ':' or '...'");
    expect(() => x.slice('1:x')).toThrow("slice '1:x': 'x' is not an integer");
    expect(() => x.slice(1.5)).toThrow('index 1.5 is not an integer (axis 0)');
    expect(() => x.slice('...', '...')).toThrow("an index can only have a single ellipsis ('...')");
  });
});

// ------------------------------------------------------------------------------ the pure functions

describe('resolveReshape', () => {
  it('fills in one -1', () => {
    expect(resolveReshape([2, -1], 6, [6])).toEqual([2, 3]);
    expect(resolveReshape([-1], 0, [0, 3])).toEqual([0]);
    expect(resolveReshape([], 1, [1, 1])).toEqual([]);
  });
  it("uses numpy's messages", () => {
    expect(() => resolveReshape([4], 6, [2, 3])).toThrow(/^cannot reshape array of size 6 into shape \(4,\)/);
    expect(() => resolveReshape([4, -1], 6, [6])).toThrow('cannot reshape array of size 6 into shape (4,-1)');
    expect(() => resolveReshape([0, -1], 6, [6])).toThrow('cannot reshape array of size 6 into shape (0,-1)');
    expect(() => resolveReshape([-1, -1], 6, [6])).toThrow('can only specify one unknown dimension');
    expect(() => resolveReshape([-2, 3], 6, [6])).toThrow(
      'expected non-negative integers or one -1, got [-2, 3]',
    );
    expect(() => resolveReshape([1.5, 4], 6, [6])).toThrow(RangeError);
  });
});

describe('noCopyStrides', () => {
  it('finds strides for reshapes numpy does without a copy', () => {
    expect(noCopyStrides([2, 3], [3, 1], [6])).toEqual([1]);
    expect(noCopyStrides([6], [2], [2, 3])).toEqual([6, 2]);
    expect(noCopyStrides([2, 3, 4], [12, 4, 1], [6, 4])).toEqual([4, 1]);
    expect(noCopyStrides([3, 1], [1, 3], [1, 3])).toEqual([3, 1]);
  });
  it('gives null when a copy is needed', () => {
    expect(noCopyStrides([2, 3], [1, 2], [6])).toBeNull();
    expect(noCopyStrides([2, 3, 4], [12, 1, 3], [2, 12])).toBeNull();
  });
});

describe('parseSlice and sliceIndices (Python semantics)', () => {
  it('parses slice syntax', () => {
    expect(parseSlice('1:3')).toEqual({ start: 1, stop: 3, step: null });
    expect(parseSlice('::-1')).toEqual({ start: null, stop: null, step: -1 });
    expect(parseSlice(':')).toEqual({ start: null, stop: null, step: null });
    expect(parseSlice('-2:')).toEqual({ start: -2, stop: null, step: null });
    expect(parseSlice('3')).toBeNull();
    expect(parseSlice('1:2:3:4')).toBeNull();
  });
  it('matches Python for all small slices', () => {
    for (let n = 0; n <= 6; n++) {
      const bounds = [null, ...Array.from({ length: 2 * n + 7 }, (_, i) => i - n - 3)];
      for (const start of bounds)
        for (const stop of bounds)
          for (const step of [-3, -2, -1, 1, 2, 3, 7]) {
            const want = pyRange(n, start, stop, step);
            const got = sliceIndices({ start, stop, step }, n);
            expect(got.length).toBe(want.length);
            if (want.length > 0) expect(got.start).toBe(want[0]);
            expect(got.step).toBe(step);
          }
    }
  });
  it('defaults the step to 1 and rejects 0', () => {
    expect(sliceIndices({}, 5)).toEqual({ start: 0, step: 1, length: 5 });
    expect(sliceIndices({ step: -1 }, 5)).toEqual({ start: 4, step: -1, length: 5 });
    expect(() => sliceIndices({ step: 0 }, 5)).toThrow('slice step cannot be zero');
  });
  it('computes view geometry', () => {
    expect(sliceView([4, 5], [5, 1], 0, [1, '::-1'])).toEqual({ shape: [5], strides: [-1], offset: 9 });
    expect(sliceView([4, 5], [5, 1], 0, [null, '...', 2])).toEqual({
      shape: [1, 4],
      strides: [0, 5],
      offset: 2,
    });
    expect(sliceView([3], [1], 0, ['5:'])).toEqual({ shape: [0], strides: [1], offset: 0 });
  });
});

// ------------------------------------------------------------------------------ property tests

/**
 * An independent model of a view: its shape and, for each of its elements in C order, the index in
 * the base's storage (the base holds 0, 1, 2, ... so reading an element gives its base index).
 */
interface Model {
  shape: number[];
  idx: number[];
}

type MIndex = { int: number } | { slice: [number | null, number | null, number] } | 'new';
type Op =
  | { kind: 'transpose'; perm: number[] }
  | { kind: 'slice'; index: Index[]; model: MIndex[] }
  | { kind: 'expandDims'; axis: number }
  | { kind: 'squeeze'; axis: number | undefined }
  | { kind: 'reshape'; target: number[] };

const mod = (a: number, n: number) => ((a % n) + n) % n;

/** CPython's PySlice_AdjustIndices followed by range(start, stop, step), written out directly. */
function pyRange(n: number, start: number | null, stop: number | null, step: number): number[] {
  const lower = step > 0 ? 0 : -1;
  const upper = step > 0 ? n : n - 1;
  const adjust = (v: number | null, dflt: number): number => {
    if (v === null) return dflt;
    const w = v < 0 ? v + n : v;
    return Math.min(Math.max(w, lower), upper);
  };
  const out: number[] = [];
  const e = adjust(stop, step > 0 ? upper : lower);
  for (let i = adjust(start, step > 0 ? lower : upper); step > 0 ? i < e : i > e; i += step) out.push(i);
  return out;
}

/** Every multi-index of `shape` in C order. */
function multiIndices(shape: readonly number[]): number[][] {
  const out: number[][] = [];
  const rec = (prefix: number[]): void => {
    if (prefix.length === shape.length) {
      out.push(prefix);
      return;
    }
    for (let i = 0; i < shape[prefix.length]; i++) rec([...prefix, i]);
  };
  rec([]);
  return out;
}

/** The model after a gather: `source(j)` is the old multi-index read by new multi-index j. */
function gather(m: Model, shape: number[], source: (j: number[]) => number[]): Model {
  const st = contiguousStrides(m.shape);
  const idx = multiIndices(shape).map((j) => m.idx[source(j).reduce((o, v, a) => o + v * st[a], 0)]);
  return { shape, idx };
}

function applyModel(m: Model, op: Op): Model {
  switch (op.kind) {
    case 'transpose':
      return gather(
        m,
        op.perm.map((a) => m.shape[a]),
        (j) => {
          const old = new Array<number>(j.length);
          op.perm.forEach((a, k) => {
            old[a] = j[k];
          });
          return old;
        },
      );
    case 'slice': {
      // kept[a]: the old indices kept along old axis a; newAxes: which new axis reads each old axis.
      const kept: number[][] = [];
      const shape: number[] = [];
      const readFrom: (number | null)[] = [];
      let axis = 0;
      for (const s of op.model) {
        if (s === 'new') {
          shape.push(1);
          continue;
        }
        const n = m.shape[axis];
        if ('int' in s) {
          kept.push([s.int < 0 ? s.int + n : s.int]);
          readFrom.push(null);
        } else {
          const r = pyRange(n, ...s.slice);
          kept.push(r);
          readFrom.push(shape.length);
          shape.push(r.length);
        }
        axis++;
      }
      return gather(m, shape, (j) =>
        kept.map((k, a) => k[readFrom[a] === null ? 0 : j[readFrom[a] as number]]),
      );
    }
    case 'expandDims': {
      const shape = [...m.shape];
      shape.splice(op.axis < 0 ? op.axis + m.shape.length + 1 : op.axis, 0, 1);
      return { shape, idx: m.idx };
    }
    case 'squeeze': {
      const ax = op.axis === undefined ? undefined : mod(op.axis, m.shape.length);
      return { shape: m.shape.filter((d, i) => (ax === undefined ? d !== 1 : i !== ax)), idx: m.idx };
    }
    case 'reshape': {
      const known = op.target.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
      return { shape: op.target.map((d) => (d === -1 ? m.idx.length / known : d)), idx: m.idx };
    }
  }
}

function applyOp(t: Tensor, op: Op): Tensor {
  switch (op.kind) {
    case 'transpose':
      return t.transpose(...op.perm);
    case 'slice':
      return t.slice(...op.index);
    case 'expandDims':
      return t.expandDims(op.axis);
    case 'squeeze':
      return t.squeeze(op.axis);
    case 'reshape':
      return t.reshape(op.target);
  }
}

interface RawOp {
  kind: number;
  nums: number[];
}

/** Turns random numbers into a concrete op for a tensor of `shape` (null: skip). */
function resolveOp(shape: readonly number[], raw: RawOp): Op | null {
  const nd = shape.length;
  const r = raw.nums;
  switch (raw.kind) {
    case 0: {
      const perm = Array.from({ length: nd }, (_, i) => i).sort((a, b) => r[a] - r[b] || a - b);
      return { kind: 'transpose', perm };
    }
    case 1: {
      const index: Index[] = [];
      const model: MIndex[] = [];
      for (let a = 0; a < nd; a++) {
        const n = shape[a];
        const [r0, r1, r2] = [r[3 * a], r[3 * a + 1], r[3 * a + 2]];
        const mode = mod(r0, 6);
        if (mode === 0) {
          index.push(':');
          model.push({ slice: [null, null, 1] });
        } else if (mode === 1 && n > 0) {
          const i = mod(r1, 2 * n) - n;
          index.push(i);
          model.push({ int: i });
        } else {
          const start = mod(r1, 5) === 0 ? null : mod(r1, n + 5) - (n + 2);
          const stop = mod(r2, 5) === 0 ? null : mod(r2, n + 5) - (n + 2);
          const step = [1, 2, 3, -1, -2, -3, null][mod(r0 + r2, 7)];
          index.push(mode === 2 ? `${start ?? ''}:${stop ?? ''}:${step ?? ''}` : { start, stop, step });
          model.push({ slice: [start, stop, step ?? 1] });
        }
      }
      // Sometimes replace leading ':'s by '...', or add a new axis.
      let lead = 0;
      while (lead < index.length && index[lead] === ':') lead++;
      if (lead > 0 && mod(r[15], 2) === 0) index.splice(0, lead, '...');
      if (nd < 5 && mod(r[14], 4) === 0) {
        const at = mod(r[13], index.length + 1);
        // Where the new axis lands among the model's explicit per-axis entries.
        const modelAt = index[0] === '...' && at > 0 ? at - 1 + lead : at;
        index.splice(at, 0, null);
        model.splice(modelAt, 0, 'new');
      }
      return { kind: 'slice', index, model };
    }
    case 2:
      if (nd >= 5) return null;
      return { kind: 'expandDims', axis: mod(r[0], 2 * (nd + 1)) - (nd + 1) };
    case 3: {
      const ones = shape.flatMap((d, i) => (d === 1 ? [i] : []));
      if (ones.length === 0 || mod(r[0], 2) === 0) return { kind: 'squeeze', axis: undefined };
      const ax = ones[mod(r[1], ones.length)];
      return { kind: 'squeeze', axis: mod(r[2], 2) === 0 ? ax : ax - nd };
    }
    default: {
      const size = shapeSize(shape);
      const dims: number[] = [];
      if (size === 0) dims.push(...[[0], [0, 3], [2, 0, 1]][mod(r[0], 3)]);
      else {
        let rest = size;
        const k = 1 + mod(r[0], 4);
        for (let i = 0; i < k - 1; i++) {
          const divs = Array.from({ length: rest }, (_, j) => j + 1).filter((d) => rest % d === 0);
          const d = divs[mod(r[i + 1], divs.length)];
          dims.push(d);
          rest /= d;
        }
        dims.push(rest);
        if (mod(r[6], 3) === 0) dims[mod(r[7], dims.length)] = -1;
      }
      return { kind: 'reshape', target: dims };
    }
  }
}

const shapeArb = fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 4 });
const rawOpArb = fc.record({
  kind: fc.integer({ min: 0, max: 4 }),
  nums: fc.array(fc.integer({ min: -1000, max: 1000 }), { minLength: 16, maxLength: 16 }),
});
const chainArb = fc.record({ shape: shapeArb, raw: fc.array(rawOpArb, { minLength: 1, maxLength: 5 }) });

/** Builds the view chain on a fresh base: the ops that apply as views, the view, and the model. */
function build(shape: number[], raw: RawOp[]) {
  const base = iota(shape);
  let view = base;
  let model: Model = { shape: [...shape], idx: Array.from({ length: shapeSize(shape) }, (_, i) => i) };
  const ops: Op[] = [];
  for (const r of raw) {
    const op = resolveOp(view.shape, r);
    if (op === null) continue;
    const next = applyOp(view, op);
    if (op.kind === 'reshape' && next.base === null) continue; // a copy: not part of a view chain
    view = next;
    model = applyModel(model, op);
    ops.push(op);
  }
  return { base, view, model, ops };
}

describe('view chains (property tests)', () => {
  it('reading a view equals reading the copy made at each step, and the independent model', () => {
    fc.assert(
      fc.property(chainArb, ({ shape, raw }) => {
        const { base, view, model, ops } = build(shape, raw);
        let ref = base.copy();
        for (const op of ops) ref = applyOp(ref, op).copy();
        expect(view.shape).toEqual(model.shape);
        expect(ref.shape).toEqual(model.shape);
        expect(view.base).toBe(ops.length === 0 ? null : base);
        expect(ref.base).toBeNull();
        const all = multiIndices(view.shape);
        all.forEach((j, k) => {
          expect(view.get(...j)).toBe(model.idx[k]);
          expect(ref.get(...j)).toBe(model.idx[k]);
          // The same element through negative indices.
          expect(view.get(...j.map((v, a) => v - view.shape[a]))).toBe(model.idx[k]);
        });
        expect(view.toFlatArray()).toEqual(model.idx);
        expect(ref.toFlatArray()).toEqual(model.idx);
        expect(view.copy().toArray()).toEqual(view.toArray());
        expect(view.isContiguous).toBe(ref.size === 0 || noGaps(view));
      }),
      { numRuns: 300 },
    );
  });

  it('writing through a view (set, fill, assign) changes exactly the right elements of the base', () => {
    fc.assert(
      fc.property(chainArb, fc.integer({ min: 0, max: 10_000 }), ({ shape, raw }, pick) => {
        const original = Array.from({ length: shapeSize(shape) }, (_, i) => i);
        const expectBase = (base: Tensor, write: Map<number, number>) => {
          expect(base.toFlatArray()).toEqual(original.map((v, i) => write.get(i) ?? v));
        };
        // set one element
        {
          const { base, view, model } = build(shape, raw);
          if (view.size > 0) {
            const k = pick % view.size;
            const j = multiIndices(view.shape)[k];
            view.set(-5, ...j);
            expectBase(base, new Map([[model.idx[k], -5]]));
          }
        }
        // fill
        {
          const { base, view, model } = build(shape, raw);
          view.fill(-1);
          expectBase(base, new Map(model.idx.map((i) => [i, -1])));
        }
        // assign a tensor of the same shape
        {
          const { base, view, model } = build(shape, raw);
          const src = fromData(
            Float64Array.from({ length: view.size }, (_, i) => 1000 + i),
            view.shape,
          );
          view.assign(src);
          expectBase(base, new Map(model.idx.map((b, i) => [b, 1000 + i])));
        }
        // assign with broadcasting along the leading axes
        {
          const { base, view, model } = build(shape, raw);
          if (view.ndim > 0) {
            const last = view.shape[view.ndim - 1];
            view.assign(
              fromData(
                Float64Array.from({ length: last }, (_, i) => 2000 + i),
                [last],
              ),
            );
            expectBase(base, new Map(model.idx.map((b, i) => [b, 2000 + (i % Math.max(last, 1))])));
          }
        }
        // assign from an overlapping view of the same memory (numpy copies first)
        {
          const { base, view, model } = build(shape, raw);
          const before = view.toFlatArray();
          const flipped = view.ndim > 0 ? view.slice('...', '::-1') : view;
          view.assign(flipped);
          const want = new Map<number, number>();
          if (view.ndim > 0) {
            const last = view.shape[view.ndim - 1];
            model.idx.forEach((b, i) => {
              const row = i - (i % last);
              want.set(b, before[row + last - 1 - (i % last)]);
            });
          }
          expectBase(base, want);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('a reshape that must copy never writes back', () => {
    const x = iota([2, 3]);
    const r = x.T.reshape(6);
    expect(r.base).toBeNull();
    r.fill(0);
    expect(x.toFlatArray()).toEqual([0, 1, 2, 3, 4, 5]);
    const v = x.reshape(3, 2);
    expect(v.base).toBe(x);
    v.set(99, -1, -1);
    expect(x.get(1, 2)).toBe(99);
  });

  it('keeps the owner as base through many levels of views', () => {
    const x = tensor([
      [1, 2],
      [3, 4],
    ]);
    const v = x.reshape(4).slice('::-1').expandDims(0).squeeze().reshape(2, 2).T.slice(0);
    expect(v.base).toBe(x);
    expect(v.toArray()).toEqual([4, 2]);
    v.set(0, 1);
    expect(x.toArray()).toEqual([
      [1, 0],
      [3, 4],
    ]);
  });
});

/** Whether the view's elements are consecutive in storage in C order (a check of isContiguous). */
function noGaps(t: Tensor): boolean {
  const offs: number[] = [];
  for (const j of multiIndices(t.shape)) offs.push(t.indexOf(j));
  return offs.every((o, i) => i === 0 || o === offs[i - 1] + 1);
}
