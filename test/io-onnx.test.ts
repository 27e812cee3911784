/**
 * ONNX export checked with a real runtime (onnxruntime-node): on MNIST test digits, the exported
 * model's outputs match scratchnet's `predict` (softmax applied) to 1e-5.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMnist } from '../src/data/mnist.js';
import { softmax } from '../src/functions/activations.js';
import type { SerializableNet } from '../src/io/architecture.js';
import { exportOnnx } from '../src/io/node.js';
import { encodeOnnx, ONNX_OPSET, onnxModelType } from '../src/io/onnx.js';
import { MultiLayerNet } from '../src/nets/multi-layer-net.js';
import { MultiLayerNetExtend } from '../src/nets/multi-layer-net-extend.js';
import { TwoLayerNet } from '../src/nets/two-layer-net.js';
import { TwoLayerNetSigmoid } from '../src/nets/two-layer-net-sigmoid.js';
import { SGD } from '../src/optim/sgd.js';
import { RandomState } from '../src/random/random-state.js';
import type { Tensor } from '../src/tensor/tensor.js';
import { tempDir } from './io-helpers.js';

const N = 1000;
let xTrain: Tensor;
let tTrain: Tensor;
let xTest: Tensor;

beforeAll(async () => {
  const data = await loadMnist({ dtype: 'float64' });
  xTrain = data.xTrain.slice('0:200');
  tTrain = data.tTrain.slice('0:200');
  xTest = data.xTest.slice(`0:${N}`).copy();
});

function nets(): [string, SerializableNet][] {
  const rng = () => new RandomState(0);
  return [
    ['two-layer', new TwoLayerNet(784, 50, 10, { rng: rng() })],
    ['two-layer-sigmoid', new TwoLayerNetSigmoid(784, 30, 10, { rng: rng(), weightInitStd: 0.1 })],
    ['mlp relu float32', new MultiLayerNet(784, [100, 50], 10, { rng: rng(), dtype: 'float32' })],
    ['mlp sigmoid', new MultiLayerNet(784, [60], 10, { rng: rng(), activation: 'sigmoid' })],
    [
      'mlp-extend batchnorm + book dropout',
      new MultiLayerNetExtend(784, [100, 60], 10, {
        rng: rng(),
        useBatchnorm: true,
        useDropout: true,
        dropoutRatio: 0.3,
      }),
    ],
    [
      'mlp-extend inverted dropout, bn eps 1e-3',
      new MultiLayerNetExtend(784, [80], 10, {
        rng: rng(),
        useBatchnorm: true,
        useDropout: true,
        dropoutMode: 'inverted',
        batchnormOptions: { eps: 1e-3, momentum: 0.5 },
      }),
    ],
    ['mlp-extend untrained bn', new MultiLayerNetExtend(784, [40], 10, { rng: rng(), useBatchnorm: true })],
  ];
}

/** scratchnet's class probabilities (the layered nets' predict gives scores). */
function probabilities(net: SerializableNet, x: Tensor): Tensor {
  return net instanceof TwoLayerNetSigmoid ? net.predict(x) : softmax(net.predict(x, false));
}

async function runOnnx(bytes: Uint8Array, x: Tensor) {
  const session = await ort.InferenceSession.create(bytes);
  const input = new ort.Tensor('float32', Float32Array.from(x.toFlatArray()), [x.shape[0], x.shape[1]]);
  const out = await session.run({ input });
  return { probabilities: out.probabilities, logits: out.logits, session };
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('ONNX export (checked with onnxruntime-node)', () => {
  const dir = tempDir();
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  for (const [name, make] of nets().map(([n], i) => [n, () => nets()[i][1]] as const)) {
    it(`${name}: probabilities match scratchnet's on ${N} MNIST test digits to 1e-5`, async () => {
      const net = make();
      if (!name.includes('untrained')) {
        const opt = new SGD({ lr: 0.1 });
        const x = net.params.W1.dtype === 'float32' ? xTrain.astype('float32') : xTrain;
        for (let i = 0; i < 5; i++) opt.update(net.params, net.gradient(x, tTrain));
      }
      const x = net.params.W1.dtype === 'float32' ? xTest.astype('float32') : xTest;
      const expected = probabilities(net, x);
      const { probabilities: p, logits, session } = await runOnnx(encodeOnnx(net), x);
      expect(session.inputNames).toEqual(['input']);
      expect(session.outputNames).toEqual(['probabilities', 'logits']);
      expect(p.dims).toEqual([N, 10]);
      const diff = maxAbsDiff(p.data as Float32Array, expected.toFlatArray());
      expect(diff).toBeLessThan(1e-5); // about 1e-7 here: float32 rounding
      if (!(net instanceof TwoLayerNetSigmoid)) {
        const scores = net.predict(x, false).toFlatArray();
        const scale = Math.max(...scores.map(Math.abs));
        expect(maxAbsDiff(logits.data as Float32Array, scores) / scale).toBeLessThan(1e-5);
      }
      // the predicted classes agree
      const onnxClass = Array.from({ length: N }, (_, i) => {
        const row = Array.from((p.data as Float32Array).subarray(i * 10, i * 10 + 10));
        return row.indexOf(Math.max(...row));
      });
      const mine = expected.argmax({ axis: 1 }).toFlatArray();
      const disagree = onnxClass.filter((c, i) => c !== mine[i]).length;
      expect(disagree).toBeLessThanOrEqual(1); // a tie within float32 rounding at most
    });
  }

  it('writes a well-formed ModelProto (opset, names, metadata) and exportOnnx writes the file', async () => {
    const net = nets()[4][1];
    const path = join(dir, 'sub', 'model.onnx');
    exportOnnx(net, path, { metadata: { note: 'hi' } });
    const bytes = new Uint8Array(readFileSync(path));
    const type = onnxModelType();
    const model = type.toObject(type.decode(bytes), { longs: Number }) as {
      ir_version: number;
      opset_import: { version: number }[];
      metadata_props: { key: string; value: string }[];
      graph: { node: { op_type: string }[] };
    };
    expect(model.ir_version).toBe(8);
    expect(model.opset_import[0].version).toBe(ONNX_OPSET);
    expect(model.graph.node.map((n) => n.op_type)).toEqual([
      'Gemm',
      'BatchNormalization',
      'Relu',
      'Mul',
      'Gemm',
      'BatchNormalization',
      'Relu',
      'Mul',
      'Gemm',
      'Softmax',
    ]);
    const meta = Object.fromEntries(model.metadata_props.map((e) => [e.key, e.value]));
    expect(meta.format).toBe('scratchnet');
    expect(meta.note).toBe('hi');
    expect(JSON.parse(meta['scratchnet.architecture']).model).toBe('mlp-extend');
    const { session } = await runOnnx(bytes, xTest.slice('0:2'));
    expect(session.outputNames).toContain('probabilities');
  });
});
