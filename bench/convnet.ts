/**
 * `npx tsx bench/convnet.ts`: one training step of the book's SimpleConvNet (30 filters 5x5, hidden
 * 100, batch 100, Adam lr 0.001) on the embedded MNIST digits, timed in one run for the book's numpy
 * code (bench/convnet_book.py, python3 as installed) and for scratchnet in float64 (numpy's precision)
 * and float32. Same data, same batches, same initial weights (both from RandomState(seed)), so the
 * loss curves of numpy and scratchnet float64 agree to rounding: the table prints their largest
 * difference. Then a per-layer profile (forward and backward, ms per step) of each.
 *
 * The machine may be shared: the runs take turns, `--rounds` times (numpy, float64, float32, numpy,
 * ...), each round a fresh process / net with the same weights and batches, so that a burst of load
 * from other processes falls on all of them alike; medians are over all timed steps of all rounds.
 *
 * Options: --steps N (timed steps per round, default 10), --rounds N (default 3), --warmup N
 * (untimed steps at the start of each round, default 2), --seed N (default 0), --json, --no-numpy.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadMnist } from '../src/data/mnist.js';
import { getBackend } from '../src/kernels/select.js';
import type { Layer } from '../src/layers/layer.js';
import { SimpleConvNet } from '../src/nets/simple-conv-net.js';
import { Adam } from '../src/optim/adam.js';
import { RandomState } from '../src/random/random-state.js';
import type { Tensor } from '../src/tensor/tensor.js';

const args = process.argv.slice(2);
const opt = (name: string, dflt: number): number => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const steps = opt('--steps', 10);
const rounds = opt('--rounds', 3);
const warmup = opt('--warmup', 2);
const seed = opt('--seed', 0);
const asJson = args.includes('--json');
const batch = 100;

/** Per-step seconds, losses and a per-layer profile (seconds per step). */
interface Run {
  name: string;
  times: number[];
  losses: number[];
  profile: Record<string, { forward: number; backward: number }>;
  update: number;
  note?: string;
}

const median = (v: number[]): number => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];

/** Wraps `obj.forward` / `obj.backward` so their time adds up in `profile[name]`. */
function instrument(name: string, obj: Pick<Layer, 'forward' | 'backward'>, profile: Run['profile']): void {
  const p = { forward: 0, backward: 0 };
  profile[name] = p;
  const f = obj.forward.bind(obj) as (...a: unknown[]) => unknown;
  const b = obj.backward.bind(obj) as (...a: unknown[]) => unknown;
  const o = obj as unknown as Record<string, (...a: unknown[]) => unknown>;
  o.forward = (...a) => {
    const t0 = performance.now();
    const r = f(...a);
    p.forward += (performance.now() - t0) / 1000;
    return r;
  };
  if (typeof o.forwardAct === 'function') {
    // an Affine followed by a Relu runs fused (LayerNet): its time counts as the Affine's forward
    const fa = o.forwardAct.bind(obj);
    o.forwardAct = (...a) => {
      const t0 = performance.now();
      const r = fa(...a);
      p.forward += (performance.now() - t0) / 1000;
      return r;
    };
  }
  o.backward = (...a) => {
    const t0 = performance.now();
    const r = b(...a);
    p.backward += (performance.now() - t0) / 1000;
    return r;
  };
}

function runScratchnet(x: Tensor, t: Tensor, dtype: 'float32' | 'float64'): Run {
  const net = new SimpleConvNet({ rng: new RandomState(seed), dtype });
  const adam = new Adam({ lr: 0.001 });
  const profile: Run['profile'] = {};
  for (const [name, layer] of Object.entries(net.layers)) instrument(name, layer, profile);
  instrument('SoftmaxWithLoss', net.lastLayer as unknown as Layer, profile);
  const run: Run = { name: `scratchnet ${dtype}`, times: [], losses: [], profile, update: 0 };
  const n = x.shape[0];
  for (let i = 0; i < warmup + steps; i++) {
    if (i === warmup) {
      for (const p of Object.values(profile)) p.forward = p.backward = 0;
      run.update = 0;
    }
    const s = (i * batch) % n;
    const xb = x.slice({ start: s, stop: s + batch });
    const tb = t.slice({ start: s, stop: s + batch });
    const t0 = performance.now();
    const grads = net.gradient(xb, tb);
    const t1 = performance.now();
    adam.update(net.params, grads);
    const t2 = performance.now();
    if (i >= warmup) {
      run.times.push((t2 - t0) / 1000);
      run.update += (t2 - t1) / 1000;
      run.losses.push(net.lastLayer.loss!);
    }
  }
  for (const p of Object.values(profile)) {
    p.forward /= steps;
    p.backward /= steps;
  }
  run.update /= steps;
  return run;
}

function runNumpy(x: Tensor, t: Tensor): Run {
  const dir = mkdtempSync(join(tmpdir(), 'scratchnet-convnet-'));
  try {
    const xp = join(dir, 'x.f32');
    const tp = join(dir, 't.i32');
    const xd = x.copy('float32').data as Float32Array;
    const td = t.copy('int32').data as Int32Array;
    writeFileSync(xp, new Uint8Array(xd.buffer, xd.byteOffset, xd.byteLength));
    writeFileSync(tp, new Uint8Array(td.buffer, td.byteOffset, td.byteLength));
    const script = fileURLToPath(new URL('./convnet_book.py', import.meta.url));
    const [n, c, h, w] = x.shape;
    const py = spawnSync(
      'python3',
      [script, xp, tp, ...[n, c, h, w, steps, batch, seed, warmup].map(String)],
      {
        encoding: 'utf8',
        maxBuffer: 1 << 26,
      },
    );
    if (py.status !== 0) throw new Error(`python3 failed: ${py.stderr.trim().split('\n').pop()}`);
    const r = JSON.parse(py.stdout) as Omit<Run, 'name'> & { numpy: string };
    return { ...r, name: 'numpy (book)', note: `numpy ${r.numpy}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const { xTrain, tTrain } = await loadMnist({ flatten: false });
const n = Math.min(xTrain.shape[0], (warmup + steps) * batch);
const x = xTrain.slice({ stop: n - (n % batch) });
const t = tTrain.slice({ stop: n - (n % batch) });

/** Appends the steps and profile of `more` (one round) to `into`, averaging the profile over rounds. */
function merge(into: Run | undefined, more: Run, round: number): Run {
  if (into === undefined) return more;
  into.times.push(...more.times);
  const w = 1 / (round + 1);
  for (const [k, p] of Object.entries(more.profile)) {
    const q = into.profile[k];
    q.forward += (p.forward - q.forward) * w;
    q.backward += (p.backward - q.backward) * w;
  }
  into.update += (more.update - into.update) * w;
  return into;
}

let numpyRun: Run | undefined;
let f64Run: Run | undefined;
let f32Run: Run | undefined;
let numpyError: string | null = null;
for (let round = 0; round < rounds; round++) {
  if (!args.includes('--no-numpy') && numpyError === null) {
    try {
      numpyRun = merge(numpyRun, runNumpy(x, t), round);
    } catch (e) {
      numpyError = (e as Error).message;
    }
  }
  f64Run = merge(f64Run, runScratchnet(x, t, 'float64'), round);
  f32Run = merge(f32Run, runScratchnet(x, t, 'float32'), round);
}
const runs: Run[] = [numpyRun, f64Run!, f32Run!].filter((r): r is Run => r !== undefined);

const numpy = runs.find((r) => r.name.startsWith('numpy'));
const f64 = runs.find((r) => r.name === 'scratchnet float64')!;
const lossDiff = numpy ? Math.max(...numpy.losses.map((l, i) => Math.abs(l - f64.losses[i]))) : null;
const summary = runs.map((r) => ({
  name: r.name,
  msPerStep: median(r.times) * 1000,
  bestMs: Math.min(...r.times) * 1000,
  ratio: numpy ? median(numpy.times) / median(r.times) : null,
  firstLoss: r.losses[0],
  lastLoss: r.losses[r.losses.length - 1],
}));

if (asJson) {
  console.log(
    JSON.stringify({
      steps,
      rounds,
      warmup,
      batch,
      seed,
      backend: getBackend(),
      summary,
      lossDiff,
      runs,
      numpyError,
    }),
  );
} else {
  const date = new Date().toISOString().slice(0, 10);
  console.log(
    `SimpleConvNet (conv 30x5x5 - relu - pool 2x2 - affine 100 - relu - affine 10), batch ${batch}, Adam lr 0.001,` +
      ` ${rounds} rounds of ${steps} timed steps after ${warmup} warm-up, embedded MNIST; kernels: ${getBackend()};` +
      ` load average ${loadavg()[0].toFixed(1)} on ${availableParallelism()} cores; ${date}`,
  );
  if (numpy?.note) console.log(numpy.note);
  if (numpyError) console.log(`numpy: ${numpyError}`);
  console.log(
    '\n| run | ms/step (median) | best | numpy / this (medians) | loss first → last (round 1) |\n| --- | ---: | ---: | ---: | --- |',
  );
  for (const s of summary) {
    const ratio = s.ratio === null ? '' : `${s.ratio.toFixed(2)}x`;
    console.log(
      `| ${s.name} | ${s.msPerStep.toFixed(1)} | ${s.bestMs.toFixed(1)} | ${ratio} | ${s.firstLoss.toFixed(4)} → ${s.lastLoss.toFixed(4)} |`,
    );
  }
  if (lossDiff !== null)
    console.log(`\nmax |loss numpy - loss scratchnet float64| over the steps: ${lossDiff.toExponential(2)}`);
  const names = [...Object.keys(f64.profile)];
  console.log(
    `\nper layer, ms per step (forward / backward):\n\n| layer | ${runs.map((r) => r.name).join(' | ')} |`,
  );
  console.log(`| --- | ${runs.map(() => '---:').join(' | ')} |`);
  const cell = (r: Run, k: string): string => {
    const p = r.profile[k];
    return p ? `${(p.forward * 1000).toFixed(2)} / ${(p.backward * 1000).toFixed(2)}` : '';
  };
  for (const k of names) console.log(`| ${k} | ${runs.map((r) => cell(r, k)).join(' | ')} |`);
  console.log(`| Adam update | ${runs.map((r) => (r.update * 1000).toFixed(2)).join(' | ')} |`);
  console.log(
    '\n(scratchnet runs Affine1 + Relu2 as one fused kernel call: their forward time is under Affine1.)',
  );
}
