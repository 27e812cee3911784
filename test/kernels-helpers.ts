/**
 * Differential testing of kernel implementations: run a kernel of the implementation under test and
 * of the reference on the same random inputs and compare, to the tolerance stated per kernel and
 * dtype. Every check returns a list of failure messages (empty when all agree), so that the same
 * checks serve vitest (src/kernels/wasm/kernels.test.ts) and the relaxed-SIMD run in a child process
 * (test/kernels-relaxed-check.ts).
 *
 * Tolerances:
 * - gemm, gemmBiasAct: |test - ref| <= tol · (|alpha| · Σₚ|op(A)ᵢₚ · op(B)ₚⱼ| + |beta · Cᵢⱼ|), with
 *   tol = 1e-5 · √max(k, 1) for float32 and 1e-12 for float64 (the reference accumulates in float64;
 *   the scale is the error bound of a floating-point dot product, robust to cancellation);
 * - axpy, sumRows, relu, reluBackward, sigmoidBackward, adam: bit-identical (same operations, same
 *   rounding, same order);
 * - sigmoid, softmaxCrossEntropy (exp and log of different libraries): relative 1e-6 for float32,
 *   1e-13 for float64 (for softmax's dx = (y - onehot) / m relative to |dx| + 1/m, since y - 1 cancels).
 */
import type { FloatArray, Kernels } from '../src/kernels/types.js';

export type Dtype = 'float32' | 'float64';

/** mulberry32: a small seeded generator of uniforms in [0, 1). */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** How the arrays given to the kernels under test are made: ordinary, resident, or a mix. */
export type Placement = 'plain' | 'resident' | 'mixed';

/** Makes arrays for a test: random values in [-scale, scale), placed as asked. */
export class Arrays {
  constructor(
    readonly kernels: Kernels,
    readonly placement: Placement,
    readonly rand: () => number,
  ) {}

  make(dtype: Dtype, n: number, scale = 1): FloatArray {
    const resident = this.placement === 'resident' || (this.placement === 'mixed' && this.rand() < 0.5);
    const a = resident
      ? (this.kernels.alloc(dtype, n) as FloatArray)
      : dtype === 'float32'
        ? new Float32Array(n)
        : new Float64Array(n);
    for (let i = 0; i < n; i++) a[i] = (2 * this.rand() - 1) * scale;
    return a;
  }

  /** A copy of `src` placed like {@link make} places arrays. */
  copy(src: FloatArray): FloatArray {
    const dtype: Dtype = src instanceof Float32Array ? 'float32' : 'float64';
    const a = this.make(dtype, src.length);
    a.set(src);
    return a;
  }
}

const plainCopy = (a: FloatArray): FloatArray =>
  a instanceof Float32Array ? Float32Array.from(a) : Float64Array.from(a);
const same = (x: number, y: number): boolean => x === y || (Number.isNaN(x) && Number.isNaN(y));

/** One gemm problem. */
export interface GemmCase {
  transA: boolean;
  transB: boolean;
  m: number;
  n: number;
  k: number;
  alpha: number;
  beta: number;
  /** Extra elements per row of each matrix (leading dimension minus columns). */
  pad: number;
}

/** Sizes around the SIMD width (4, 2) and the micro-tile (MR 4, NR 8/4); see asm/gemm.ts for the cache blocks. */
export const EDGE_SIZES = [1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 33, 65, 127, 129];

/** Random gemm problems: every transpose combination with several alpha, beta and paddings. */
export function gemmCases(rand: () => number, count: number, maxSize = 129): GemmCase[] {
  const pick = (): number => {
    const s = EDGE_SIZES.filter((v) => v <= maxSize);
    return rand() < 0.7 ? s[Math.floor(rand() * s.length)] : 1 + Math.floor(rand() * maxSize);
  };
  const cases: GemmCase[] = [];
  for (let i = 0; i < count; i++) {
    cases.push({
      transA: (i & 1) === 1,
      transB: (i & 2) === 2,
      m: pick(),
      n: pick(),
      k: i % 17 === 5 ? 0 : pick(),
      alpha: [1, -0.5, 2.5][i % 3],
      beta: [0, 1, 0.3, 0][Math.floor(i / 3) % 4],
      pad: rand() < 0.3 ? 1 + Math.floor(rand() * 5) : 0,
    });
  }
  return cases;
}

/** Compares test.gemm (or gemmBiasAct) with ref's on one case; gaps between rows of C must stay untouched. */
export function gemmFailures(
  ref: Kernels,
  test: Kernels,
  dtype: Dtype,
  gc: GemmCase,
  arrays: Arrays,
  fused = false,
): string[] {
  // gemmBiasAct has no transposes, alpha or beta
  const c = fused ? { ...gc, transA: false, transB: false, alpha: 1, beta: 0 } : gc;
  const { transA, transB, m, n, k, alpha, beta, pad } = c;
  const [ar, ac] = transA ? [k, m] : [m, k];
  const [br, bc] = transB ? [n, k] : [k, n];
  const lda = Math.max(1, ac + pad);
  const ldb = Math.max(1, bc + pad);
  const ldc = Math.max(1, n + pad);
  const a = arrays.make(dtype, ar * lda);
  const b = arrays.make(dtype, br * ldb);
  const c0 = arrays.make(dtype, m * ldc, 2);
  // beta = 0 must not read C: poison it (gaps keep a sentinel that must survive)
  for (let i = 0; i < m * ldc; i++) if (i % ldc >= n) c0[i] = 12345;
  if (beta === 0) for (let i = 0; i < m * ldc; i++) if (i % ldc < n) c0[i] = Number.NaN;
  const bias = fused && n > 0 ? arrays.make(dtype, n) : null;
  const act = fused ? (['identity', 'relu', 'sigmoid'] as const)[(m + n + k) % 3] : 'identity';
  const cRef = plainCopy(c0);
  const cTest = arrays.copy(c0);
  if (fused) {
    ref.gemmBiasAct(
      m,
      n,
      k,
      plainCopy(a),
      lda,
      plainCopy(b),
      ldb,
      bias ? plainCopy(bias) : null,
      cRef,
      ldc,
      act,
    );
    test.gemmBiasAct(m, n, k, a, lda, b, ldb, bias, cTest, ldc, act);
  } else {
    ref.gemm(transA, transB, m, n, k, alpha, plainCopy(a), lda, plainCopy(b), ldb, beta, cRef, ldc);
    test.gemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, cTest, ldc);
  }
  const tol = dtype === 'float32' ? 1e-5 * Math.sqrt(Math.max(k, 1)) : 1e-12;
  const failures: string[] = [];
  const what = `${fused ? `gemmBiasAct(${act})` : 'gemm'} ${dtype} ${JSON.stringify(c)}`;
  for (let i = 0; i < m && failures.length < 3; i++) {
    for (let j = 0; j < ldc; j++) {
      const o = i * ldc + j;
      if (j >= n) {
        if (cTest[o] !== 12345) failures.push(`${what}: gap C[${i}, ${j}] was overwritten with ${cTest[o]}`);
        continue;
      }
      let scale = fused ? 1 : Math.abs(beta === 0 ? 0 : beta * c0[o]);
      for (let p = 0; p < k; p++) {
        const av = transA ? a[p * lda + i] : a[i * lda + p];
        const bv = transB ? b[j * ldb + p] : b[p * ldb + j];
        scale += Math.abs((fused ? 1 : alpha) * av * bv);
      }
      if (bias) scale += Math.abs(bias[j]);
      const err = Math.abs(cTest[o] - cRef[o]);
      if (!(err <= tol * scale + 1e-30) && !same(cTest[o], cRef[o])) {
        failures.push(`${what}: C[${i}, ${j}] = ${cTest[o]}, ref ${cRef[o]}, |diff| ${err} > ${tol * scale}`);
        break;
      }
    }
  }
  return failures;
}

/** Element counts for elementwise kernels: around the SIMD width and unrolling. */
export const ELEMENTWISE_SIZES = [0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 100, 1001];

/** Compares outputs exactly (rel 0), or to rel · (|want| + floor). */
function compare(
  what: string,
  got: ArrayLike<number>,
  want: ArrayLike<number>,
  n: number,
  rel: number,
  floor = 0,
): string[] {
  for (let i = 0; i < n; i++) {
    const ok = same(got[i], want[i]) || Math.abs(got[i] - want[i]) <= rel * (Math.abs(want[i]) + floor);
    if (!ok) return [`${what}: [${i}] = ${got[i]}, ref ${want[i]}`];
  }
  return [];
}

/**
 * Runs every elementwise kernel of test and ref on the same inputs of n elements.
 * Inputs include zeros, NaN and large magnitudes where they matter.
 */
export function elementwiseFailures(
  ref: Kernels,
  test: Kernels,
  dtype: Dtype,
  n: number,
  arrays: Arrays,
): string[] {
  const out: string[] = [];
  const at = `${dtype} n=${n}`;
  const expRel = dtype === 'float32' ? 1e-6 : 1e-13;
  const x = arrays.make(dtype, n, 6);
  if (n > 2) {
    x[0] = 0;
    x[1] = Number.NaN;
  }
  const dout = arrays.make(dtype, n);
  // axpy (y in place)
  const y0 = arrays.make(dtype, n);
  const yr = plainCopy(y0);
  ref.axpy(n, -0.1, plainCopy(x), yr);
  test.axpy(n, -0.1, x, y0);
  out.push(...compare(`axpy ${at}`, y0, yr, n, 0));
  // relu, reluBackward, sigmoid, sigmoidBackward: out of place and in place
  for (const name of ['relu', 'sigmoid'] as const) {
    const want = plainCopy(x);
    ref[name](n, plainCopy(x), want);
    const got = arrays.make(dtype, n);
    test[name](n, x, got);
    out.push(...compare(`${name} ${at}`, got, want, n, name === 'sigmoid' ? expRel : 0));
    const inPlace = arrays.copy(x);
    test[name](n, inPlace, inPlace);
    out.push(...compare(`${name} in place ${at}`, inPlace, want, n, name === 'sigmoid' ? expRel : 0));
  }
  const yv = arrays.make(dtype, n);
  for (const name of ['reluBackward', 'sigmoidBackward'] as const) {
    const first = name === 'reluBackward' ? x : yv;
    const want = plainCopy(dout);
    ref[name](n, plainCopy(first), plainCopy(dout), want);
    const got = arrays.make(dtype, n);
    test[name](n, first, dout, got);
    out.push(...compare(`${name} ${at}`, got, want, n, 0));
  }
  // adam: two steps on p, m, v in place
  const p = arrays.make(dtype, n);
  const m = arrays.make(dtype, n, 0.1);
  const v = arrays.make(dtype, n, 0.1).map(Math.abs) as FloatArray;
  const vt = arrays.copy(v);
  const [pr, mr, vr] = [plainCopy(p), plainCopy(m), plainCopy(v)];
  for (const lrT of [(0.001 * Math.sqrt(1 - 0.999)) / (1 - 0.9), 0.0013]) {
    ref.adam(n, lrT, 0.9, 0.999, pr, plainCopy(dout), mr, vr);
    test.adam(n, lrT, 0.9, 0.999, p, dout, m, vt);
  }
  out.push(
    ...compare(`adam p ${at}`, p, pr, n, 0),
    ...compare(`adam m ${at}`, m, mr, n, 0),
    ...compare(`adam v ${at}`, vt, vr, n, 0),
  );
  // the other optimizers: three steps each on p and its state (non-negative, as AdaGrad's and RMSprop's are)
  const steps: [string, (k: Kernels, p: FloatArray, g: FloatArray, s: FloatArray) => void][] = [
    ['momentum', (k, p, g, s) => k.momentum(n, 0.01, 0.9, p, g, s)],
    ['nesterov', (k, p, g, s) => k.nesterov(n, 0.01, 0.9, p, g, s)],
    ['adagrad', (k, p, g, s) => k.adagrad(n, 0.01, p, g, s)],
    ['rmsprop', (k, p, g, s) => k.rmsprop(n, 0.01, 0.99, p, g, s)],
  ];
  for (const [name, step] of steps) {
    const p = arrays.make(dtype, n);
    const st = arrays.copy(arrays.make(dtype, n, 0.1).map(Math.abs) as FloatArray);
    const [pr, sr] = [plainCopy(p), plainCopy(st)];
    for (let t = 0; t < 3; t++) {
      step(ref, pr, plainCopy(dout), sr);
      step(test, p, dout, st);
    }
    out.push(...compare(`${name} p ${at}`, p, pr, n, 0), ...compare(`${name} state ${at}`, st, sr, n, 0));
  }
  return out;
}

/** Compares sumRows on an (m, n) matrix with leading dimension n + pad. */
export function sumRowsFailures(
  ref: Kernels,
  test: Kernels,
  dtype: Dtype,
  m: number,
  n: number,
  pad: number,
  arrays: Arrays,
): string[] {
  const lda = Math.max(1, n + pad);
  const a = arrays.make(dtype, m * lda);
  const want = dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
  ref.sumRows(m, n, plainCopy(a), lda, want);
  const got = arrays.make(dtype, n);
  test.sumRows(m, n, a, lda, got);
  return compare(`sumRows ${dtype} (${m}, ${n}) lda ${lda}`, got, want, n, 0);
}

/** Compares softmaxCrossEntropy (loss, y, dx) with labels or one-hot targets. */
export function softmaxFailures(
  ref: Kernels,
  test: Kernels,
  dtype: Dtype,
  m: number,
  n: number,
  oneHot: boolean,
  arrays: Arrays,
): string[] {
  const rel = dtype === 'float32' ? 1e-6 : 1e-13;
  const x = arrays.make(dtype, m * n, 10);
  const labels = new Int32Array(m).map(() => Math.floor(arrays.rand() * n));
  let t: Int32Array | FloatArray = labels;
  if (oneHot) {
    t = arrays.make(dtype, m * n);
    t.fill(0);
    for (let i = 0; i < m; i++) t[i * n + labels[i]] = 1;
  }
  const [yr, dr] = [new Float64Array(m * n), new Float64Array(m * n)].map((a) =>
    dtype === 'float32' ? new Float32Array(a) : a,
  );
  const lossR = ref.softmaxCrossEntropy(
    m,
    n,
    plainCopy(x),
    oneHot ? plainCopy(t as FloatArray) : labels,
    yr,
    dr,
  );
  const [y, dx] = [arrays.make(dtype, m * n), arrays.make(dtype, m * n)];
  const loss = test.softmaxCrossEntropy(m, n, x, t, y, dx);
  const at = `softmaxCrossEntropy ${dtype} (${m}, ${n}) ${oneHot ? 'one-hot' : 'labels'}`;
  const out = [...compare(`${at} y`, y, yr, m * n, rel), ...compare(`${at} dx`, dx, dr, m * n, rel, 1 / m)];
  if (!(Math.abs(loss - lossR) <= rel * 10 * Math.abs(lossR)) && !same(loss, lossR))
    out.push(`${at}: loss ${loss}, ref ${lossR}`);
  return out;
}

/** Every differential check with a fixed seed: an empty list when test agrees with ref. */
export function allFailures(ref: Kernels, test: Kernels, seed = 1): string[] {
  const rand = rng(seed);
  const out: string[] = [];
  for (const placement of ['plain', 'resident', 'mixed'] as const) {
    const arrays = new Arrays(test, placement, rand);
    for (const dtype of ['float32', 'float64'] as const) {
      for (const c of gemmCases(rand, 24)) out.push(...gemmFailures(ref, test, dtype, c, arrays));
      for (const c of gemmCases(rand, 6)) out.push(...gemmFailures(ref, test, dtype, c, arrays, true));
      for (const n of ELEMENTWISE_SIZES) out.push(...elementwiseFailures(ref, test, dtype, n, arrays));
      for (const [m, n] of [
        [1, 1],
        [3, 9],
        [100, 50],
        [7, 17],
      ])
        out.push(...sumRowsFailures(ref, test, dtype, m, n, m % 2, arrays));
      for (const [m, n] of [
        [1, 1],
        [4, 10],
        [33, 7],
      ]) {
        out.push(
          ...softmaxFailures(ref, test, dtype, m, n, false, arrays),
          ...softmaxFailures(ref, test, dtype, m, n, true, arrays),
        );
      }
    }
  }
  return out;
}

/**
 * The message a kernel call throws with kernels `k`, or 'no error'.
 * @example errorOf((k) => k.relu(3, new Float32Array(2), new Float32Array(3)), refKernels) // "relu: x: ..."
 */
export function errorOf(call: (k: Kernels) => void, k: Kernels): string {
  try {
    call(k);
  } catch (e) {
    return (e as Error).message;
  }
  return 'no error';
}
