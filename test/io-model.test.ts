import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { architectureOf, ModelFileError } from '../src/io/architecture.js';
import {
  describeSerialized,
  networkFromSerialized,
  SCRATCHNET_VERSION,
  serializeNetwork,
} from '../src/io/model.js';
import { loadModel, loadParams, readSafetensorsFile, saveParams } from '../src/io/node.js';
import { encodeOnnx } from '../src/io/onnx.js';
import { decodeSafetensors, encodeSafetensors, SafetensorsError } from '../src/io/safetensors.js';
import { DEEP_CONV_PARAMS, DeepConvNet } from '../src/nets/deep-conv-net.js';
import { MultiLayerNet } from '../src/nets/multi-layer-net.js';
import { MultiLayerNetExtend } from '../src/nets/multi-layer-net-extend.js';
import { SimpleConvNet } from '../src/nets/simple-conv-net.js';
import { random } from '../src/random/global.js';
import { RandomState } from '../src/random/random-state.js';
import { batch, bitsOf, netZoo, pythonRead, tempDir, trainSome } from './io-helpers.js';

describe('model files', () => {
  const dir = tempDir();
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  for (const [name, net] of netZoo()) {
    it(`${name}: save, load, predict bit for bit, same architecture`, () => {
      trainSome(net);
      const path = join(dir, `${name.replace(/ /g, '_')}.safetensors`);
      saveParams(net, path, { metadata: { training: { epochs: 3, testAcc: 0.5 }, note: 'hi' } });
      const before = random.getState();
      const back = loadParams(path);
      expect(random.getState(), 'loading draws nothing from the global random').toEqual(before);
      expect(back.constructor).toBe(net.constructor);
      expect(architectureOf(back)).toEqual(architectureOf(net));
      const { x } = batch(net.params.W1.dtype as 'float64' | 'float32');
      expect(bitsOf(back.predict(x).data)).toBe(bitsOf(net.predict(x).data));
      for (const k of Object.keys(net.params))
        expect(bitsOf(back.params[k].data)).toBe(bitsOf(net.params[k].copy().data));
      // the rebuilt net trains like the original
      if (!(net instanceof MultiLayerNetExtend && net.useDropout)) {
        trainSome(net, 1);
        trainSome(back, 1);
        expect(bitsOf(back.predict(x).data)).toBe(bitsOf(net.predict(x).data));
      }
      const { description } = loadModel(path);
      expect(description.training).toEqual({ epochs: 3, testAcc: 0.5 });
      expect(description.metadata.note).toBe('hi');
    });
  }

  it('stores batch-norm running statistics as bn{i}.running_mean / running_var, readable by Python', () => {
    const net = netZoo()[6][1];
    trainSome(net);
    const { tensors, metadata } = serializeNetwork(net);
    expect(Object.keys(tensors)).toEqual([
      'W1',
      'b1',
      'W2',
      'b2',
      'W3',
      'b3',
      'gamma1',
      'beta1',
      'gamma2',
      'beta2',
      'bn1.running_mean',
      'bn1.running_var',
      'bn2.running_mean',
      'bn2.running_var',
    ]);
    expect(metadata.format).toBe('scratchnet');
    expect(metadata['scratchnet.version']).toBe(SCRATCHNET_VERSION);
    const py = pythonRead(encodeSafetensors(tensors, metadata));
    expect(py.tensors['bn2.running_var'].shape).toEqual([6]);
    expect(JSON.parse(py.metadata['scratchnet.architecture'])).toMatchObject({
      model: 'mlp-extend',
      inputSize: 12,
      hiddenSizeList: [9, 6],
      outputSize: 4,
      useBatchnorm: true,
      useDropout: true,
      dropoutRatio: 0.3,
      batchnorm: { momentum: 0.9, eps: 1e-6, initRunningVar: 'ones' },
      dtype: 'float64',
    });
  });

  it('an untrained batch-norm net (no running statistics yet) round-trips', () => {
    const net = new MultiLayerNetExtend(12, [5], 4, { rng: new RandomState(0), useBatchnorm: true });
    const { tensors, metadata } = serializeNetwork(net);
    const bytes = encodeSafetensors(tensors, metadata);
    expect(Object.keys(decodeSafetensors(bytes).tensors)).not.toContain('bn1.running_mean');
    const back = networkFromSerialized(decodeSafetensors(bytes));
    const { x } = batch();
    expect(bitsOf(back.predict(x).data)).toBe(bitsOf(net.predict(x).data));
  });

  it('describes a file for `scratchnet info`', () => {
    const net = new MultiLayerNetExtend(784, [100, 50], 10, {
      rng: new RandomState(0),
      useBatchnorm: true,
      useDropout: true,
    });
    const d = describeSerialized(serializeNetwork(net, { training: { epochs: 2 } }));
    expect(d.model).toBe('mlp-extend');
    expect(d.file).toBe('model');
    expect(d.version).toBe(SCRATCHNET_VERSION);
    expect(d.layers).toEqual([
      'Affine 784 -> 100',
      'BatchNorm 100',
      'ReLU',
      'Dropout 0.5 (book)',
      'Affine 100 -> 50',
      'BatchNorm 50',
      'ReLU',
      'Dropout 0.5 (book)',
      'Affine 50 -> 10',
      'Softmax',
    ]);
    expect(d.parameterCount).toBe(784 * 100 + 100 + 100 * 50 + 50 + 50 * 10 + 10 + 2 * 100 + 2 * 50);
    expect(d.tensors.find((t) => t.name === 'W1')).toEqual({
      name: 'W1',
      shape: [784, 100],
      dtype: 'float64',
      size: 78400,
      role: 'parameter',
    });
    expect(d.training).toEqual({ epochs: 2 });
  });

  it('SCRATCHNET_VERSION is the package version', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    expect(SCRATCHNET_VERSION).toBe(pkg.version);
  });

  it('refuses reserved or non-string extra metadata', () => {
    const net = netZoo()[0][1];
    expect(() => serializeNetwork(net, { format: 'x' })).toThrow(/reserved/);
    expect(() => serializeNetwork(net, { 'scratchnet.version': 'x' })).toThrow(/reserved/);
    expect(() => serializeNetwork(net, { n: 3 })).toThrow(/'n': expected a string/);
  });
});

describe('damaged model files', () => {
  const net = new MultiLayerNet(6, [4], 3, { rng: new RandomState(0) });
  const base = serializeNetwork(net);
  const arch = JSON.parse(base.metadata['scratchnet.architecture']);
  const withArch = (change: Record<string, unknown>) => ({
    tensors: base.tensors,
    metadata: { ...base.metadata, 'scratchnet.architecture': JSON.stringify({ ...arch, ...change }) },
  });
  const refuses = (s: Parameters<typeof networkFromSerialized>[0], pattern: RegExp) => {
    expect(() => networkFromSerialized(s)).toThrow(ModelFileError);
    expect(() => networkFromSerialized(s)).toThrow(pattern);
    expect(() => describeSerialized(s)).toThrow(pattern);
  };

  it('names what is wrong', () => {
    refuses(
      { tensors: base.tensors, metadata: {} },
      /not a scratchnet model \(metadata 'format' should be 'scratchnet', got none\)/,
    );
    refuses(
      { tensors: base.tensors, metadata: { format: 'scratchnet' } },
      /'scratchnet.architecture' is missing/,
    );
    refuses({ ...base, metadata: { ...base.metadata, 'scratchnet.architecture': '{' } }, /is not valid JSON/);
    refuses(
      withArch({ model: 'resnet' }),
      /model: expected one of two-layer, two-layer-sigmoid, mlp, mlp-extend, convnet, deep-convnet/,
    );
    refuses(withArch({ inputSize: 0 }), /inputSize: expected an integer >= 1, got 0/);
    refuses(withArch({ hiddenSizeList: [4.5] }), /hiddenSizeList\[0\]: expected an integer >= 1/);
    refuses(withArch({ dtype: 'float16' }), /dtype: expected 'float64' or 'float32'/);
    refuses(withArch({ useBatchnorm: true }), /useBatchnorm: only an mlp-extend net has it/);
    refuses(withArch({ activation: 'tanh' }), /activation: expected 'relu' or 'sigmoid'/);
    refuses(withArch({ color: 'red' }), /unknown field 'color'/);
    const { W1, ...noW1 } = base.tensors;
    refuses({ tensors: noW1, metadata: base.metadata }, /tensor 'W1' is missing/);
    refuses(
      { tensors: { ...base.tensors, W1: W1.T.copy() }, metadata: base.metadata },
      /tensor 'W1': expected shape \(6, 4\) for the architecture, got \(4, 6\)/,
    );
    refuses(
      { tensors: { ...base.tensors, W1: W1.astype('float32') }, metadata: base.metadata },
      /tensor 'W1': expected dtype float64, got float32/,
    );
    refuses(
      { tensors: { ...base.tensors, extra: W1 }, metadata: base.metadata },
      /unexpected tensor 'extra' for a mlp net/,
    );
    const proto = '{"__proto__": {"polluted": 1}, "model": "mlp"}';
    refuses(
      { ...base, metadata: { ...base.metadata, 'scratchnet.architecture': proto } },
      /'__proto__' is not allowed/,
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('checks sizes against the tensors before building: a huge declared size allocates nothing', () => {
    refuses(withArch({ inputSize: 2 ** 40 }), /tensor 'W1': expected shape \(1099511627776, 4\)/);
    refuses(withArch({ hiddenSizeList: [4, 1e9, 1e9] }), /tensor 'b1'|tensor 'W2'/);
  });

  it('file errors name the path; a missing file says so', () => {
    const dir = tempDir();
    try {
      const path = join(dir, 'm.safetensors');
      saveParams(net, path);
      const bytes = readFileSync(path);
      const cut = join(dir, 'cut.safetensors');
      saveParams(net, cut);
      writeFileSync(cut, bytes.subarray(0, 20));
      expect(() => loadParams(cut)).toThrow(SafetensorsError);
      expect(() => loadParams(cut)).toThrow(`${cut}: safetensors: header length`);
      expect(() => loadParams(join(dir, 'nope.safetensors'))).toThrow(
        /cannot read '.*nope.safetensors': no such file/,
      );
      try {
        readSafetensorsFile(join(dir, 'nope.safetensors'));
      } catch (e) {
        expect((e as NodeJS.ErrnoException).code).toBe('ENOENT');
      }
      const plain = join(dir, 'plain.safetensors');
      writeFileSync(plain, encodeSafetensors({ a: net.params.W1 }));
      expect(() => loadParams(plain)).toThrow(ModelFileError);
      expect(() => loadParams(plain)).toThrow(`${plain}: model file: not a scratchnet model`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('conv net model files', () => {
  const dir = tempDir();
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const nets = () => [
    new SimpleConvNet({
      inputDim: [1, 10, 10],
      convParam: { filterNum: 4, filterSize: 3, pad: 0, stride: 1 },
      hiddenSize: 8,
      outputSize: 5,
      weightInitStd: 0.1,
      rng: new RandomState(1),
      dtype: 'float32',
    }),
    new DeepConvNet({
      inputDim: [1, 12, 12],
      convParams: DEEP_CONV_PARAMS.map((p) => ({ ...p, filterNum: p.filterNum / 8 })),
      hiddenSize: 6,
      outputSize: 5,
      dropoutRatio: 0.3,
      rng: new RandomState(2),
      dtype: 'float64',
    }),
  ];

  for (const net of nets()) {
    const name = net.constructor.name;
    it(`${name}: save, load, predict bit for bit, same architecture`, () => {
      const path = join(dir, `${name}.safetensors`);
      const x = new RandomState(7).rand(4, net.inputSize);
      saveParams(net, path);
      const before = random.getState();
      const back = loadParams(path, { rng: new RandomState(3) });
      expect(random.getState(), 'loading draws nothing from the global random').toEqual(before);
      expect(back.constructor).toBe(net.constructor);
      expect(architectureOf(back)).toEqual(architectureOf(net));
      expect((back as SimpleConvNet | DeepConvNet).architecture).toEqual(net.architecture);
      for (const k of Object.keys(net.params))
        expect(bitsOf(back.params[k].data)).toBe(bitsOf(net.params[k].copy().data));
      expect(bitsOf(back.predict(x).data)).toBe(bitsOf(net.predict(x).data));
      const d = describeSerialized(readSafetensorsFile(path));
      expect(d.model).toBe(net instanceof DeepConvNet ? 'deep-convnet' : 'convnet');
      expect(d.layers[0]).toMatch(/^Conv \d+x3x3/);
      expect(d.parameterCount).toBe(Object.values(net.params).reduce((s, t) => s + t.size, 0));
      expect(() => encodeOnnx(net)).toThrow(/ONNX export supports the MLPs; convnets are not supported yet/);
    });
  }

  it('refuses damaged or hostile conv architectures before allocating', () => {
    const base = serializeNetwork(nets()[0]);
    const arch = JSON.parse(base.metadata['scratchnet.architecture']);
    const withArch = (change: Record<string, unknown>) => ({
      tensors: base.tensors,
      metadata: { ...base.metadata, 'scratchnet.architecture': JSON.stringify({ ...arch, ...change }) },
    });
    const refuses = (s: Parameters<typeof networkFromSerialized>[0], pattern: RegExp) => {
      expect(() => networkFromSerialized(s)).toThrow(ModelFileError);
      expect(() => networkFromSerialized(s)).toThrow(pattern);
      expect(() => describeSerialized(s)).toThrow(pattern);
    };
    refuses(withArch({ inputDim: [1, 10] }), /inputDim: expected \[C, H, W\]/);
    refuses(withArch({ inputDim: [1, 10, 11] }), /inputSize: expected C\*H\*W = 110/);
    refuses(withArch({ inputDim: [1, 1e6, 1e6] }), /inputDim\[1\]: expected an integer in 1\.\.65536/);
    refuses(withArch({ hiddenSize: 2 ** 30, hiddenSizeList: [2 ** 30] }), /larger than this version loads/);
    refuses(withArch({ convParam: { filterNum: 4, filterSize: 3, pad: 0 } }), /convParam\.stride/);
    refuses(withArch({ convParam: { ...arch.convParam, filterSize: 4 } }), /even height and width/);
    refuses(withArch({ convParams: [] }), /convParams: not a field of a convnet net/);
    refuses(withArch({ activation: 'sigmoid' }), /activation: a convnet net uses 'relu'/);
    refuses(withArch({ useDropout: true }), /useDropout: only an mlp-extend or deep-convnet net has it/);
    refuses(withArch({ model: 'mlp' }), /inputDim: only the conv nets have it/);
    const { W2, ...noW2 } = base.tensors;
    refuses({ tensors: noW2, metadata: base.metadata }, /tensor 'W2' is missing/);
    refuses(
      { tensors: { ...base.tensors, W1: base.tensors.W2 }, metadata: base.metadata },
      /tensor 'W1': expected shape \(4, 1, 3, 3\)/,
    );
  });
});
