/**
 * The checks of test/threads-helpers.ts on the relaxed-SIMD build (fused multiply-adds: a block of
 * rows that started off the micro-kernel's 4-row grid would round differently there). Prints
 * `{"relaxed": boolean, "failures": [...], "workerChunks": number}` as JSON. Node 20 needs a flag:
 *   node --experimental-wasm-relaxed-simd --import tsx test/threads-relaxed-check.ts
 * (src/kernels/wasm/threads.test.ts runs it so.)
 */
import { WasmKernels } from '../src/kernels/wasm/kernels.js';
import { detectFeatures } from '../src/kernels/wasm/module.js';
import { threaded, threadFailures } from './threads-helpers.js';

const relaxed = detectFeatures().relaxedSimd;
const failures: string[] = [];
let workerChunks = 0;
if (relaxed) {
  const one = new WasmKernels({ relaxed: true, threads: 1 });
  for (const callerRuns of [false, true]) {
    const k = await threaded(callerRuns, true);
    failures.push(...threadFailures(one, k, 'float32', 31), ...threadFailures(one, k, 'float64', 32));
    workerChunks += k.threadInfo.workerChunks;
    await k.dispose();
  }
}
console.log(JSON.stringify({ relaxed, failures, workerChunks }));
