/**
 * ONNX export of the fully connected nets, so a trained model can be served by ONNX Runtime (or
 * any ONNX consumer). Browser-safe; `exportOnnx(net, path)` in `./node.ts` writes the file.
 *
 * The graph (opset 13, IR version 8, float32), layer by layer as the net's test-mode `predict`:
 * - `Affine` -> `Gemm(x, W, b)`; `Relu` -> `Relu`; `Sigmoid` -> `Sigmoid`;
 * - `BatchNormalization` -> `BatchNormalization` (inference) with the layer's running mean and
 *   variance and its own `eps` (the book's `10e-7`, i.e. 1e-6); a layer that never ran in training
 *   mode uses what its first forward would create (zeros, and ones or zeros per `initRunningVar`);
 * - `Dropout` in book mode -> `Mul` by `1 - dropoutRatio` (the book scales at inference); in
 *   inverted mode nothing (identity);
 * - then `Softmax(axis 1)`.
 *
 * Inputs and outputs: `input` float32 `[N, inputSize]`; outputs `probabilities` `[N, outputSize]`
 * (softmax of the scores: what `scratchnet predict` reports) and `logits` `[N, outputSize]` (the
 * scores, what the layered nets' `predict` returns). Ask ONNX Runtime for the one you need.
 *
 * Encoding: protobufjs (reflection over the subset of `onnx.proto` used here, field numbers as in
 * the ONNX spec). Note protobufjs generates its encoder with `new Function`, which a browser page
 * with a strict Content Security Policy forbids.
 * @module
 */
import protobuf from 'protobufjs/light.js';
import { Affine } from '../layers/affine.js';
import { BatchNormalization } from '../layers/batch-normalization.js';
import { Dropout } from '../layers/dropout.js';
import { Relu } from '../layers/relu.js';
import { Sigmoid } from '../layers/sigmoid.js';
import { TwoLayerNetSigmoid } from '../nets/two-layer-net-sigmoid.js';
import type { Tensor } from '../tensor/tensor.js';
import { architectureOf, type SerializableNet } from './architecture.js';
import { SCRATCHNET_VERSION } from './model.js';

/**
 * The ONNX opset the graph uses.
 * @example model.opset_import[0].version === ONNX_OPSET
 */
export const ONNX_OPSET = 13;
/**
 * The ONNX IR version of the file.
 * @example model.ir_version === ONNX_IR_VERSION
 */
export const ONNX_IR_VERSION = 8;

const msg = (fields: Record<string, [string, number, ('repeated' | undefined)?]>) => ({
  fields: Object.fromEntries(
    Object.entries(fields).map(([name, [type, id, rule]]) => [
      name,
      rule ? { type, id, rule } : { type, id },
    ]),
  ),
});

/** The part of onnx.proto this exporter writes (field numbers from the ONNX specification). */
const SCHEMA = {
  nested: {
    onnx: {
      nested: {
        ModelProto: msg({
          ir_version: ['int64', 1],
          producer_name: ['string', 2],
          producer_version: ['string', 3],
          domain: ['string', 4],
          model_version: ['int64', 5],
          doc_string: ['string', 6],
          graph: ['GraphProto', 7],
          opset_import: ['OperatorSetIdProto', 8, 'repeated'],
          metadata_props: ['StringStringEntryProto', 14, 'repeated'],
        }),
        OperatorSetIdProto: msg({ domain: ['string', 1], version: ['int64', 2] }),
        StringStringEntryProto: msg({ key: ['string', 1], value: ['string', 2] }),
        GraphProto: msg({
          node: ['NodeProto', 1, 'repeated'],
          name: ['string', 2],
          initializer: ['TensorProto', 5, 'repeated'],
          doc_string: ['string', 10],
          input: ['ValueInfoProto', 11, 'repeated'],
          output: ['ValueInfoProto', 12, 'repeated'],
        }),
        NodeProto: msg({
          input: ['string', 1, 'repeated'],
          output: ['string', 2, 'repeated'],
          name: ['string', 3],
          op_type: ['string', 4],
          attribute: ['AttributeProto', 5, 'repeated'],
          domain: ['string', 7],
        }),
        AttributeProto: msg({ name: ['string', 1], f: ['float', 2], i: ['int64', 3], type: ['int32', 20] }),
        TensorProto: msg({
          dims: ['int64', 1, 'repeated'],
          data_type: ['int32', 2],
          name: ['string', 8],
          raw_data: ['bytes', 9],
        }),
        ValueInfoProto: msg({ name: ['string', 1], type: ['TypeProto', 2] }),
        TypeProto: msg({ tensor_type: ['TypeProtoTensor', 1] }),
        TypeProtoTensor: msg({ elem_type: ['int32', 1], shape: ['TensorShapeProto', 2] }),
        TensorShapeProto: msg({ dim: ['Dimension', 1, 'repeated'] }),
        Dimension: msg({ dim_value: ['int64', 1], dim_param: ['string', 2] }),
      },
    },
  },
};

let modelType: protobuf.Type | null = null;
/**
 * The protobufjs type of the ModelProto subset written here, built on first use (tests decode with it).
 * @example onnxModelType().toObject(onnxModelType().decode(bytes), { longs: Number })
 */
export function onnxModelType(): protobuf.Type {
  modelType ??= protobuf.Root.fromJSON(SCHEMA).lookupType('onnx.ModelProto');
  return modelType;
}

const FLOAT = 1; // TensorProto.DataType.FLOAT
const ATTR_FLOAT = 1;
const ATTR_INT = 2;

interface OnnxNode {
  input: string[];
  output: string[];
  name: string;
  op_type: string;
  attribute: { name: string; type: number; f?: number; i?: number }[];
}

/** Collects initializers and nodes. */
class GraphBuilder {
  readonly nodes: OnnxNode[] = [];
  readonly initializers: { name: string; dims: number[]; data_type: number; raw_data: Uint8Array }[] = [];

  /** Adds `t` (any float dtype) as a float32 initializer named `name`. */
  constant(name: string, t: Tensor | number[], dims?: number[]): string {
    const values = Array.isArray(t) ? t : t.toFlatArray();
    const raw = new Uint8Array(values.length * 4);
    const view = new DataView(raw.buffer);
    for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i], true);
    this.initializers.push({
      name,
      dims: dims ?? (Array.isArray(t) ? [t.length] : [...t.shape]),
      data_type: FLOAT,
      raw_data: raw,
    });
    return name;
  }

  node(
    op: string,
    name: string,
    input: string[],
    output: string,
    attribute: OnnxNode['attribute'] = [],
  ): string {
    this.nodes.push({ input, output: [output], name, op_type: op, attribute });
    return output;
  }
}

/** Adds the nodes of a layered net's layers; returns the name of the scores. */
function addLayers(g: GraphBuilder, net: Exclude<SerializableNet, TwoLayerNetSigmoid>, x: string): string {
  let affine = 0;
  for (const [name, layer] of Object.entries(net.layers)) {
    if (layer instanceof Affine) {
      affine++;
      const W = g.constant(`W${affine}`, layer.W);
      const b = g.constant(`b${affine}`, layer.b);
      x = g.node('Gemm', name, [x, W, b], `${name}_out`);
    } else if (layer instanceof Relu) {
      x = g.node('Relu', name, [x], `${name}_out`);
    } else if (layer instanceof Sigmoid) {
      x = g.node('Sigmoid', name, [x], `${name}_out`);
    } else if (layer instanceof BatchNormalization) {
      const i = name.replace(/^BatchNorm/, '');
      const d = layer.features;
      const mean = layer.runningMean ?? new Array<number>(d).fill(0);
      const variance = layer.runningVar ?? new Array<number>(d).fill(layer.initRunningVar === 'ones' ? 1 : 0);
      const inputs = [
        x,
        g.constant(`gamma${i}`, layer.gamma),
        g.constant(`beta${i}`, layer.beta),
        g.constant(`bn${i}.running_mean`, mean),
        g.constant(`bn${i}.running_var`, variance),
      ];
      x = g.node('BatchNormalization', name, inputs, `${name}_out`, [
        { name: 'epsilon', type: ATTR_FLOAT, f: layer.eps },
      ]);
    } else if (layer instanceof Dropout) {
      if (layer.mode === 'book') {
        const scale = g.constant(`${name}.scale`, [1 - layer.dropoutRatio], []);
        x = g.node('Mul', name, [x, scale], `${name}_out`);
      }
    } else {
      throw new TypeError(`encodeOnnx: layer '${name}' (${layer.constructor.name}) has no ONNX export`);
    }
  }
  return x;
}

/**
 * Options of {@link encodeOnnx}.
 * @example encodeOnnx(net, { metadata: { trainedOn: 'mnist' } })
 */
export interface EncodeOnnxOptions {
  /** Extra `metadata_props` entries (strings). */
  metadata?: Record<string, string>;
}

/**
 * The net as an ONNX model (see the module documentation for the graph): input `input` float32
 * `[N, inputSize]`, outputs `probabilities` and `logits` `[N, outputSize]`. Weights are stored as
 * float32 (float64 nets are rounded once). The model's `metadata_props` hold `format`,
 * `scratchnet.version` and `scratchnet.architecture` as in model files.
 * @param net a TwoLayerNet, TwoLayerNetSigmoid, MultiLayerNet or MultiLayerNetExtend
 * @returns the bytes of the `.onnx` file
 * @example
 * const bytes = encodeOnnx(net);
 * // with onnxruntime: const session = await InferenceSession.create(bytes);
 * // const { probabilities } = await session.run({ input: new ort.Tensor('float32', x, [n, 784]) });
 */
export function encodeOnnx(net: SerializableNet, options: EncodeOnnxOptions = {}): Uint8Array {
  const arch = architectureOf(net);
  if (arch.model === 'convnet' || arch.model === 'deep-convnet') {
    throw new TypeError(
      `encodeOnnx: ONNX export supports the MLPs; convnets are not supported yet (got a ${arch.model})`,
    );
  }
  const g = new GraphBuilder();
  let x = 'input';
  if (net instanceof TwoLayerNetSigmoid) {
    const p = net.params;
    x = g.node('Gemm', 'Affine1', [x, g.constant('W1', p.W1), g.constant('b1', p.b1)], 'Affine1_out');
    x = g.node('Sigmoid', 'Sigmoid1', [x], 'Sigmoid1_out');
    x = g.node('Gemm', 'Affine2', [x, g.constant('W2', p.W2), g.constant('b2', p.b2)], 'Affine2_out');
  } else {
    x = addLayers(g, net, x);
  }
  const last = g.nodes[g.nodes.length - 1];
  last.output = ['logits'];
  g.node('Softmax', 'Softmax', ['logits'], 'probabilities', [{ name: 'axis', type: ATTR_INT, i: 1 }]);
  const valueInfo = (name: string, size: number) => ({
    name,
    type: { tensor_type: { elem_type: FLOAT, shape: { dim: [{ dim_param: 'N' }, { dim_value: size }] } } },
  });
  const metadata: Record<string, string> = {
    format: 'scratchnet',
    'scratchnet.version': SCRATCHNET_VERSION,
    'scratchnet.architecture': JSON.stringify(arch),
    ...(options.metadata ?? {}),
  };
  const model = {
    ir_version: ONNX_IR_VERSION,
    producer_name: 'scratchnet',
    producer_version: SCRATCHNET_VERSION,
    model_version: 1,
    doc_string: `scratchnet ${arch.model}: outputs 'probabilities' (softmax) and 'logits'`,
    opset_import: [{ domain: '', version: ONNX_OPSET }],
    metadata_props: Object.entries(metadata).map(([key, value]) => ({ key, value })),
    graph: {
      name: `scratchnet_${arch.model.replace(/-/g, '_')}`,
      node: g.nodes,
      initializer: g.initializers,
      input: [valueInfo('input', arch.inputSize)],
      output: [valueInfo('probabilities', arch.outputSize), valueInfo('logits', arch.outputSize)],
    },
  };
  const type = onnxModelType();
  return type.encode(type.fromObject(model)).finish();
}
