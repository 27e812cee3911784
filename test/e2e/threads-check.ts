/**
 * Bundled by test/e2e/wasm-threads.test.ts and run in headless Chromium, on the page's main thread
 * and in a module Worker: the WASM GEMM with 2 threads against 1 thread, bit for bit.
 */

import type { ThreadInfo } from '../../src/kernels/wasm/gemm-threads.js';
import { WasmKernels } from '../../src/kernels/wasm/kernels.js';

/** What one run reports. */
export interface ThreadsCheck {
  info: ThreadInfo;
  /** Products whose results differed from one thread's. */
  mismatches: number;
  products: number;
}

/** mulberry32 uniforms in [-0.5, 0.5). */
function fill(a: Float32Array, seed: number): Float32Array {
  let s = seed >>> 0;
  for (let i = 0; i < a.length; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    a[i] = ((t ^ (t >>> 14)) >>> 0) / 4294967296 - 0.5;
  }
  return a;
}

/** Starts the pool, waits (yielding to the event loop) for the worker, then compares products. */
export async function runThreadsCheck(): Promise<ThreadsCheck> {
  const one = new WasmKernels({ relaxed: false, threads: 1 });
  const two = new WasmKernels({ relaxed: false, threads: 2, threadMinProduct: 0 });
  const x = fill(new Float32Array(64 * 64), 1);
  two.gemm(false, false, 64, 64, 64, 1, x, 64, x, 64, 0, new Float32Array(64 * 64), 64);
  const end = Date.now() + 20_000;
  while (two.threadInfo.ready < two.threadInfo.workers && Date.now() < end)
    await new Promise((r) => setTimeout(r, 10));
  let mismatches = 0;
  let products = 0;
  const shapes = [
    [8, 8, 8],
    [17, 9, 300],
    [100, 50, 784],
    [129, 65, 1030],
    [256, 256, 256],
  ];
  for (const [m, n, k] of shapes) {
    for (let t = 0; t < 4; t++) {
      const [tA, tB] = [(t & 1) === 1, (t & 2) === 2];
      const a = fill(new Float32Array(m * k), m + t);
      const b = fill(new Float32Array(k * n), n + t);
      const c1 = new Float32Array(m * n);
      const c2 = new Float32Array(m * n);
      one.gemm(tA, tB, m, n, k, 1, a, tA ? m : k, b, tB ? k : n, 0, c1, n);
      two.gemm(tA, tB, m, n, k, 1, a, tA ? m : k, b, tB ? k : n, 0, c2, n);
      products++;
      if (c1.some((v, i) => !Object.is(v, c2[i]))) mismatches++;
    }
  }
  const info = two.threadInfo;
  await two.dispose();
  return { info, mismatches, products };
}
