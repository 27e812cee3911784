/**
 * Training on both kernel backends: the same 784-50-10 nets, seeds and mini-batches trained with
 * the TypeScript reference forced (`setBackend('ref')`) and with WASM SIMD (`setBackend('wasm')`),
 * compared step by step. Stated tolerances (measured differences are far smaller: about 5e-9 for
 * float32 losses and 4e-16 for float64 after 10 steps):
 * - float64: losses within 1e-12 relative, parameters within 1e-14 absolute (the two backends add
 *   in the same order; exp and log differ by an ulp now and then);
 * - float32: losses within 1e-6 relative, parameters within 1e-6 absolute (the reference GEMM
 *   accumulates in float64 and rounds once, the WASM GEMM accumulates in float32, as BLAS does).
 * The WASM runs take the sparse first-layer path (MNIST is ~80% zeros), whose results are the dense
 * path's bit for bit (src/kernels/wasm/sparse.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMnist } from '../src/data/mnist.js';
import { getKernels, setBackend } from '../src/kernels/select.js';
import type { WasmKernels } from '../src/kernels/wasm/kernels.js';
import { MultiLayerNet } from '../src/nets/multi-layer-net.js';
import { RandomState } from '../src/random/random-state.js';
import type { Tensor } from '../src/tensor/tensor.js';
import { Trainer } from '../src/train/trainer.js';

interface Run {
  losses: number[];
  params: Record<string, number[]>;
}

let data: { xTrain: Tensor; tTrain: Tensor; xTest: Tensor; tTest: Tensor };

beforeAll(async () => {
  const d = await loadMnist();
  data = {
    xTrain: d.xTrain.slice(':1000'),
    tTrain: d.tTrain.slice(':1000'),
    xTest: d.xTest.slice(':100'),
    tTest: d.tTest.slice(':100'),
  };
});

afterAll(() => {
  setBackend('auto');
});

function train(
  backend: 'ref' | 'wasm',
  dtype: 'float32' | 'float64',
  activation: 'sigmoid' | 'relu',
  optimizer: 'SGD' | 'Adam',
): Run {
  setBackend(backend);
  const net = new MultiLayerNet(784, [50], 10, {
    activation,
    weightInitStd: 0.01,
    dtype,
    rng: new RandomState(0),
  });
  const x = dtype === 'float32' ? data.xTrain : data.xTrain.astype('float64');
  const trainer = new Trainer(net, x, data.tTrain, data.xTest, data.tTest, {
    epochs: 1,
    miniBatchSize: 100,
    optimizer,
    optimizerParam: { lr: optimizer === 'Adam' ? 0.001 : 0.1 },
    evaluateSampleNumPerEpoch: 100,
    verbose: false,
    rng: 3,
  });
  trainer.train();
  const params: Record<string, number[]> = {};
  for (const [k, v] of Object.entries(net.params)) params[k] = v.toFlatArray();
  return { losses: [...trainer.history.trainLossList], params };
}

const cases = [
  ['float32', 'sigmoid', 'SGD'],
  ['float32', 'relu', 'Adam'],
  ['float64', 'sigmoid', 'Adam'],
  ['float64', 'relu', 'SGD'],
] as const;

describe('training with the reference kernels forced, and with WASM SIMD', () => {
  it.each(cases)(
    '%s %s %s: 10 steps, same losses and parameters within the stated tolerance',
    (dtype, act, opt) => {
      const ref = train('ref', dtype, act, opt);
      expect(getKernels().name).toBe('ref');
      const wasm = train('wasm', dtype, act, opt);
      const k = getKernels() as WasmKernels;
      expect(k.name).toBe('wasm');
      expect(k.sparseProducts).toBeGreaterThan(0);
      expect(ref.losses.length).toBe(10);
      const [lossTol, paramTol] = dtype === 'float64' ? [1e-12, 1e-14] : [1e-6, 1e-6];
      ref.losses.forEach((l, i) => {
        expect(Math.abs(wasm.losses[i] - l) / l, `loss at step ${i + 1}`).toBeLessThan(lossTol);
      });
      for (const [key, values] of Object.entries(ref.params)) {
        let worst = 0;
        values.forEach((v, i) => {
          worst = Math.max(worst, Math.abs(wasm.params[key][i] - v));
        });
        expect(worst, key).toBeLessThan(paramTol);
      }
    },
  );
});
