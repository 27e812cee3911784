/**
 * `npx tsx bench/run-all.ts` (suggested as `npm run bench`): every benchmark, one after the other,
 * as child processes of this one (one process group: Ctrl-C stops them all), each printing its own
 * table:
 * 1. bench/run.ts: tensor operations against numpy;
 * 2. bench/kernels.ts: f32 GEMM 512³ and the GEMMs of one training step, against TensorFlow.js and numpy;
 * 3. bench/mlp.ts: MLP training steps/s against numpy and TensorFlow.js, with the goals of issue 6;
 * 4. bench/mlp-memory.ts: resident memory over a training run (5,000 steps; 20,000 with --full);
 * 5. bench/convnet.ts, when present: a SimpleConvNet training step against numpy;
 * 6. bench/conv-kernels.ts: im2col, col2im and max pooling, ref against WASM.
 *
 * Options: --quick (passed on: shorter timing), --full (the memory run's whole 20,000 steps),
 * --only name[,name] (run.ts, kernels.ts, mlp.ts, mlp-memory.ts, convnet.ts, conv-kernels.ts).
 * Exits with 1 if any benchmark failed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const full = args.includes('--full');
const onlyIndex = args.indexOf('--only');
const only = onlyIndex >= 0 ? new Set(args[onlyIndex + 1].split(',')) : null;
const here = dirname(fileURLToPath(import.meta.url));

const benches: [string, string[]][] = [
  ['run.ts', quick ? ['--quick'] : []],
  ['kernels.ts', quick ? ['--quick'] : []],
  ['mlp.ts', quick ? ['--quick'] : []],
  ['mlp-memory.ts', full ? [] : ['--quick']],
  ['convnet.ts', quick ? ['--steps', '5', '--rounds', '2'] : []],
  ['conv-kernels.ts', quick ? ['--rounds', '5'] : []],
];

console.log(
  `scratchnet benchmarks, ${new Date().toISOString()}, ${cpus()[0]?.model ?? '?'} (${availableParallelism()} cores), Node ${process.version}, load average ${loadavg()
    .map((v) => v.toFixed(2))
    .join(' ')}`,
);
const failed: string[] = [];
for (const [file, extra] of benches) {
  if (only && !only.has(file)) continue;
  const path = join(here, file);
  if (!existsSync(path)) {
    console.log(`\n=== bench/${file}: not present, skipped`);
    continue;
  }
  console.log(`\n=== bench/${file} ${extra.join(' ')}\n`);
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['--import', 'tsx', path, ...extra], { stdio: 'inherit' });
  const seconds = ((performance.now() - t0) / 1000).toFixed(0);
  if (r.status !== 0) {
    failed.push(file);
    console.log(`\n=== bench/${file}: FAILED (exit ${r.status ?? r.signal}) after ${seconds} s`);
  } else {
    console.log(`\n=== bench/${file}: ${seconds} s`);
  }
}
if (failed.length > 0) {
  console.log(`\nfailed: ${failed.join(', ')}`);
  process.exit(1);
}
