/**
 * The relaxed-SIMD build (f32x4.relaxed_madd) equals ref, like the plain-SIMD build does in
 * src/kernels/wasm/kernels.test.ts. Node 20 validates relaxed SIMD only with
 * --experimental-wasm-relaxed-simd, so the checks run in a child process with that flag (on a
 * runtime that has relaxed SIMD by default they run in this process).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { refKernels } from '../src/kernels/ref/index.js';
import { WasmKernels } from '../src/kernels/wasm/kernels.js';
import { detectFeatures } from '../src/kernels/wasm/module.js';
import { allFailures } from './kernels-helpers.js';

describe('relaxed SIMD kernels equal ref', () => {
  it.runIf(detectFeatures().relaxedSimd)('in this process', () => {
    expect(allFailures(refKernels, new WasmKernels({ relaxed: true }), 2)).toEqual([]);
  });

  it.runIf(!detectFeatures().relaxedSimd)(
    'in a child process with --experimental-wasm-relaxed-simd',
    () => {
      const script = fileURLToPath(new URL('./kernels-relaxed-check.ts', import.meta.url));
      const run = spawnSync(
        process.execPath,
        ['--experimental-wasm-relaxed-simd', '--import', 'tsx', script],
        {
          encoding: 'utf8',
          timeout: 240_000,
        },
      );
      if (/bad option/.test(run.stderr)) return; // a runtime without the flag (and without relaxed SIMD)
      expect(run.stderr).toBe('');
      const result = JSON.parse(run.stdout) as { relaxed: boolean; failures: string[] };
      expect(result.relaxed).toBe(true);
      expect(result.failures).toEqual([]);
    },
    240_000,
  );
});
