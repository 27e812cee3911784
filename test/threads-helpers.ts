/**
 * Checks of GEMM on worker threads against one thread, bit for bit, shared by
 * src/kernels/wasm/threads.test.ts and the relaxed-SIMD run in a child process
 * (test/threads-relaxed-check.ts): shapes around the blocks of rows a product is split into, every
 * transpose, alpha/beta, padded rows, fused bias and activations, depth beyond one block.
 */
import type { Activation, FloatArray } from '../src/kernels/types.js';
import type { GemmThreads } from '../src/kernels/wasm/gemm-threads.js';
import { WasmKernels } from '../src/kernels/wasm/kernels.js';
import { type GemmCase, rng } from './kernels-helpers.js';

export type Dtype = 'float32' | 'float64';

/** The internal thread state of a kernels instance (to make the workers do every block). */
export const threadsOf = (k: WasmKernels): GemmThreads => (k as unknown as { pool: GemmThreads }).pool;

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Waits until `ready()` holds (checked every 10 ms), failing after 20 s. */
export async function until(ready: () => boolean, what: string): Promise<void> {
  const end = Date.now() + 20_000;
  while (!ready()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/**
 * Kernels with 2 threads and every product of 8 rows or more split; resolves once the worker is
 * ready. With `callerRuns` false the worker computes every block.
 */
export async function threaded(callerRuns: boolean, relaxed = false): Promise<WasmKernels> {
  const k = new WasmKernels({ relaxed, threads: 2, threadMinProduct: 0 });
  threadsOf(k).callerRuns = callerRuns;
  const a = new Float32Array(64);
  k.gemm(false, false, 8, 8, 8, 1, a, 8, a, 8, 0, new Float32Array(64), 8); // starts the pool
  await until(() => k.threadInfo.ready === 1, 'the worker');
  return k;
}

/** An array of n uniforms in [-1, 1): resident in `k` when given. */
export function filled(dtype: Dtype, n: number, rand: () => number, k?: WasmKernels): FloatArray {
  const a = k
    ? (k.alloc(dtype, n) as FloatArray)
    : dtype === 'float32'
      ? new Float32Array(n)
      : new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = 2 * rand() - 1;
  return a;
}

/** One product: a {@link GemmCase}, or a fused one. */
export interface ThreadCase extends GemmCase {
  /** gemmBiasAct with this activation (no transposes, alpha 1, beta 0). */
  act?: Activation;
  bias?: boolean;
}

/**
 * Runs a case on `one` (one thread) and on `test`; returns a description of the first difference
 * (NaN equals NaN, -0 differs from +0; gaps between rows of C included), or null.
 */
export function difference(
  one: WasmKernels,
  test: WasmKernels,
  dtype: Dtype,
  c: ThreadCase,
  rand: () => number,
  resident: boolean,
): string | null {
  const { transA, transB, m, n, k, alpha, beta, pad } = c;
  const [ar, ac] = transA ? [k, m] : [m, k];
  const [br, bc] = transB ? [n, k] : [k, n];
  const [lda, ldb, ldc] = [Math.max(1, ac + pad), Math.max(1, bc + pad), n + pad];
  const host = resident ? test : undefined;
  const a = filled(dtype, ar * lda, rand, host);
  const b = filled(dtype, br * ldb, rand, host);
  const bias = c.bias ? filled(dtype, n, rand, host) : null;
  const c0 = filled(dtype, m * ldc, rand);
  for (let i = 0; i < c0.length; i++) {
    if (i % ldc >= n) c0[i] = 12345;
    else if (beta === 0) c0[i] = Number.NaN;
  }
  const c1 = c0.slice();
  const c2 = host ? (host.alloc(dtype, c0.length) as FloatArray) : c0.slice();
  c2.set(c0);
  if (c.act) {
    one.gemmBiasAct(m, n, k, a, lda, b, ldb, bias, c1, ldc, c.act);
    test.gemmBiasAct(m, n, k, a, lda, b, ldb, bias, c2, ldc, c.act);
  } else {
    one.gemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c1, ldc);
    test.gemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c2, ldc);
  }
  for (let i = 0; i < c1.length; i++) {
    if (!Object.is(c1[i], c2[i]))
      return `${dtype} ${JSON.stringify(c)}: C[${Math.floor(i / ldc)}, ${i % ldc}] = ${c2[i]}, one thread ${c1[i]}`;
  }
  return null;
}

/**
 * Shapes around the split (from blocks of 4 rows up), odd n and k, k = 0 and two depth blocks, each
 * transpose with alpha/beta, and one gemmBiasAct per m; then 4 larger products (several depth and
 * column blocks).
 */
export function threadCases(rand: () => number): ThreadCase[] {
  const ms = [8, 9, 10, 11, 12, 13, 15, 16, 17, 19, 20, 31, 33, 63, 65, 100, 129];
  const ns = [1, 3, 8, 9, 17, 50];
  const ks = [0, 1, 7, 64, 300, 1030];
  const out: ThreadCase[] = [];
  for (const m of ms) {
    for (let t = 0; t < 4; t++) {
      const n = ns[Math.floor(rand() * ns.length)];
      const k = ks[(m + t) % ks.length];
      const [alpha, beta] = [
        [1, 0],
        [-0.5, 0.3],
        [2.5, 1],
      ][(m + t) % 3];
      const pad = rand() < 0.3 ? 1 + Math.floor(rand() * 3) : 0;
      out.push({ transA: (t & 1) === 1, transB: (t & 2) === 2, m, n, k, alpha, beta, pad });
    }
    const act = (['identity', 'relu', 'sigmoid'] as const)[m % 3];
    const n = ns[Math.floor(rand() * ns.length)];
    const k = ks[Math.floor(rand() * ks.length)];
    out.push({
      transA: false,
      transB: false,
      m,
      n,
      k,
      alpha: 1,
      beta: 0,
      pad: m % 2,
      act,
      bias: m % 4 !== 1,
    });
  }
  for (let t = 0; t < 4; t++) {
    out.push({
      transA: (t & 1) === 1,
      transB: (t & 2) === 2,
      m: 300,
      n: 200,
      k: 1100,
      alpha: 1,
      beta: 0.5,
      pad: t,
    });
  }
  return out;
}

/** Every case of {@link threadCases}, plain and resident arrays: the differences found. */
export function threadFailures(one: WasmKernels, test: WasmKernels, dtype: Dtype, seed: number): string[] {
  const rand = rng(seed);
  const failures: string[] = [];
  for (const c of threadCases(rand)) {
    for (const resident of [false, true]) {
      const d = difference(one, test, dtype, c, rand, resident);
      if (d) failures.push(d);
    }
  }
  return failures;
}
