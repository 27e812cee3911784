/**
 * `npm run bench:ops`: scratchnet against numpy on the same operations and the same data, in one
 * run. Both sides draw their inputs from RandomState(seed) (bit-identical streams), numpy runs as it
 * is installed on this machine (environment untouched), and the table prints time per call and the
 * ratio numpy/scratchnet (above 1: scratchnet is faster). scratchnet is timed with each backend:
 * `setBackend('ref')` runs the TypeScript loops of src/ops (and the TypeScript GEMM), `'wasm'` the
 * WASM SIMD kernels where src/ops/fast.ts picks them (float elementwise ops and trailing-axis
 * reductions on contiguous data) and for matmul.
 *
 * Options: --quick (shorter timing windows), --json (machine-readable output),
 * --backend ref|wasm (time one backend only).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  add,
  crossEntropyError,
  exp,
  matmul,
  max,
  maximum,
  mean,
  mul,
  numericalGradient,
  RandomState,
  random,
  setBackend,
  softmax,
  sqrt,
  sub,
  sum,
  type Tensor,
  tensor,
} from '../src/index.js';

interface Case {
  kind: 'binary' | 'unary' | 'reduce' | 'matmul' | 'transposed-add' | 'numgrad';
  name: string;
  op?: string;
  a?: number[];
  b?: number[];
  /** A JS-number (weak) scalar as the second operand instead of b. */
  scalar?: number;
  axis?: number | null;
  dtype?: 'float64' | 'float32';
}

const quick = process.argv.includes('--quick');
const asJson = process.argv.includes('--json');
const minTime = quick ? 0.1 : 0.5;
const backendArg = process.argv.indexOf('--backend');
const backends = (backendArg >= 0 ? [process.argv[backendArg + 1]] : ['ref', 'wasm']) as ('ref' | 'wasm')[];

const cases: Case[] = [
  { kind: 'binary', name: 'add (1000,1000) + (1000,1000)', op: 'add', a: [1000, 1000], b: [1000, 1000] },
  { kind: 'binary', name: 'add (1000,1000) + (1000,) broadcast', op: 'add', a: [1000, 1000], b: [1000] },
  {
    kind: 'binary',
    name: 'multiply (100,784) * (100,784) f32',
    op: 'multiply',
    a: [100, 784],
    b: [100, 784],
    dtype: 'float32',
  },
  {
    kind: 'binary',
    name: 'add (1000,1000) + (1000,1000) f32',
    op: 'add',
    a: [1000, 1000],
    b: [1000, 1000],
    dtype: 'float32',
  },
  {
    kind: 'binary',
    name: 'add (100,50) + (50,) broadcast f32',
    op: 'add',
    a: [100, 50],
    b: [50],
    dtype: 'float32',
  },
  { kind: 'binary', name: 'subtract (1000,1000) - 0.5', op: 'subtract', a: [1000, 1000], scalar: 0.5 },
  {
    kind: 'binary',
    name: 'multiply (1000,1000) * 0.5 f32',
    op: 'multiply',
    a: [1000, 1000],
    scalar: 0.5,
    dtype: 'float32',
  },
  {
    kind: 'binary',
    name: 'maximum (1000,1000), 0 f32',
    op: 'maximum',
    a: [1000, 1000],
    scalar: 0,
    dtype: 'float32',
  },
  { kind: 'transposed-add', name: 'add of transposed views (500,500)', a: [500, 500] },
  { kind: 'unary', name: 'exp (1000,1000)', op: 'exp', a: [1000, 1000] },
  { kind: 'unary', name: 'exp (1000,1000) f32', op: 'exp', a: [1000, 1000], dtype: 'float32' },
  { kind: 'unary', name: 'sqrt (1000,1000) f32', op: 'sqrt', a: [1000, 1000], dtype: 'float32' },
  { kind: 'reduce', name: 'sum (1000,1000) all', op: 'sum', a: [1000, 1000], axis: null },
  {
    kind: 'reduce',
    name: 'sum (1000,1000) all f32',
    op: 'sum',
    a: [1000, 1000],
    axis: null,
    dtype: 'float32',
  },
  {
    kind: 'reduce',
    name: 'mean (1000,1000) all f32',
    op: 'mean',
    a: [1000, 1000],
    axis: null,
    dtype: 'float32',
  },
  { kind: 'reduce', name: 'sum (1000,1000) axis 0', op: 'sum', a: [1000, 1000], axis: 0 },
  { kind: 'reduce', name: 'sum (1000,1000) axis 1', op: 'sum', a: [1000, 1000], axis: 1 },
  { kind: 'reduce', name: 'max (1000,1000) axis 1', op: 'max', a: [1000, 1000], axis: 1 },
  {
    kind: 'reduce',
    name: 'max (1000,1000) all f32',
    op: 'max',
    a: [1000, 1000],
    axis: null,
    dtype: 'float32',
  },
  { kind: 'matmul', name: 'matmul (100,784) @ (784,50)', a: [100, 784], b: [784, 50] },
  { kind: 'matmul', name: 'matmul (256,256) @ (256,256)', a: [256, 256], b: [256, 256] },
  {
    kind: 'matmul',
    name: 'matmul (256,256) @ (256,256) f32',
    a: [256, 256],
    b: [256, 256],
    dtype: 'float32',
  },
  { kind: 'numgrad', name: 'numericalGradient, seed net (per f eval)' },
];

function data(shape: number[], seed: number, dtype: 'float64' | 'float32' = 'float64'): Tensor {
  const t = new RandomState(seed).randn(...shape) as Tensor;
  return dtype === 'float64' ? t : t.astype(dtype);
}

function timeit(fn: () => unknown): number {
  fn();
  let n = 0;
  const start = performance.now();
  let total = 0;
  while (total < minTime * 1000) {
    fn();
    n++;
    total = performance.now() - start;
  }
  return total / 1000 / n;
}

const unaryOps: Record<string, (a: Tensor) => Tensor> = { exp, sqrt };
const binaryOps: Record<string, (a: Tensor, b: Tensor | number) => Tensor> = {
  add,
  subtract: sub,
  multiply: mul,
  maximum,
};
const reduceOps: Record<string, (a: Tensor, o: { axis?: number | null }) => Tensor> = { sum, mean, max };

function ours(c: Case): number {
  switch (c.kind) {
    case 'binary': {
      const a = data(c.a!, 1, c.dtype);
      const b = c.scalar ?? data(c.b!, 2, c.dtype);
      return timeit(() => binaryOps[c.op!](a, b));
    }
    case 'unary': {
      const a = data(c.a!, 1, c.dtype);
      return timeit(() => unaryOps[c.op!](a));
    }
    case 'reduce': {
      const a = data(c.a!, 1, c.dtype);
      return timeit(() => reduceOps[c.op!](a, { axis: c.axis }));
    }
    case 'matmul': {
      const a = data(c.a!, 1, c.dtype);
      const b = data(c.b!, 2, c.dtype);
      return timeit(() => matmul(a, b));
    }
    case 'transposed-add': {
      const a = data(c.a!, 1, c.dtype);
      return timeit(() => a.T.add(a.T));
    }
    case 'numgrad': {
      random.seed(0);
      const W = random.randn(2, 3) as Tensor;
      const x = tensor([0.6, 0.9]);
      const t = tensor([0, 0, 1]);
      const f = () => crossEntropyError(softmax(x.dot(W)), t);
      return timeit(() => numericalGradient(f, W)) / (2 * W.size);
    }
  }
}

function numpy(): Record<string, number> {
  const script = fileURLToPath(new URL('./numpy_ops.py', import.meta.url));
  const r = spawnSync('python3', [script], { input: JSON.stringify({ cases, minTime }), encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`numpy benchmark failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as Record<string, number>;
}

const fmt = (s: number) => (s >= 1e-3 ? `${(s * 1e3).toFixed(2)} ms` : `${(s * 1e6).toFixed(1)} µs`);

const np = numpy();
const rows = cases.map((c) => {
  const times: Partial<Record<'ref' | 'wasm', number>> = {};
  for (const b of backends) {
    setBackend(b);
    times[b] = ours(c);
  }
  return { name: c.name, ...times, numpy: np[c.name] };
});
setBackend('auto');
if (asJson) {
  console.log(JSON.stringify(rows, null, 1));
} else {
  console.log(`scratchnet vs numpy ${new Date().toISOString().slice(0, 10)}, node ${process.version}`);
  const head = backends.map((b) => `scratchnet ${b}`);
  const ratios = backends.map((b) => `numpy/${b}`);
  console.log(`| operation | ${head.join(' | ')} | numpy | ${ratios.join(' | ')} |`);
  console.log(`| --- | ${[...head, 'numpy', ...ratios].map(() => '---:').join(' | ')} |`);
  for (const r of rows) {
    const t = backends.map((b) => fmt(r[b] ?? Number.NaN));
    const x = backends.map((b) => `${(r.numpy / (r[b] ?? Number.NaN)).toFixed(2)}x`);
    console.log(`| ${r.name} | ${t.join(' | ')} | ${fmt(r.numpy)} | ${x.join(' | ')} |`);
  }
}
