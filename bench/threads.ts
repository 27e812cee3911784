/**
 * `npx tsx bench/threads.ts`: where a second thread starts to pay for the WASM GEMM on this machine.
 * Float32 products from 64³ to 512³ (and the training step's 784-deep ones, dense and with MNIST's
 * 80% zeros in A, which take the sparse path), each timed with
 * `threads: 1` and with `threads: 2` (every product split), in turns, in one process; prints the
 * medians, the speed-up and the load average (other processes on a 2-core machine take the second
 * core away, so read the speed-ups with it; the ratio of the best rounds is closer to what an idle
 * machine gives). `WasmKernels`' default threshold
 * (`DEFAULT_THREAD_MIN_PRODUCT`, in multiply-adds m·n·k) comes from runs of this.
 * Options: --quick (fewer rounds), --json.
 */
import { availableParallelism, loadavg } from 'node:os';
import { DEFAULT_THREAD_MIN_PRODUCT } from '../src/kernels/wasm/gemm-threads.js';
import { WasmKernels } from '../src/kernels/wasm/kernels.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const asJson = args.includes('--json');
const rounds = quick ? 5 : 15;

/** [transA, m, n, k, sparse A (80% zeros, as MNIST images)]. */
const SHAPES: [boolean, number, number, number, boolean][] = [
  [false, 64, 64, 64, false],
  [false, 100, 100, 100, false],
  [false, 128, 128, 128, false],
  [false, 144, 144, 144, false],
  [false, 100, 50, 784, false],
  [false, 100, 50, 784, true],
  [true, 784, 50, 100, false],
  [true, 784, 50, 100, true],
  [false, 160, 160, 160, false],
  [false, 180, 180, 180, false],
  [false, 200, 200, 200, false],
  [false, 256, 256, 256, false],
  [false, 320, 320, 320, false],
  [false, 400, 400, 400, false],
  [false, 512, 512, 512, false],
];

const one = new WasmKernels({ relaxed: false, threads: 1 });
const two = new WasmKernels({ relaxed: false, threads: 2, threadMinProduct: 0 });

function product(
  k: WasmKernels,
  transA: boolean,
  m: number,
  n: number,
  depth: number,
  sparse = false,
): () => void {
  const a = k.alloc('float32', m * depth);
  const b = k.alloc('float32', depth * n);
  const c = k.alloc('float32', m * n);
  for (let i = 0; i < a.length; i++) a[i] = sparse && (i * 0.618034) % 1 < 0.8 ? 0 : Math.sin(i);
  for (let i = 0; i < b.length; i++) b[i] = Math.cos(i);
  return () => k.gemm(transA, false, m, n, depth, 1, a, transA ? m : depth, b, n, 0, c, n);
}

// start the worker and let both instances' code tier up
const warm2 = product(two, false, 256, 256, 256);
const warm1 = product(one, false, 256, 256, 256);
warm2();
while (two.threadInfo.ready < 1) await new Promise((r) => setTimeout(r, 10));
const warmEnd = performance.now() + (quick ? 500 : 1500);
while (performance.now() < warmEnd) {
  warm1();
  warm2();
}

const median = (t: number[]): number => [...t].sort((x, y) => x - y)[t.length >> 1];
const loadBefore = loadavg();
const results = SHAPES.map(([transA, m, n, depth, sparse]) => {
  const f1 = product(one, transA, m, n, depth, sparse);
  const f2 = product(two, transA, m, n, depth, sparse);
  const reps = Math.max(3, Math.round(2e7 / (m * n * depth)));
  const t1: number[] = [];
  const t2: number[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const [f, t] of [
      [f1, t1],
      [f2, t2],
    ] as const) {
      f();
      const s = performance.now();
      for (let i = 0; i < reps; i++) f();
      t.push((performance.now() - s) / reps);
    }
  }
  const best = (t: number[]): number => Math.min(...t);
  return {
    transA,
    m,
    n,
    k: depth,
    sparse,
    product: m * n * depth,
    oneMs: median(t1),
    twoMs: median(t2),
    oneBestMs: best(t1),
    twoBestMs: best(t2),
  };
});
const loadAfter = loadavg();
const info = two.threadInfo;
await two.dispose();

if (asJson) {
  console.log(
    JSON.stringify({ date: new Date().toISOString(), loadBefore, loadAfter, info, results }, null, 1),
  );
} else {
  const fmt = (l: number[]): string => l.map((v) => v.toFixed(2)).join(' ');
  console.log(
    `f32 GEMM, 1 thread against 2 (every product split), ${new Date().toISOString()}, Node ${process.version}, ${availableParallelism()} cores`,
  );
  console.log(
    `worker start-up: ${info.spawnMs?.toFixed(1)} ms on the calling thread, ready after ${info.startupMs} ms`,
  );
  console.log(`load average before: ${fmt(loadBefore)}; after: ${fmt(loadAfter)}\n`);
  console.log(
    `${'shape'.padEnd(22)} ${'m·n·k'.padStart(8)} ${'1 thread'.padStart(10)} ${'2 threads'.padStart(10)} speed-up`,
  );
  for (const r of results) {
    const shape = `${r.transA ? 'Aᵀ ' : ''}${r.m}x${r.n}x${r.k}${r.sparse ? ', sparse A' : ''}`;
    const us = (ms: number): string => `${(ms * 1e3).toFixed(0)} µs`.padStart(10);
    console.log(
      `${shape.padEnd(26)} ${`${(r.product / 1e6).toFixed(1)}M`.padStart(7)} ${us(r.oneMs)} ${us(r.twoMs)} ${(r.oneMs / r.twoMs).toFixed(2).padStart(8)}  (${us(r.oneBestMs)} ${us(r.twoBestMs)} ${(r.oneBestMs / r.twoBestMs).toFixed(2).padStart(6)})`,
    );
  }
  console.log(
    `\ndefault threshold: products of ${(DEFAULT_THREAD_MIN_PRODUCT / 1e6).toFixed(1)}M multiply-adds and more`,
  );
}
