/**
 * The networks the demo trains, and snapshots of a network's weights: what the training worker sends
 * to the page (to draw the first-layer weights and to read the person's digit with the latest weights)
 * and what a model file holds. Used by both the worker and the page.
 */
import {
  architectureOf,
  MultiLayerNet,
  networkFromSerialized,
  RandomState,
  type SerializableNet,
  SimpleConvNet,
  serializeNetwork,
  Tensor,
} from 'scratchnet';

/** The choices of the model menu. */
export type ModelKey = 'mlp' | 'mlp2' | 'conv';

/** Menu labels and short descriptions. */
export const MODEL_CHOICES: Record<ModelKey, { label: string; hint: string }> = {
  mlp: { label: 'MLP 784-100-10', hint: 'one hidden layer of 100 ReLU units' },
  mlp2: { label: 'MLP 784-100-100-10', hint: 'two hidden layers of 100 ReLU units' },
  conv: { label: 'SimpleConvNet', hint: '30 filters 5×5, pool, 100 units (slower)' },
};

/** A net the demo handles: any net the model files hold (the MLPs and the chapter 7 convolutional net). */
export type DemoNet = SerializableNet;

/**
 * A new net of the chosen kind, float32, its weights drawn from `seed`. The MLPs start from small
 * weights (standard deviation 0.01, as the book's TwoLayerNet) rather than He's scale: they learn
 * about as fast here, and what they learn soon outweighs the initial noise, so the first-layer
 * weights show strokes and blobs rather than static.
 */
export function createNet(key: ModelKey, seed: number): DemoNet {
  const rng = new RandomState(seed);
  const mlp = { dtype: 'float32', rng, weightInitStd: 0.01 } as const;
  switch (key) {
    case 'mlp':
      return new MultiLayerNet(784, [100], 10, mlp);
    case 'mlp2':
      return new MultiLayerNet(784, [100, 100], 10, mlp);
    case 'conv':
      return new SimpleConvNet({ inputDim: [1, 28, 28], dtype: 'float32', rng });
  }
}

/** A tensor as plain data (structured-clonable, never a view of WASM memory). */
export interface TensorData {
  shape: number[];
  dtype: 'float32' | 'float64';
  data: Float32Array | Float64Array;
}

/** A net's weights and what rebuilds it: the tensors and metadata of a scratchnet model file (`serializeNetwork`). */
export interface NetSnapshot {
  label: string;
  metadata: Record<string, string>;
  tensors: Record<string, TensorData>;
}

function tensorData(t: Tensor): TensorData {
  if (t.dtype !== 'float32' && t.dtype !== 'float64') throw new Error(`unexpected dtype ${t.dtype}`);
  const c = t.isContiguous ? t : t.copy();
  // slice() always makes a new, unshared buffer (even from a view of shared WASM memory).
  const data = c.data.slice(c.offset, c.offset + c.size) as Float32Array | Float64Array;
  return { shape: [...t.shape], dtype: t.dtype, data };
}

function toTensor(d: TensorData): Tensor {
  return new Tensor(d.data, d.shape, { dtype: d.dtype });
}

/** A short description such as `MLP 784 → 100 → 10` or `SimpleConvNet 30×5×5 → 100 → 10`. */
export function describeNet(net: DemoNet): string {
  if (net instanceof SimpleConvNet) {
    const { convParam, hiddenSize, outputSize } = net.architecture;
    return `SimpleConvNet ${convParam.filterNum}×${convParam.filterSize}×${convParam.filterSize} → ${hiddenSize} → ${outputSize}`;
  }
  const a = architectureOf(net);
  return `MLP ${[a.inputSize, ...a.hiddenSizeList, a.outputSize].join(' → ')}`;
}

/** The net's weights now (copies), with what rebuilds it. */
export function snapshotOf(net: DemoNet, label = describeNet(net)): NetSnapshot {
  const s = serializeNetwork(net);
  const tensors: Record<string, TensorData> = {};
  for (const [k, t] of Object.entries(s.tensors)) tensors[k] = tensorData(t);
  return { label, metadata: s.metadata, tensors };
}

/** A net rebuilt from a snapshot (checked as a model file is). */
export function netFromSnapshot(s: NetSnapshot): DemoNet {
  const tensors: Record<string, Tensor> = {};
  for (const [k, d] of Object.entries(s.tensors)) tensors[k] = toTensor(d);
  return networkFromSerialized({ tensors, metadata: s.metadata });
}

/** Class probabilities (softmax of the scores) of one 28×28 image given as 784 values in [0, 1]. */
export function classify(net: DemoNet, pixels: Float32Array): number[] {
  const dtype = net.params.W1.dtype === 'float64' ? 'float64' : 'float32';
  const data = dtype === 'float64' ? Float64Array.from(pixels) : Float32Array.from(pixels);
  const x = new Tensor(data, [1, 784], { dtype });
  const scores = net.predict(x).toFlatArray();
  const max = Math.max(...scores);
  const exps = scores.map((s) => Math.exp(s - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}
