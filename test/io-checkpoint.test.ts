import { spawn } from 'node:child_process';
import fs, { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { spiral } from '../src/data/spiral.js';
import { decodeCheckpoint, encodeCheckpoint } from '../src/io/checkpoint.js';
import { atomicWriteFile, CHECKPOINT_FILE, readCheckpoint, writeCheckpoint } from '../src/io/node.js';
import { decodeSafetensors, encodeSafetensors, SafetensorsError } from '../src/io/safetensors.js';
import { MultiLayerNetExtend } from '../src/nets/multi-layer-net-extend.js';
import { TwoLayerNet } from '../src/nets/two-layer-net.js';
import { Adam } from '../src/optim/adam.js';
import { RandomState } from '../src/random/random-state.js';
import type { Tensor } from '../src/tensor/tensor.js';
import { Trainer } from '../src/train/trainer.js';
import { bitsOf, tempDir } from './io-helpers.js';

const [xTrain, tTrain] = spiral({ dtype: 'float64' });
const [xTest, tTest] = spiral({ dtype: 'float64', train: false });

/** A net with batch norm and dropout (masks from `dropoutRng`) and its trainer. */
function setup(dropoutRng: RandomState, trainerSeed = 7) {
  const net = new MultiLayerNetExtend(2, [16, 16], 3, {
    rng: dropoutRng,
    useBatchnorm: true,
    useDropout: true,
    dropoutRatio: 0.2,
  });
  const trainer = new Trainer(net, xTrain, tTrain, xTest, tTest, {
    epochs: 4,
    miniBatchSize: 30,
    optimizer: 'Adam',
    optimizerParam: { lr: 0.01 },
    verbose: false,
    rng: trainerSeed,
  });
  return { net, trainer };
}

function paramBits(net: { params: Record<string, Tensor> }) {
  return Object.fromEntries(Object.entries(net.params).map(([k, t]) => [k, bitsOf(t.copy().data)]));
}

/** The checkpoint metadata JSON, loosely typed for tampering. */
type Meta = Record<string, unknown> & { rng: Record<string, unknown> };

describe('checkpoints', () => {
  const dir = tempDir();
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  afterEach(() => vi.restoreAllMocks());

  it('resuming from a checkpoint ends bit for bit where the uninterrupted run ends', () => {
    const a = setup(new RandomState(1));
    a.trainer.train();

    const dropoutRng = new RandomState(1);
    const b = setup(dropoutRng);
    for (let i = 0; i < 17; i++) b.trainer.step();
    const path = writeCheckpoint(dir, {
      net: b.net,
      trainer: b.trainer,
      rng: dropoutRng,
      step: 17,
      extra: { run: 'x' },
    });
    expect(path).toBe(join(dir, CHECKPOINT_FILE));

    // "a new process": nothing shared with b
    const resumedRng = new RandomState(999);
    const ckpt = readCheckpoint(dir, { rng: resumedRng });
    expect(ckpt.step).toBe(17);
    expect(ckpt.extra).toEqual({ run: 'x' });
    resumedRng.setState(ckpt.rngState!);
    const trainer = new Trainer(ckpt.net, xTrain, tTrain, xTest, tTest, {
      epochs: 4,
      miniBatchSize: 30,
      optimizer: 'Adam',
      optimizerParam: { lr: 0.01 },
      verbose: false,
      rng: 12345,
    });
    trainer.setState(ckpt.trainerState!);
    expect(trainer.currentIter).toBe(17);
    trainer.train();
    expect(paramBits(ckpt.net)).toEqual(paramBits(a.net));
    expect(trainer.history).toEqual(a.trainer.history);
  });

  it('round-trips an optimizer and RNG without a trainer, and a float32 net', () => {
    const net = new TwoLayerNet(2, 5, 3, { rng: new RandomState(0), dtype: 'float32' });
    const opt = new Adam({ lr: 0.05 });
    opt.update(net.params, net.gradient(xTrain.astype('float32'), tTrain));
    const rs = new RandomState(3);
    rs.randn(3); // leaves a cached Gaussian
    const ckpt = decodeCheckpoint(encodeCheckpoint({ net, optimizer: opt, rng: rs, step: 1 }));
    expect(ckpt.trainerState).toBeNull();
    expect(ckpt.rngState).toEqual(rs.getState());
    expect(ckpt.rngState!.hasGauss).toBe(true);
    const s = opt.getState();
    expect(ckpt.optimizerState!.kind).toBe('adam');
    expect(ckpt.optimizerState!.hyperparameters).toEqual(s.hyperparameters);
    expect(ckpt.optimizerState!.iterations).toBe(1);
    for (const buf of ['m', 'v']) {
      for (const k of Object.keys(net.params)) {
        const t = ckpt.optimizerState!.buffers[buf][k];
        expect(t.dtype).toBe('float32');
        expect(bitsOf(t.data)).toBe(bitsOf(s.buffers[buf][k].data));
      }
    }
    expect(paramBits(ckpt.net)).toEqual(paramBits(net));
    const fresh = new Adam();
    fresh.setState(ckpt.optimizerState!);
    expect(fresh.getState().iterations).toBe(1);
  });

  it('refuses a model file as a checkpoint, and damaged checkpoint metadata', () => {
    const net = new TwoLayerNet(2, 3, 3, { rng: new RandomState(0) });
    const bytes = encodeCheckpoint({ net, step: 0, rng: new RandomState(0) });
    const withCheckpoint = (change: (meta: Meta) => void, key = 'scratchnet.checkpoint') => {
      const { tensors, metadata } = decodeSafetensors(bytes);
      const meta = JSON.parse(metadata[key]);
      change(meta);
      return encodeSafetensors(tensors, { ...metadata, [key]: JSON.stringify(meta) });
    };
    const model = decodeSafetensors(bytes);
    const asModel = encodeSafetensors(model.tensors, { ...model.metadata, 'scratchnet.file': 'model' });
    expect(() => decodeCheckpoint(asModel)).toThrow(
      /checkpoint: not a checkpoint \(metadata 'scratchnet.file' is "model"\)/,
    );
    const bad: [(m: Meta) => void, RegExp][] = [
      [(m) => (m.step = -1), /checkpoint: step: expected an integer >= 0, got -1/],
      [(m) => (m.rng.pos = 999), /rng.pos: expected at most 624/],
      [(m) => (m.rng.hasGauss = 0), /rng.hasGauss: expected true or false/],
      [(m) => (m.rng.key = [1, 2]), /rng.key: expected 624 integers/],
      [(m) => (m.optimizer = { kind: 'lbfgs' }), /optimizer.kind: expected one of sgd, momentum/],
      [
        (m) =>
          (m.optimizer = {
            kind: 'sgd',
            hyperparameters: { lr: 0.1 },
            iterations: 0,
            buffers: { v: ['W1'] },
          }),
        /tensor 'optimizer.v.W1' is missing/,
      ],
      [(m) => (m.trainer = {}), /trainer: saved without an optimizer state/],
      [(m) => (m.surprise = 1), /unknown field 'surprise'/],
    ];
    for (const [change, pattern] of bad)
      expect(() => decodeCheckpoint(withCheckpoint(change))).toThrow(pattern);
    expect(() => readCheckpoint(join(dir, 'none'))).toThrow(
      /readCheckpoint: cannot read '.*none': no such file/,
    );
    expect(() => encodeCheckpoint({ net, step: -1 })).toThrow(/step: expected an integer >= 0/);
  });

  it('a write that fails midway leaves the previous checkpoint intact and no temporary file', () => {
    const d = tempDir();
    try {
      const net = new TwoLayerNet(2, 50, 3, { rng: new RandomState(0) });
      writeCheckpoint(d, { net, step: 1 });
      const good = readFileSync(join(d, CHECKPOINT_FILE));
      net.params.W1.data[0] = 42;
      const real = fs.writeSync;
      let calls = 0;
      vi.spyOn(fs, 'writeSync').mockImplementation(((
        fd: number,
        buf: Uint8Array,
        off: number,
        len: number,
      ) => {
        calls++;
        if (calls === 1) return real(fd, buf, off, Math.floor(len / 2)); // a short write, as the OS may do
        throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      }) as typeof fs.writeSync);
      expect(() => writeCheckpoint(d, { net, step: 2 })).toThrow(/ENOSPC/);
      expect(calls).toBe(2);
      vi.restoreAllMocks();
      expect(readFileSync(join(d, CHECKPOINT_FILE)).equals(good)).toBe(true);
      expect(readdirSync(d)).toEqual([CHECKPOINT_FILE]);
      expect(readCheckpoint(d).step).toBe(1);

      vi.spyOn(fs, 'renameSync').mockImplementation(() => {
        throw Object.assign(new Error('EXDEV'), { code: 'EXDEV' });
      });
      expect(() => writeCheckpoint(d, { net, step: 3 })).toThrow(/EXDEV/);
      vi.restoreAllMocks();
      expect(readdirSync(d)).toEqual([CHECKPOINT_FILE]);
      expect(readFileSync(join(d, CHECKPOINT_FILE)).equals(good)).toBe(true);

      writeCheckpoint(d, { net, step: 4 });
      expect(readCheckpoint(d).net.params.W1.data[0]).toBe(42);
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });

  it('atomicWriteFile replaces a file whole and refuses a missing folder', () => {
    const d = tempDir();
    try {
      const f = join(d, 'x.bin');
      writeFileSync(f, 'old');
      atomicWriteFile(f, new Uint8Array([1, 2, 3]));
      expect([...readFileSync(f)]).toEqual([1, 2, 3]);
      expect(() => atomicWriteFile(join(d, 'no', 'x.bin'), new Uint8Array(1))).toThrow(/ENOENT/);
      expect(readdirSync(d)).toEqual(['x.bin']);
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });

  it('a writer killed with SIGKILL mid-write never leaves a damaged checkpoint; its temp file is cleaned up', async () => {
    const d = tempDir();
    const script = fileURLToPath(new URL('./fixtures/io_checkpoint_writer.ts', import.meta.url));
    try {
      let killedMidWrite = 0;
      for (const delay of [100, 300, 600]) {
        const child = spawn(process.execPath, ['--import', 'tsx', script, d], {
          stdio: ['ignore', 'pipe', 'inherit'],
        });
        let out = '';
        child.stdout.on('data', (c) => {
          out += c;
        });
        // wait for the first complete checkpoint and `delay` ms more, then kill as soon as the next
        // write is under way (its temporary file exists)
        await new Promise<void>((resolve, reject) => {
          child.on('exit', () => reject(new Error(`writer exited early: ${out}`)));
          const poll = setInterval(() => {
            if (out.includes('wrote')) {
              clearInterval(poll);
              setTimeout(() => {
                const watch = setInterval(() => {
                  if (readdirSync(d).some((f) => f.includes('.tmp-'))) {
                    clearInterval(watch);
                    resolve();
                  }
                }, 1);
              }, delay);
            }
          }, 10);
        });
        child.removeAllListeners('exit');
        const exited = new Promise((r) => child.on('exit', r));
        child.kill('SIGKILL');
        await exited;
        if (readdirSync(d).some((f) => f.includes('.tmp-'))) killedMidWrite++;
        const written = [...out.matchAll(/wrote (\d+)/g)].map((m) => Number(m[1]));
        const ckpt = readCheckpoint(d); // complete, never half-written
        expect(ckpt.step).toBeGreaterThanOrEqual(Math.max(...written));
        expect(ckpt.step).toBeLessThanOrEqual(Math.max(...written) + 1);
        expect(ckpt.net.params.b1.data[0]).toBe(ckpt.step);
      }
      // the kills landed mid-write (a temporary file was left behind), not between writes
      expect(killedMidWrite).toBeGreaterThanOrEqual(1);
      // a later write removes the temporary files of killed writers
      const net = new TwoLayerNet(2, 3, 3, { rng: new RandomState(0) });
      writeCheckpoint(d, { net, step: 0 });
      expect(readdirSync(d)).toEqual([CHECKPOINT_FILE]);
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  }, 120_000);

  it('readCheckpoint accepts the file path too, and a damaged file is a SafetensorsError naming it', () => {
    const d = tempDir();
    try {
      const net = new TwoLayerNet(2, 3, 3, { rng: new RandomState(0) });
      const path = writeCheckpoint(d, { net, step: 5 });
      expect(readCheckpoint(path).step).toBe(5);
      writeFileSync(path, readFileSync(path).subarray(0, 100));
      expect(() => readCheckpoint(d)).toThrow(SafetensorsError);
      expect(() => readCheckpoint(d)).toThrow(
        new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: safetensors: `),
      );
      expect(existsSync(path)).toBe(true);
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });
});
