import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Adam } from '../optim/adam.js';
import { RandomState } from '../random/random-state.js';
import { Tensor } from '../tensor/tensor.js';
import type { Network } from './network.js';
import { type EpochInfo, type StepInfo, Trainer, type TrainerOptions } from './trainer.js';

// ---------------------------------------------------------------- a tiny network

/** Row-major values of a 2-D tensor (any layout). */
function rows(t: Tensor): number[][] {
  return t.toArray() as number[][];
}

function t2(values: number[][]): Tensor {
  const n = values.length;
  const m = n === 0 ? 0 : values[0].length;
  return new Tensor(Float64Array.from(values.flat()), [n, m]);
}

/**
 * Linear least squares with one-hot targets, the network of test/fixtures/optim_trainer_fixtures.py:
 * y = xW + b, loss 0.5 * sum((y - t)^2) / N, accuracy argmax(y) == argmax(t).
 */
class LinearNet implements Network {
  params: Record<string, Tensor>;
  calls = { gradient: 0, loss: 0, accuracy: 0 };
  accuracySizes: number[] = [];

  constructor(W: number[][], b: number[]) {
    this.params = { W: t2(W), b: new Tensor(Float64Array.from(b), [b.length]) };
  }

  predict(x: Tensor): number[][] {
    const W = rows(this.params.W);
    const b = this.params.b.toFlatArray();
    return rows(x).map((xr) => b.map((bj, j) => xr.reduce((s, xi, i) => s + xi * W[i][j], 0) + bj));
  }

  loss(x: Tensor, t: Tensor): number {
    this.calls.loss++;
    const y = this.predict(x);
    const tt = rows(t);
    let s = 0;
    y.forEach((yr, n) => {
      yr.forEach((v, j) => {
        s += (v - tt[n][j]) ** 2;
      });
    });
    return (0.5 * s) / x.shape[0];
  }

  gradient(x: Tensor, t: Tensor): Record<string, Tensor> {
    this.calls.gradient++;
    const N = x.shape[0];
    const xs = rows(x);
    const tt = rows(t);
    const d = this.predict(x).map((yr, n) => yr.map((v, j) => (v - tt[n][j]) / N));
    const [D, K] = this.params.W.shape;
    const dW = Array.from({ length: D }, (_, i) =>
      Array.from({ length: K }, (_, j) => xs.reduce((s, xr, n) => s + xr[i] * d[n][j], 0)),
    );
    const db = Array.from({ length: K }, (_, j) => d.reduce((s, dr) => s + dr[j], 0));
    return { W: t2(dW), b: new Tensor(Float64Array.from(db), [K]) };
  }

  accuracy(x: Tensor, t: Tensor): number {
    this.calls.accuracy++;
    this.accuracySizes.push(x.shape[0]);
    const argmax = (r: number[]) => r.indexOf(Math.max(...r));
    const tt = rows(t);
    const y = this.predict(x);
    let ok = 0;
    y.forEach((yr, n) => {
      if (argmax(yr) === argmax(tt[n])) ok++;
    });
    return ok / x.shape[0];
  }
}

interface TrainerCase {
  name: string;
  seed: number;
  options: TrainerOptions;
  xTrain: number[][];
  tTrain: number[][];
  xTest: number[][];
  tTest: number[][];
  W0: number[][];
  b0: number[];
  iterPerEpoch: number;
  maxIter: number;
  trainLossList: number[];
  trainAccList: number[];
  testAccList: number[];
  W: number[][];
  b: number[];
  lines: string[];
}

const fixtures = JSON.parse(
  readFileSync(new URL('../../test/fixtures/optim_trainer_fixtures.json', import.meta.url), 'utf8'),
) as { cases: TrainerCase[] };

function relErr(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);
}

/** A small synthetic problem: 40 train and 20 test samples, 3 features, 3 classes. */
function problem(nTrain = 40, nTest = 20) {
  const rs = new RandomState(123);
  const Wt = rows(rs.randn(3, 3));
  const make = (n: number) => {
    const x = rows(rs.randn(n, 3));
    const t = x.map((r) => {
      const s = [0, 1, 2].map((j) => r.reduce((acc, v, i) => acc + v * Wt[i][j], 0));
      const k = s.indexOf(Math.max(...s));
      return [0, 1, 2].map((j) => (j === k ? 1 : 0));
    });
    return [t2(x), t2(t)] as const;
  };
  const [xTrain, tTrain] = make(nTrain);
  const [xTest, tTest] = make(nTest);
  return { xTrain, tTrain, xTest, tTest };
}

const W0 = [
  [0.01, -0.02, 0.005],
  [0.0, 0.015, -0.01],
  [-0.005, 0.01, 0.02],
];
const b0 = [0, 0, 0];

function makeTrainer(options: TrainerOptions = {}, net = new LinearNet(W0, b0), p = problem()) {
  const trainer = new Trainer(net, p.xTrain, p.tTrain, p.xTest, p.tTest, { verbose: false, ...options });
  return { trainer, net };
}

function paramBits(net: Network): Record<string, number[]> {
  return Object.fromEntries(Object.entries(net.params).map(([k, v]) => [k, v.toFlatArray()]));
}

// ---------------------------------------------------------------- tests

describe("Trainer reproduces the book's Trainer (numpy fixtures)", () => {
  for (const c of fixtures.cases) {
    it(c.name, () => {
      const net = new LinearNet(c.W0, c.b0);
      const lines: string[] = [];
      const trainer = new Trainer(net, t2(c.xTrain), t2(c.tTrain), t2(c.xTest), t2(c.tTest), {
        ...c.options,
        rng: new RandomState(c.seed), // np.random.seed(seed)
        logger: (line) => lines.push(line),
      });
      expect(trainer.iterPerEpoch).toBe(c.iterPerEpoch);
      expect(trainer.maxIter).toBe(c.maxIter);
      const { testAcc } = trainer.train();

      expect(trainer.history.trainLossList.length).toBe(c.trainLossList.length);
      trainer.history.trainLossList.forEach((loss, i) => {
        if (relErr(loss, c.trainLossList[i]) > 1e-10)
          throw new Error(`step ${i + 1}: loss ${loss} vs numpy ${c.trainLossList[i]}`);
      });
      expect(trainer.history.trainAccList).toEqual(c.trainAccList);
      expect(trainer.history.testAccList).toEqual(c.testAccList);
      expect(lines).toEqual(c.lines);
      expect(testAcc).toBe(Number(c.lines.at(-1)!.slice('test acc:'.length)));
      rows(net.params.W).forEach((r, i) => {
        r.forEach((v, j) => {
          expect(relErr(v, c.W[i][j])).toBeLessThan(1e-10);
        });
      });
      net.params.b.toFlatArray().forEach((v, j) => {
        expect(relErr(v, c.b[j])).toBeLessThan(1e-10);
      });
    });
  }
});

describe('schedule', () => {
  it('iterPerEpoch = trainSize / miniBatchSize, maxIter = epochs * iterPerEpoch; evaluates at each epoch start', () => {
    const steps: StepInfo[] = [];
    const epochs: EpochInfo[] = [];
    const { trainer, net } = makeTrainer({
      epochs: 3,
      miniBatchSize: 10,
      callbacks: { onStep: (s) => steps.push(s), onEpoch: (e) => epochs.push(e) },
    });
    expect(trainer.iterPerEpoch).toBe(4);
    expect(trainer.maxIter).toBe(12);
    trainer.train();
    expect(steps.map((s) => s.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(steps.map((s) => s.iter)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(steps.map((s) => s.epoch)).toEqual([1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3]);
    expect(steps.filter((s) => s.epochEnd).map((s) => s.step)).toEqual([1, 5, 9]);
    expect(epochs.map((e) => [e.epoch, e.step])).toEqual([
      [1, 1],
      [2, 5],
      [3, 9],
    ]);
    expect(net.calls.gradient).toBe(12);
    expect(net.calls.loss).toBe(12);
    expect(net.calls.accuracy).toBe(2 * 3 + 1); // train + test per epoch, then the final test accuracy
    expect(net.accuracySizes).toEqual([40, 20, 40, 20, 40, 20, 20]);
    expect(trainer.history.trainLossList.length).toBe(12);
    expect(trainer.history.trainAccList.length).toBe(3);
    expect(trainer.history.testAccList.length).toBe(3);
    expect(trainer.currentIter).toBe(12);
    expect(trainer.currentEpoch).toBe(3);
    expect(trainer.trainLossList).toBe(trainer.history.trainLossList);
  });

  it('evaluateSampleNumPerEpoch limits the per-epoch evaluation, not the final one', () => {
    const { trainer, net } = makeTrainer({ epochs: 2, miniBatchSize: 20, evaluateSampleNumPerEpoch: 7 });
    trainer.train();
    expect(net.accuracySizes).toEqual([7, 7, 7, 7, 20]);
  });

  it('batch larger than the training set: one step per epoch (max(..., 1))', () => {
    const { trainer } = makeTrainer({ epochs: 3, miniBatchSize: 100 });
    expect(trainer.iterPerEpoch).toBe(1);
    expect(trainer.maxIter).toBe(3);
    trainer.train();
    expect(trainer.history.trainAccList.length).toBe(3);
  });

  it('a fractional iterPerEpoch evaluates only at exact multiples, as the book', () => {
    const { trainer } = makeTrainer({ epochs: 2, miniBatchSize: 15 }); // 40 / 15 = 2.666...
    expect(trainer.maxIter).toBe(5);
    trainer.train();
    expect(trainer.history.trainAccList.length).toBe(1);
  });

  it('each step samples miniBatchSize rows with replacement from rng.choice', () => {
    const seen: number[] = [];
    const rs = new RandomState(5);
    const spy = {
      choice: (n: number, size: number) => {
        const idx = rs.choice(n, size);
        seen.push(...idx.toFlatArray());
        return idx;
      },
      getState: () => rs.getState(),
      setState: (s: ReturnType<RandomState['getState']>) => rs.setState(s),
    } as unknown as RandomState;
    const sizes: number[] = [];
    const net = new LinearNet(W0, b0);
    const grad = net.gradient.bind(net);
    net.gradient = (x, t) => {
      sizes.push(x.shape[0], t.shape[0]);
      return grad(x, t);
    };
    const { trainer } = makeTrainer({ epochs: 1, miniBatchSize: 8, rng: spy }, net);
    trainer.train();
    expect(sizes).toEqual(Array(trainer.maxIter * 2).fill(8));
    const expected = new RandomState(5);
    const want: number[] = [];
    for (let i = 0; i < trainer.maxIter; i++) want.push(...expected.choice(40, 8).toFlatArray());
    expect(seen).toEqual(want);
  });

  it('step() can be called by hand, also past maxIter', () => {
    const { trainer } = makeTrainer({ epochs: 1, miniBatchSize: 20 });
    expect(trainer.maxIter).toBe(2);
    for (let i = 0; i < 5; i++) trainer.step();
    expect(trainer.currentIter).toBe(5);
    expect(trainer.history.trainLossList.length).toBe(5);
    const { testAcc } = trainer.train(); // nothing left to run: only the final accuracy
    expect(trainer.currentIter).toBe(5);
    expect(testAcc).toBeGreaterThanOrEqual(0);
  });
});

describe('reproducibility', () => {
  it('two runs with the same seed are bit-identical', () => {
    const a = makeTrainer({
      epochs: 3,
      miniBatchSize: 8,
      optimizer: 'Adam',
      optimizerParam: { lr: 0.05 },
      rng: 42,
    });
    const b = makeTrainer({
      epochs: 3,
      miniBatchSize: 8,
      optimizer: 'Adam',
      optimizerParam: { lr: 0.05 },
      rng: 42,
    });
    a.trainer.train();
    b.trainer.train();
    expect(b.trainer.history).toEqual(a.trainer.history);
    expect(paramBits(b.net)).toEqual(paramBits(a.net));
  });

  it('a seed and a RandomState with that seed give the same run; another seed differs', () => {
    const a = makeTrainer({ epochs: 2, miniBatchSize: 8, rng: 7 });
    const b = makeTrainer({ epochs: 2, miniBatchSize: 8, rng: new RandomState(7) });
    const c = makeTrainer({ epochs: 2, miniBatchSize: 8, rng: 8 });
    a.trainer.train();
    b.trainer.train();
    c.trainer.train();
    expect(b.trainer.history.trainLossList).toEqual(a.trainer.history.trainLossList);
    expect(c.trainer.history.trainLossList).not.toEqual(a.trainer.history.trainLossList);
  });
});

describe('divergence', () => {
  it('a NaN loss stops training with the step, the epoch and the learning rate', () => {
    const net = new LinearNet(W0, b0);
    const loss = net.loss.bind(net);
    let n = 0;
    net.loss = (x, t) => (++n === 7 ? Number.NaN : loss(x, t));
    const seen: number[] = [];
    const { trainer } = makeTrainer(
      {
        epochs: 3,
        miniBatchSize: 10,
        optimizer: 'sgd',
        optimizerParam: { lr: 0.5 },
        callbacks: { onStep: (s) => seen.push(s.step) },
      },
      net,
    );
    expect(() => trainer.train()).toThrow(
      "Trainer: the loss became NaN at step 7 (epoch 2) with learning rate 0.5 (optimizer 'sgd'): training diverged. Try a smaller learning rate (e.g. 0.05)",
    );
    expect(seen).toEqual([1, 2, 3, 4, 5, 6]);
    expect(trainer.history.trainLossList.length).toBe(6);
  });

  it('a learning rate far too large diverges to an infinite or NaN loss and is caught early', () => {
    const { trainer } = makeTrainer({ epochs: 200, miniBatchSize: 10, optimizerParam: { lr: 50 } });
    let error: unknown;
    try {
      trainer.train();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(
      /^Trainer: the loss became (NaN|Infinity) at step \d+ \(epoch \d+\) with learning rate 50 .*smaller learning rate \(e\.g\. 5\)/,
    );
    expect(trainer.currentIter).toBeLessThan(trainer.maxIter);
  });
});

describe('callbacks and logging', () => {
  it('onStep, onEpoch and onTrainEnd run in order, with the trainer state already updated', () => {
    const events: string[] = [];
    const { trainer } = makeTrainer({
      epochs: 2,
      miniBatchSize: 20,
      callbacks: [
        {
          onStep: (s) => {
            events.push(`step ${s.step} epoch ${s.epoch} lr ${s.lr} max ${s.maxIter}`);
            expect(s.trainer.currentIter).toBe(s.step);
            expect(s.trainer.history.trainLossList.at(-1)).toBe(s.loss);
          },
          onEpoch: (e) => {
            events.push(`epoch ${e.epoch} at ${e.step}`);
            expect(e.trainer.history.trainAccList.at(-1)).toBe(e.trainAcc);
            expect(e.trainer.history.testAccList.at(-1)).toBe(e.testAcc);
          },
          onTrainEnd: (t) => events.push(`end ${t.step} ${t.testAcc >= 0}`),
        },
        { onEpoch: (e) => events.push(`second ${e.epoch}`) },
      ],
    });
    trainer.train();
    expect(events).toEqual([
      'step 1 epoch 1 lr 0.01 max 4',
      'epoch 1 at 1',
      'second 1',
      'step 2 epoch 1 lr 0.01 max 4',
      'step 3 epoch 2 lr 0.01 max 4',
      'epoch 2 at 3',
      'second 2',
      'step 4 epoch 2 lr 0.01 max 4',
      'end 4 true',
    ]);
  });

  it("verbose prints the book's epoch lines and final block through the logger", () => {
    const lines: string[] = [];
    const { trainer } = makeTrainer({
      epochs: 2,
      miniBatchSize: 20,
      verbose: true,
      logger: (l) => lines.push(l),
    });
    const { testAcc } = trainer.train();
    const [a1, a2] = trainer.history.trainAccList;
    const [b1, b2] = trainer.history.testAccList;
    const py = (x: number) => (Number.isInteger(x) ? `${x}.0` : String(x));
    expect(lines).toEqual([
      `=== epoch:1, train acc:${py(a1)}, test acc:${py(b1)} ===`,
      `=== epoch:2, train acc:${py(a2)}, test acc:${py(b2)} ===`,
      '=============== Final Test Accuracy ===============',
      `test acc:${py(testAcc)}`,
    ]);
  });

  it('verbose: false prints nothing', () => {
    const lines: string[] = [];
    makeTrainer({
      epochs: 1,
      miniBatchSize: 20,
      verbose: false,
      logger: (l) => lines.push(l),
    }).trainer.train();
    expect(lines).toEqual([]);
  });
});

describe('checkpoints: getState / setState', () => {
  const opts: TrainerOptions = {
    epochs: 3,
    miniBatchSize: 8,
    optimizer: 'Adam',
    optimizerParam: { lr: 0.05 },
  };

  it('resuming from a mid-run state is bit-identical to an uninterrupted run', () => {
    const full = makeTrainer({ ...opts, rng: 11 });
    full.trainer.train();

    const first = makeTrainer({ ...opts, rng: 11 });
    for (let i = 0; i < 7; i++) first.trainer.step();
    const state = first.trainer.getState();
    const W = first.net.params.W.toArray() as number[][];
    const b = first.net.params.b.toFlatArray();
    // The first trainer goes on (and must not disturb the snapshot).
    first.trainer.train();

    const resumedNet = new LinearNet(W, b);
    const resumed = makeTrainer({ ...opts, rng: 999 }, resumedNet);
    resumed.trainer.setState(state);
    expect(resumed.trainer.currentIter).toBe(7);
    expect(resumed.trainer.currentEpoch).toBe(state.currentEpoch);
    resumed.trainer.train();

    expect(resumed.trainer.history).toEqual(full.trainer.history);
    expect(paramBits(resumedNet)).toEqual(paramBits(full.net));
    expect(first.trainer.history).toEqual(full.trainer.history);
    expect(state.history.trainLossList.length).toBe(7);
  });

  it('the state holds the counters, history copies, optimizer and RNG state', () => {
    const { trainer } = makeTrainer({ ...opts, rng: 3 });
    trainer.step();
    trainer.step();
    const s = trainer.getState();
    expect(s.currentIter).toBe(2);
    expect(s.currentEpoch).toBe(1);
    expect(s.trainSize).toBe(40);
    expect(s.miniBatchSize).toBe(8);
    expect(s.optimizer.kind).toBe('adam');
    expect(s.optimizer.iterations).toBe(2);
    expect(s.rng.key.length).toBe(624);
    expect(s.history.trainLossList).not.toBe(trainer.history.trainLossList);
    expect(s.history).toEqual(trainer.history);
  });

  it('setState refuses a state for another training-set or batch size', () => {
    const a = makeTrainer({ ...opts, rng: 1 }).trainer;
    const b = makeTrainer({ ...opts, miniBatchSize: 10, rng: 1 }).trainer;
    expect(() => b.setState(a.getState())).toThrow(
      'Trainer.setState: the state is for trainSize 40 and miniBatchSize 8, this trainer has trainSize 40 and miniBatchSize 10',
    );
  });
});

describe('options and validation', () => {
  it("the book's defaults", () => {
    const p = problem(250, 10);
    const t = new Trainer(new LinearNet(W0, b0), p.xTrain, p.tTrain, p.xTest, p.tTest);
    expect(t.epochs).toBe(20);
    expect(t.miniBatchSize).toBe(100);
    expect(t.iterPerEpoch).toBe(2.5);
    expect(t.maxIter).toBe(50);
    expect(t.evaluateSampleNumPerEpoch).toBe(null);
    expect(t.verbose).toBe(true);
    expect(t.optimizer.kind).toBe('sgd');
    expect(t.optimizer.lr).toBe(0.01);
    // As the book: optimizerParam defaults to { lr: 0.01 } whatever the optimizer.
    expect(
      new Trainer(new LinearNet(W0, b0), p.xTrain, p.tTrain, p.xTest, p.tTest, { optimizer: 'Adam' })
        .optimizer.lr,
    ).toBe(0.01);
  });

  it('accepts an Optimizer instance', () => {
    const opt = new Adam({ lr: 0.02 });
    const { trainer } = makeTrainer({ optimizer: opt, epochs: 1, miniBatchSize: 20 });
    expect(trainer.optimizer).toBe(opt);
    trainer.train();
    expect(opt.iterations).toBe(2);
  });

  it('clear errors for bad arguments', () => {
    const p = problem();
    const net = new LinearNet(W0, b0);
    const make =
      (o: TrainerOptions, x = p.xTrain, t = p.tTrain) =>
      () =>
        new Trainer(net, x, t, p.xTest, p.tTest, o);
    expect(make({}, p.xTrain, p.tTest)).toThrow(
      'Trainer: xTrain has 40 samples (shape (40,3)) but tTrain has 20 (shape (20,3))',
    );
    expect(make({ miniBatchSize: 0 })).toThrow('Trainer: miniBatchSize: expected an integer >= 1, got 0');
    expect(make({ miniBatchSize: 2.5 })).toThrow(/miniBatchSize/);
    expect(make({ epochs: -1 })).toThrow('Trainer: epochs: expected a finite number >= 0, got -1');
    expect(make({ evaluateSampleNumPerEpoch: 0 })).toThrow(/evaluateSampleNumPerEpoch/);
    expect(make({ optimizer: 'adadelta' })).toThrow(/unknown optimizer 'adadelta'; expected one of 'sgd'/);
    expect(make({ optimizerParam: { lr: -1 } })).toThrow('SGD: lr: expected a finite number > 0, got -1');
    expect(make({ mini_batch_size: 10 } as TrainerOptions)).toThrow(
      "Trainer: unknown option 'mini_batch_size' (did you mean 'miniBatchSize'?)",
    );
    expect(make({ rng: 'seed' as unknown as number })).toThrow(/rng: expected a RandomState/);
    expect(
      () => new Trainer({ params: {} } as unknown as Network, p.xTrain, p.tTrain, p.xTest, p.tTest),
    ).toThrow('Trainer: network.gradient is not a function');
  });

  it('a network returning a size-1 Tensor as loss is accepted; other shapes are not', () => {
    const net = new LinearNet(W0, b0);
    const loss = net.loss.bind(net);
    net.loss = ((x: Tensor, t: Tensor) =>
      new Tensor(Float64Array.of(loss(x, t)), [])) as unknown as Network['loss'];
    const { trainer } = makeTrainer({ epochs: 1, miniBatchSize: 20 }, net);
    expect(typeof trainer.step().loss).toBe('number');
    net.loss = (() => new Tensor(new Float64Array(2), [2])) as unknown as Network['loss'];
    expect(() => trainer.step()).toThrow(
      'Trainer: network.loss() must return a number, got a Tensor of shape (2,)',
    );
  });
});
