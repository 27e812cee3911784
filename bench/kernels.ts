/**
 * `npx tsx bench/kernels.ts`: float32 GEMM 512x512x512 in GFLOP/s, in one run, on this machine:
 * scratchnet's ref and WASM kernels (plain SIMD with 1 thread and with 2 (a worker thread; timed in
 * turns with the 1-thread runs and TensorFlow.js); relaxed SIMD in a child process started with
 * --experimental-wasm-relaxed-simd where the runtime needs it), TensorFlow.js 4.22 with the WASM
 * backend (XNNPACK, SIMD, 1 thread) and the CPU backend, and numpy (python3, environment untouched;
 * OpenBLAS as installed, and again limited to 1 thread through OpenBLAS's own API in that process).
 * A second table times the GEMMs of one training step of the 784-50-10 network, batch 100.
 *
 * Each figure is the median over timed batches (the best batch in parentheses): the machine may be
 * shared, so medians move; ratios are of medians measured in the same run.
 * Options: --quick (shorter timing), --json (machine-readable output).
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { availableParallelism, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { refKernels } from '../src/kernels/ref/index.js';
import type { Kernels } from '../src/kernels/types.js';
import { WasmKernels } from '../src/kernels/wasm/kernels.js';
import { detectFeatures } from '../src/kernels/wasm/module.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const asJson = args.includes('--json');
const child = args.includes('--child');
const seconds = quick ? 0.3 : 1.5;
const N = 512;
const FLOP = 2 * N ** 3;

/** Seconds per call: the median and the best over batches filling `budget` seconds. */
interface Timing {
  median: number;
  best: number;
}

function summarize(times: number[]): Timing {
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)], best: times[0] };
}

/**
 * Times several functions in turns (one batch of each per turn, until `budget` seconds), so that a
 * burst of load from other processes falls on all of them alike. Batches last about 50 ms; each
 * function is warmed up first.
 */
function measureTogether(fns: (() => void)[], budget = seconds): Timing[] {
  const perBatch = fns.map((fn) => {
    // warm up: V8 runs WebAssembly in its baseline compiler first and tiers hot functions up to
    // the optimizing one in the background, which takes a while on a busy machine
    const warm = performance.now() + (quick ? 300 : 800);
    for (let i = 0; i < 3 || (performance.now() < warm && i < 10_000); i++) fn();
    const t0 = performance.now();
    fn();
    return Math.max(1, Math.round(50 / Math.max(performance.now() - t0, 1e-4)));
  });
  const times: number[][] = fns.map(() => []);
  const end = performance.now() + budget * 1000;
  while (times[0].length < 3 || (performance.now() < end && times[0].length < 200)) {
    fns.forEach((fn, i) => {
      const s = performance.now();
      for (let r = 0; r < perBatch[i]; r++) fn();
      times[i].push((performance.now() - s) / 1000 / perBatch[i]);
    });
  }
  return times.map(summarize);
}

/** {@link measureTogether} for one function. */
function measure(fn: () => void, budget = seconds): Timing {
  return measureTogether([fn], budget)[0];
}

function random32(n: number, seed: number, into?: Float32Array): Float32Array {
  const a = into ?? new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    a[i] = s / 2 ** 32 - 0.5;
  }
  return a;
}

/** The GEMMs of one training step of 784-50-10, batch 100: [name, transA, transB, m, n, k]. */
const STEP_GEMMS: [string, boolean, boolean, number, number, number][] = [
  ['x·W1      (100,784)·(784,50)', false, false, 100, 50, 784],
  ['h·W2      (100,50)·(50,10)', false, false, 100, 10, 50],
  ['hᵀ·dy     (50,100)·(100,10)', true, false, 50, 10, 100],
  ['dy·W2ᵀ    (100,10)·(10,50)', false, true, 100, 50, 10],
  ['xᵀ·dz     (784,100)·(100,50)', true, false, 784, 50, 100],
];

/** The calls to time for one implementation: the 512³ GEMM and each GEMM of the training step. */
interface Contender {
  gemm: () => void;
  steps: (() => void)[];
}

/** scratchnet's kernels as a contender; resident arrays when asked (and available). */
function kernelsContender(k: Kernels, resident: boolean): Contender {
  const alloc = (n: number): Float32Array => (resident ? k.alloc('float32', n) : new Float32Array(n));
  const [a, b, c] = [alloc(N * N), alloc(N * N), alloc(N * N)];
  random32(N * N, 1, a);
  random32(N * N, 2, b);
  const steps = STEP_GEMMS.map(([, tA, tB, m, n, kk]) => {
    const [x, y, z] = [alloc(m * kk), alloc(kk * n), alloc(m * n)];
    random32(m * kk, 3, x);
    random32(kk * n, 4, y);
    return () => k.gemm(tA, tB, m, n, kk, 1, x, tA ? m : kk, y, tB ? kk : n, 0, z, n);
  });
  return { gemm: () => k.gemm(false, false, N, N, N, 1, a, N, b, N, 0, c, N), steps };
}

/** TensorFlow.js's matMul on the current backend as a contender. */
function tfContender(): Contender {
  const a = tf.tensor2d(random32(N * N, 1), [N, N]);
  const b = tf.tensor2d(random32(N * N, 2), [N, N]);
  const steps = STEP_GEMMS.map(([, tA, tB, m, n, k]) => {
    const x = tf.tensor2d(random32(m * k, 3), tA ? [k, m] : [m, k]);
    const y = tf.tensor2d(random32(k * n, 4), tB ? [n, k] : [k, n]);
    return () => tf.matMul(x, y, tA, tB).dispose();
  });
  return { gemm: () => tf.matMul(a, b).dispose(), steps };
}

/** Times contenders in turns: the 512³ GEMM, then each step GEMM. */
function run(contenders: Contender[], budget = seconds): { gemm: Timing; steps: Timing[] }[] {
  const gemm = measureTogether(
    contenders.map((c) => c.gemm),
    budget * contenders.length,
  );
  const steps = STEP_GEMMS.map((_, i) =>
    measureTogether(
      contenders.map((c) => c.steps[i]),
      (budget / 4) * contenders.length,
    ),
  );
  return contenders.map((_, j) => ({ gemm: gemm[j], steps: steps.map((t) => t[j]) }));
}

if (child) {
  // child mode: the relaxed-SIMD build, JSON on stdout
  console.log(
    JSON.stringify(run([kernelsContender(new WasmKernels({ relaxed: true, threads: 1 }), true)])[0]),
  );
  process.exit(0);
}

interface Row {
  name: string;
  timing: Timing | null;
  note?: string;
  steps?: Timing[];
}
const rows: Row[] = [];
const startLoad = loadavg()[0].toFixed(2);
const features = detectFeatures();

// ---------------------------------------------------------------- scratchnet
{
  const [a, b, c] = [random32(N * N, 1), random32(N * N, 2), new Float32Array(N * N)];
  rows.push({
    name: 'scratchnet ref (TypeScript)',
    timing: measure(() => refKernels.gemm(false, false, N, N, N, 1, a, N, b, N, 0, c, N), quick ? 0.5 : 2),
  });
}
// scratchnet's WASM kernels and TensorFlow.js's WASM backend, timed in turns
const require = createRequire(import.meta.url);
setWasmPaths(`${join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist')}/`);
tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
const [log, warn] = [console.log, console.warn];
console.log = console.warn = () => {}; // tfjs prints an advertisement for tfjs-node
await tf.setBackend('wasm');
const simd = new WasmKernels({ relaxed: false, threads: 1 });
// 2 threads with the default threshold (the step's GEMMs stay below it); the worker started first
const simd2 = new WasmKernels({ relaxed: false, threads: Math.min(2, availableParallelism()) });
{
  const x = simd2.alloc('float32', N * N);
  simd2.gemm(false, false, N, N, N, 1, x, N, x, N, 0, simd2.alloc('float32', N * N), N);
  const end = performance.now() + 10_000;
  while (simd2.threadInfo.ready < simd2.threadInfo.workers && performance.now() < end)
    await new Promise((r) => setTimeout(r, 10));
}
const [simdRun, simdCopy, simd2Run, tfWasm] = run([
  kernelsContender(simd, true),
  kernelsContender(simd, false),
  kernelsContender(simd2, true),
  tfContender(),
]);
const threadInfo = simd2.threadInfo;
await simd2.dispose();
rows.push({ name: 'scratchnet wasm SIMD, resident arrays', timing: simdRun.gemm, steps: simdRun.steps });
rows.push({
  name: 'scratchnet wasm SIMD, plain arrays (copies)',
  timing: simdCopy.gemm,
  steps: simdCopy.steps,
});
rows.push({
  name: `scratchnet wasm SIMD, ${threadInfo.threads} threads, resident`,
  timing: simd2Run.gemm,
  steps: simd2Run.steps,
  note: threadInfo.unavailable ?? `worker ready ${threadInfo.startupMs} ms after its start`,
});
// what staging a 512³ call costs: copy A and B into WebAssembly memory and C out of it
const staging = (() => {
  const [a, b, c] = [random32(N * N, 1), random32(N * N, 2), new Float32Array(N * N)];
  const view = simd.alloc('float32', 3 * N * N);
  return measure(() => {
    view.set(a, 0);
    view.set(b, N * N);
    c.set(view.subarray(2 * N * N));
  });
})();
if (features.relaxedSimd) {
  const [r] = run([kernelsContender(new WasmKernels({ relaxed: true }), true)]);
  rows.push({ name: 'scratchnet wasm relaxed SIMD, resident', timing: r.gemm, steps: r.steps });
} else {
  const script = fileURLToPath(import.meta.url);
  const flags = [
    '--experimental-wasm-relaxed-simd',
    '--import',
    'tsx',
    script,
    '--child',
    ...(quick ? ['--quick'] : []),
  ];
  const child = spawnSync(process.execPath, flags, { encoding: 'utf8' });
  const ok = child.status === 0;
  const r = ok
    ? (JSON.parse(child.stdout.trim().split('\n').pop() ?? '{}') as { gemm: Timing; steps: Timing[] })
    : null;
  rows.push({
    name: 'scratchnet wasm relaxed SIMD, resident',
    timing: r?.gemm ?? null,
    steps: r?.steps,
    note: ok
      ? 'child: node --experimental-wasm-relaxed-simd'
      : `failed: ${child.stderr.trim().split('\n')[0]}`,
  });
}
rows.push({ name: 'TensorFlow.js wasm (XNNPACK, SIMD, 1 thread)', timing: tfWasm.gemm, steps: tfWasm.steps });
await tf.setBackend('cpu');
const [tfCpu] = run([tfContender()], Math.min(seconds, 1));
[console.log, console.warn] = [log, warn];
rows.push({ name: 'TensorFlow.js cpu (JavaScript)', timing: tfCpu.gemm, steps: tfCpu.steps });

// ---------------------------------------------------------------- numpy
const PY = `
import json, sys, time, ctypes, glob, os
import numpy as np
cfg = json.loads(sys.argv[1])
def measure(fn, budget):
    fn()
    t0 = time.perf_counter(); fn(); once = max(time.perf_counter() - t0, 1e-7)
    per = max(1, round(0.05 / once)); times = []; end = time.perf_counter() + budget
    while len(times) < 3 or (time.perf_counter() < end and len(times) < 200):
        s = time.perf_counter()
        for _ in range(per): fn()
        times.append((time.perf_counter() - s) / per)
    times.sort()
    return {"median": times[len(times) // 2], "best": times[0]}
rs = np.random.RandomState(0)
a = rs.randn(512, 512).astype(np.float32); b = rs.randn(512, 512).astype(np.float32)
steps_in = []
for (ta, tb, m, n, k) in cfg["steps"]:
    x = rs.randn(k, m).astype(np.float32).T if ta else rs.randn(m, k).astype(np.float32)
    y = rs.randn(n, k).astype(np.float32).T if tb else rs.randn(k, n).astype(np.float32)
    steps_in.append((x, y))
def run():
    return {"gemm": measure(lambda: a @ b, cfg["seconds"]),
            "steps": [measure(lambda x=x, y=y: x @ y, cfg["seconds"] / 4) for (x, y) in steps_in]}
lib = None
for path in glob.glob(os.path.join(os.path.dirname(np.__file__), "..", "numpy.libs", "*openblas*")):
    lib = ctypes.CDLL(path)
get = lambda *names: next((getattr(lib, n) for n in names if lib is not None and hasattr(lib, n)), None)
nthreads = get("scipy_openblas_get_num_threads64_", "openblas_get_num_threads64_", "openblas_get_num_threads")
setthreads = get("scipy_openblas_set_num_threads64_", "openblas_set_num_threads64_", "openblas_set_num_threads")
core = get("scipy_openblas_get_corename64_", "openblas_get_corename64_", "openblas_get_corename")
if core: core.restype = ctypes.c_char_p
out = {"numpy": np.__version__, "threads": nthreads() if nthreads else None,
       "core": core().decode() if core else None, "default": run()}
if setthreads and out["threads"] != 1:
    setthreads(1); out["one"] = run()
print(json.dumps(out))
`;
const py = spawnSync(
  'python3',
  ['-c', PY, JSON.stringify({ seconds, steps: STEP_GEMMS.map((s) => s.slice(1)) })],
  { encoding: 'utf8' },
);
let npInfo = '';
if (py.status === 0) {
  const r = JSON.parse(py.stdout) as {
    numpy: string;
    threads: number | null;
    core: string | null;
    default: { gemm: Timing; steps: Timing[] };
    one?: { gemm: Timing; steps: Timing[] };
  };
  npInfo = `numpy ${r.numpy}, OpenBLAS core ${r.core ?? '?'}, default threads ${r.threads ?? '?'}`;
  rows.push({
    name: `numpy (OpenBLAS, ${r.threads ?? '?'} threads, as installed)`,
    timing: r.default.gemm,
    steps: r.default.steps,
  });
  if (r.one)
    rows.push({
      name: 'numpy (OpenBLAS, 1 thread)',
      timing: r.one.gemm,
      steps: r.one.steps,
      note: 'openblas_set_num_threads(1) in-process',
    });
} else {
  rows.push({ name: 'numpy', timing: null, note: `python3 failed: ${py.stderr.trim().split('\n').pop()}` });
}

// ---------------------------------------------------------------- report
const gflops = (t: Timing | null): number => (t ? FLOP / t.median / 1e9 : Number.NaN);
const tfRef = gflops(tfWasm.gemm);
const npOne = gflops(
  (rows.find((r) => r.name === 'numpy (OpenBLAS, 1 thread)') ?? rows.find((r) => r.name.startsWith('numpy')))
    ?.timing ?? null,
);
if (asJson) {
  log(
    JSON.stringify(
      {
        date: new Date().toISOString(),
        node: process.version,
        npInfo,
        features,
        startLoad,
        endLoad: loadavg(),
        threadInfo,
        staging,
        rows,
        stepGemms: STEP_GEMMS,
      },
      null,
      1,
    ),
  );
} else {
  log(
    `f32 GEMM ${N}x${N}x${N}, ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${npInfo}`,
  );
  log(
    `runtime: SIMD ${features.simd}, relaxed SIMD ${features.relaxedSimd}, shared memory ${features.sharedMemory}; load average at the start ${startLoad}\n`,
  );
  const head = `${'implementation'.padEnd(46)} ${'GFLOP/s'.padStart(8)} ${'(best)'.padStart(8)}  ${'x tfjs-wasm'.padStart(11)} ${'x numpy 1t'.padStart(10)}`;
  log(head);
  log('-'.repeat(head.length));
  for (const r of rows) {
    const g = gflops(r.timing);
    const best = r.timing ? (FLOP / r.timing.best / 1e9).toFixed(1) : '-';
    const cells = r.timing
      ? `${g.toFixed(g < 10 ? 2 : 1).padStart(8)} ${best.padStart(8)}  ${(g / tfRef).toFixed(2).padStart(11)} ${(g / npOne).toFixed(2).padStart(10)}`
      : '       -';
    log(`${r.name.padEnd(46)} ${cells}${r.note ? `   (${r.note})` : ''}`);
  }
  const ms = (t: Timing): string => `${(t.median * 1e3).toFixed(2)} ms`;
  log(
    `\nstaging of plain arrays (A, B in; C out; 3 MiB): ${ms(staging)} per 512³ call, against ${ms(simdRun.gemm)} for the product`,
  );
  const g1 = gflops(simdRun.gemm);
  const g2 = gflops(simd2Run.gemm);
  log(
    `f32 GEMM 512³ in turns: 1 thread ${g1.toFixed(1)} GFLOP/s (${(g1 / tfRef).toFixed(2)}x TensorFlow.js wasm), ${threadInfo.threads} threads ${g2.toFixed(1)} GFLOP/s (${(g2 / tfRef).toFixed(2)}x; ${(g2 / g1).toFixed(2)}x 1 thread), TensorFlow.js wasm (1 thread) ${tfRef.toFixed(1)}`,
  );
  log(
    `load average at the end: ${loadavg()
      .map((v) => v.toFixed(2))
      .join(', ')} (${availableParallelism()} cores; other processes slow every row)`,
  );
  log('\nGEMMs of one training step, 784-50-10, batch 100 (µs per call, median)');
  const withSteps = rows.filter((r) => r.steps && !r.name.includes('ref'));
  log(`${''.padEnd(30)}${withSteps.map((r) => r.name.slice(0, 22).padStart(24)).join('')}`);
  STEP_GEMMS.forEach(([name], i) => {
    log(
      `${name.padEnd(30)}${withSteps.map((r) => ((r.steps?.[i]?.median ?? Number.NaN) * 1e6).toFixed(1).padStart(24)).join('')}`,
    );
  });
}
