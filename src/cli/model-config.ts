/**
 * The architecture flags shared by `train` and `gradcheck` (`--model`, `--hidden`, `--activation`,
 * `--weight-decay`, `--dropout`, `--batchnorm`, `--dtype`), their validation, and building the net.
 * @module
 */
import {
  DeepConvNet,
  MultiLayerNet,
  MultiLayerNetExtend,
  type RandomState,
  SimpleConvNet,
  type Tensor,
  TwoLayerNet,
  TwoLayerNetSigmoid,
} from '../index.js';
import { CliError, choiceFlag, type FlagSpecs, intListFlag, numberFlag, type ParsedFlags } from './args.js';

/** Models `--model` accepts. */
export const MODELS = ['two-layer', 'mlp', 'convnet', 'deep-convnet'] as const;
export type CliModel = (typeof MODELS)[number];
/** The conv nets: the book's SimpleConvNet (chapter 7) and DeepConvNet (chapter 8), on 1x28x28 images. */
export const CONV_MODELS: readonly CliModel[] = ['convnet', 'deep-convnet'];
export const ACTIVATIONS = ['relu', 'sigmoid'] as const;
export const DTYPES = ['float32', 'float64'] as const;

/** A network the CLI trains and evaluates (all the nets model files support). */
export type CliNet =
  | TwoLayerNet
  | TwoLayerNetSigmoid
  | MultiLayerNet
  | MultiLayerNetExtend
  | SimpleConvNet
  | DeepConvNet;

/** The architecture chosen by the flags. */
export interface ModelConfig {
  model: CliModel;
  /** Hidden layer sizes (one for two-layer and the conv nets: their hidden affine layer). */
  hidden: number[];
  activation: (typeof ACTIVATIONS)[number];
  /** L2 weight decay λ (0: none). */
  weightDecay: number;
  /** Dropout ratio after each hidden activation (0: no dropout layers); deep-convnet: its two dropouts. */
  dropout: number;
  batchnorm: boolean;
  dtype: (typeof DTYPES)[number];
}

/** The flags, for `parseFlags` and the help text. */
export const MODEL_FLAGS: FlagSpecs = {
  model: {
    type: 'string',
    value: '<name>',
    help: "two-layer (the book's chapter 5 net), mlp, convnet (chapter 7) or deep-convnet (chapter 8); default mlp",
  },
  hidden: {
    type: 'string',
    value: '<sizes>',
    help: 'hidden layer sizes, e.g. 100 or 100,100; default 100,100 (two-layer: 50; convnet: 100; deep-convnet: 50)',
  },
  activation: { type: 'string', value: '<name>', help: 'relu or sigmoid; default relu' },
  'weight-decay': { type: 'string', value: '<lambda>', help: 'L2 weight decay λ >= 0 (mlp); default 0' },
  dropout: {
    type: 'string',
    value: '<ratio>',
    help: 'dropout ratio in [0, 1) after each hidden layer (mlp); default 0 (deep-convnet: 0.5)',
  },
  batchnorm: { type: 'boolean', help: 'batch normalization before each hidden activation (mlp)' },
  dtype: { type: 'string', value: '<type>', help: 'float32 (fast) or float64; default float32' },
};

/** Reads the architecture flags; `command` names the command in error messages. */
export function readModelConfig(
  command: string,
  flags: ParsedFlags,
  defaults: { dtype: ModelConfig['dtype'] } = { dtype: 'float32' },
): ModelConfig {
  const v = flags.values;
  const model: CliModel = v.model === undefined ? 'mlp' : choiceFlag(command, 'model', v.model, MODELS);
  const conv = CONV_MODELS.includes(model);
  const hidden =
    v.hidden === undefined
      ? model === 'two-layer' || model === 'deep-convnet'
        ? [50]
        : conv
          ? [100]
          : [100, 100]
      : intListFlag(command, 'hidden', v.hidden);
  const activation =
    v.activation === undefined ? 'relu' : choiceFlag(command, 'activation', v.activation, ACTIVATIONS);
  const weightDecay =
    v['weight-decay'] === undefined ? 0 : numberFlag(command, 'weight-decay', v['weight-decay'], { ge: 0 });
  const dropout =
    v.dropout === undefined
      ? model === 'deep-convnet'
        ? 0.5
        : 0
      : numberFlag(command, 'dropout', v.dropout, { ge: 0, lt: 1 });
  const batchnorm = flags.switches.has('batchnorm');
  const dtype = v.dtype === undefined ? defaults.dtype : choiceFlag(command, 'dtype', v.dtype, DTYPES);
  if (model === 'two-layer') {
    if (hidden.length !== 1) {
      throw new CliError(
        `scratchnet ${command}: --hidden: two-layer has one hidden layer, got ${hidden.length} sizes '${v.hidden}' (use --model mlp for more)`,
      );
    }
    for (const [flag, set] of [
      ['weight-decay', weightDecay !== 0],
      ['dropout', v.dropout !== undefined],
      ['batchnorm', batchnorm],
    ] as const) {
      if (set) {
        throw new CliError(
          `scratchnet ${command}: --${flag} needs --model mlp (two-layer is the book's plain chapter 5 net)`,
        );
      }
    }
  }
  if (conv) {
    if (hidden.length !== 1) {
      throw new CliError(
        `scratchnet ${command}: --hidden: ${model} has one hidden affine layer, got ${hidden.length} sizes '${v.hidden}'`,
      );
    }
    for (const [flag, set, needs] of [
      ['activation', activation !== 'relu', 'mlp or two-layer'],
      ['weight-decay', weightDecay !== 0, 'mlp'],
      ['dropout', model === 'convnet' && v.dropout !== undefined, 'mlp or deep-convnet'],
      ['batchnorm', batchnorm, 'mlp'],
    ] as const) {
      if (set) {
        throw new CliError(
          `scratchnet ${command}: --${flag} needs --model ${needs} (${model} is the book's net as it is)`,
        );
      }
    }
  }
  return { model, hidden, activation, weightDecay, dropout, batchnorm, dtype };
}

/** `mlp 784-100-100-10 ReLU, batch norm, dropout 0.2, weight decay 0.01, float32` */
export function describeModel(c: ModelConfig, inputSize = 784, outputSize = 10): string {
  if (c.model === 'convnet') {
    return `convnet 1x28x28 conv 30x5x5-pool-${c.hidden[0]}-${outputSize} ReLU, ${c.dtype}`;
  }
  if (c.model === 'deep-convnet') {
    return `deep-convnet 1x28x28 conv 3x3 16,16,32,32,64,64-${c.hidden[0]}-${outputSize} ReLU, dropout ${c.dropout}, ${c.dtype}`;
  }
  const sizes = [inputSize, ...c.hidden, outputSize].join('-');
  const parts = [`${c.model} ${sizes} ${c.activation === 'relu' ? 'ReLU' : 'sigmoid'}`];
  if (c.batchnorm) parts.push('batch norm');
  if (c.dropout > 0) parts.push(`dropout ${c.dropout}`);
  if (c.weightDecay > 0) parts.push(`weight decay ${c.weightDecay}`);
  parts.push(c.dtype);
  return parts.join(', ');
}

/**
 * Builds the net of `c`: initial weights (and dropout masks) from `rng`. `mlp` with dropout or
 * batch norm is the book's `MultiLayerNetExtend`, else `MultiLayerNet` (He init for ReLU, Xavier
 * for sigmoid); `two-layer` is `TwoLayerNet` (ReLU) or the chapter 4 `TwoLayerNetSigmoid`;
 * `convnet` and `deep-convnet` are the book's `SimpleConvNet` and `DeepConvNet` on 1x28x28 images
 * (they take the flattened `(N, 784)` rows as they are).
 */
export function buildNet(c: ModelConfig, rng: RandomState, inputSize = 784, outputSize = 10): CliNet {
  if (c.model === 'convnet' || c.model === 'deep-convnet') {
    if (inputSize !== 784)
      throw new CliError(`scratchnet: --model ${c.model} takes 28x28 images, not ${inputSize} inputs`);
    const common = {
      inputDim: [1, 28, 28] as const,
      hiddenSize: c.hidden[0],
      outputSize,
      rng,
      dtype: c.dtype,
    };
    return c.model === 'convnet'
      ? new SimpleConvNet(common)
      : new DeepConvNet({ ...common, dropoutRatio: c.dropout });
  }
  if (c.model === 'two-layer') {
    const Net = c.activation === 'relu' ? TwoLayerNet : TwoLayerNetSigmoid;
    return new Net(inputSize, c.hidden[0], outputSize, { rng, dtype: c.dtype });
  }
  const common = {
    rng,
    dtype: c.dtype,
    activation: c.activation,
    weightInitStd: c.activation,
    weightDecayLambda: c.weightDecay,
  };
  if (c.dropout > 0 || c.batchnorm) {
    return new MultiLayerNetExtend(inputSize, c.hidden, outputSize, {
      ...common,
      useDropout: c.dropout > 0,
      dropoutRatio: c.dropout > 0 ? c.dropout : undefined,
      useBatchnorm: c.batchnorm,
    });
  }
  return new MultiLayerNet(inputSize, c.hidden, outputSize, common);
}

/** Class probabilities `(N, classes)` of a batch (test mode): softmax of the scores. */
export function probabilities(net: CliNet, x: Tensor, softmax: (t: Tensor) => Tensor): Tensor {
  // The chapter 4 net's predict already ends in softmax; the layered nets return scores.
  return net instanceof TwoLayerNetSigmoid ? net.predict(x) : softmax(net.predict(x, false));
}
