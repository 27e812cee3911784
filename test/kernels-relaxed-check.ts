/**
 * Runs every differential check of test/kernels-helpers.ts on the relaxed-SIMD build and prints
 * `{"relaxed": boolean, "failures": [...]}` as JSON. Node 20 needs a flag for relaxed SIMD:
 *   node --experimental-wasm-relaxed-simd --import tsx test/kernels-relaxed-check.ts
 * (test/kernels-relaxed.test.ts runs it so.)
 */
import { refKernels } from '../src/kernels/ref/index.js';
import { WasmKernels } from '../src/kernels/wasm/kernels.js';
import { detectFeatures } from '../src/kernels/wasm/module.js';
import { allFailures } from './kernels-helpers.js';

const relaxed = detectFeatures().relaxedSimd;
const failures = relaxed ? allFailures(refKernels, new WasmKernels({ relaxed: true }), 2) : [];
console.log(JSON.stringify({ relaxed, failures }));
