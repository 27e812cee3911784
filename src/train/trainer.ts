/**
 * The book's `Trainer` (common/trainer.py of "Deep Learning from Scratch"): mini-batch training with
 * an optimizer, accuracy at each epoch boundary, and the final test accuracy; plus callbacks, a
 * seeded RNG, manual stepping, checkpointable state and an early error when the loss diverges.
 */
import { isKernelDType, kernelArray } from '../layers/buffers.js';
import { take } from '../ops/indexing.js';
import { createOptimizer, type OptimizerOptions } from '../optim/create.js';
import type { Optimizer, OptimizerState } from '../optim/optimizer.js';
import { random } from '../random/global.js';
import { RandomState, type RandomStateState, type Seed } from '../random/random-state.js';
import { allocate } from '../tensor/dtype.js';
import { formatShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import type { Network } from './network.js';
import { pyFloat } from './py-format.js';

/** The random source the Trainer draws mini-batches from (a `RandomState`, or the global `random`). */
export type TrainerRng = Pick<RandomState, 'choice' | 'getState' | 'setState'>;

/** What `onStep` receives after each step. */
export interface StepInfo {
  /** Number of steps done, this one included (1, 2, ...). */
  step: number;
  /** The book's `current_iter` of this step (0-based: `step - 1`). */
  iter: number;
  /** The epoch this step belongs to (1-based, the book's `current_epoch` after the step). */
  epoch: number;
  /** The loss on this step's mini-batch, after the update (as the book computes it). */
  loss: number;
  /** The optimizer's learning rate at this step. */
  lr: number;
  /** True if this step was an epoch boundary (accuracies were evaluated). */
  epochEnd: boolean;
  /** Total number of steps `train()` runs (the book's `max_iter`). */
  maxIter: number;
  /** The trainer. */
  trainer: Trainer;
}

/** What `onEpoch` receives at each epoch boundary. */
export interface EpochInfo {
  /** The epoch number (1-based, the book's `current_epoch`). */
  epoch: number;
  /** Accuracy on the training set (or its first `evaluateSampleNumPerEpoch` samples). */
  trainAcc: number;
  /** Accuracy on the test set (or its first `evaluateSampleNumPerEpoch` samples). */
  testAcc: number;
  /** Number of steps done so far. */
  step: number;
  /** The loss of the step that ended the epoch. */
  loss: number;
  /** The trainer. */
  trainer: Trainer;
}

/** What `onTrainEnd` receives when `train()` finishes. */
export interface TrainEndInfo {
  /** Accuracy on the whole test set. */
  testAcc: number;
  /** Number of steps done. */
  step: number;
  /** The trainer. */
  trainer: Trainer;
}

/** Functions called during training; all optional. They run after the trainer's state is updated. */
export interface TrainerCallbacks {
  /** After every step. */
  onStep?(info: StepInfo): void;
  /** After every epoch evaluation (after that step's `onStep`). */
  onEpoch?(info: EpochInfo): void;
  /** At the end of `train()`, after the final test accuracy. */
  onTrainEnd?(info: TrainEndInfo): void;
}

/** Loss and accuracies recorded during training (the book's three lists). */
export interface TrainHistory {
  /** Loss of every step's mini-batch. */
  trainLossList: number[];
  /** Training accuracy at every epoch boundary. */
  trainAccList: number[];
  /** Test accuracy at every epoch boundary. */
  testAccList: number[];
}

/** Options of the Trainer: the book's keyword arguments in camelCase, and a few additions. */
export interface TrainerOptions {
  /** Number of epochs (may be fractional, as in the book); default 20. */
  epochs?: number;
  /** Mini-batch size; default 100. */
  miniBatchSize?: number;
  /**
   * An optimizer name (`'SGD'`, `'Momentum'`, `'Nesterov'`, `'AdaGrad'`, `'RMSprop'`, `'Adam'`, any
   * case), built with `optimizerParam`; or an `Optimizer` instance. Default `'SGD'`.
   */
  optimizer?: string | Optimizer;
  /**
   * Options of the optimizer named by `optimizer`; default `{ lr: 0.01 }`, as the book (so
   * `optimizer: 'Adam'` alone trains with lr 0.01, not Adam's own default 0.001, exactly as the book).
   */
  optimizerParam?: OptimizerOptions;
  /** Evaluate accuracies on only the first this-many samples of each set; default null (all). */
  evaluateSampleNumPerEpoch?: number | null;
  /** Print the epoch lines and the final accuracy, as the book; default true. */
  verbose?: boolean;
  /**
   * Where mini-batches are drawn from: a `RandomState`, or a seed for a new one. Default: the global
   * `random` (numpy's `np.random`), so `random.seed(s)` before training reproduces the book's run.
   */
  rng?: TrainerRng | Seed;
  /** Callbacks, one object or several. */
  callbacks?: TrainerCallbacks | readonly TrainerCallbacks[];
  /** Where `verbose` lines go; default `console.log`. */
  logger?: (line: string) => void;
}

/** Everything needed to continue training bit for bit (the network's parameters are saved apart). */
export interface TrainerState {
  /** Steps done (the book's `current_iter`). */
  currentIter: number;
  /** Epoch counter (the book's `current_epoch`). */
  currentEpoch: number;
  /** Copies of the loss and accuracy lists. */
  history: TrainHistory;
  /** The optimizer's state (its buffers are copies). */
  optimizer: OptimizerState;
  /** The state of the random source mini-batches are drawn from. */
  rng: RandomStateState;
  /** Training-set size and mini-batch size, which fix the schedule; checked by `setState`. */
  trainSize: number;
  miniBatchSize: number;
}

/** What `train()` returns. */
export interface TrainResult {
  /** Accuracy on the whole test set after training. */
  testAcc: number;
  /** The trainer's history (the same object as `trainer.history`). */
  history: TrainHistory;
}

function isRng(x: unknown): x is TrainerRng {
  return (
    x !== null &&
    typeof x === 'object' &&
    typeof (x as TrainerRng).choice === 'function' &&
    typeof (x as TrainerRng).getState === 'function' &&
    typeof (x as TrainerRng).setState === 'function'
  );
}

/** A network's loss or accuracy as a number (a size-1 Tensor is read with `item()`). */
function toNumber(value: unknown, what: string): number {
  if (typeof value === 'number') return value;
  if (value instanceof Tensor && value.size === 1) return value.item();
  const got = value instanceof Tensor ? `a Tensor of shape ${formatShape(value.shape)}` : String(value);
  throw new TypeError(`Trainer: network.${what}() must return a number, got ${got}`);
}

function checkSet(name: string, x: unknown, t: unknown, nonEmpty: boolean): number {
  const [xn, tn] = [`x${name}`, `t${name}`];
  if (!(x instanceof Tensor)) throw new TypeError(`Trainer: ${xn}: expected a Tensor, got ${String(x)}`);
  if (!(t instanceof Tensor)) throw new TypeError(`Trainer: ${tn}: expected a Tensor, got ${String(t)}`);
  if (x.ndim === 0) throw new RangeError(`Trainer: ${xn}: expected samples along axis 0, got a 0-d tensor`);
  if (t.ndim === 0) throw new RangeError(`Trainer: ${tn}: expected samples along axis 0, got a 0-d tensor`);
  if (x.shape[0] !== t.shape[0]) {
    throw new RangeError(
      `Trainer: ${xn} has ${x.shape[0]} samples (shape ${formatShape(x.shape)}) but ${tn} has ${t.shape[0]} (shape ${formatShape(t.shape)})`,
    );
  }
  if (nonEmpty && x.shape[0] === 0)
    throw new RangeError(`Trainer: ${xn} has no samples (shape ${formatShape(x.shape)})`);
  return x.shape[0];
}

function emptyHistory(): TrainHistory {
  return { trainLossList: [], trainAccList: [], testAccList: [] };
}

function copyHistory(h: TrainHistory): TrainHistory {
  return {
    trainLossList: [...h.trainLossList],
    trainAccList: [...h.trainAccList],
    testAccList: [...h.testAccList],
  };
}

/**
 * Trains a network with mini-batch gradient descent, as the book's `Trainer`:
 * - `iterPerEpoch = max(trainSize / miniBatchSize, 1)`, `maxIter = floor(epochs * iterPerEpoch)`;
 * - each step draws `miniBatchSize` row indices with replacement (`rng.choice(trainSize, miniBatchSize)`,
 *   the book's `np.random.choice`), computes `grads = network.gradient(xBatch, tBatch)`, calls
 *   `optimizer.update(network.params, grads)`, then records `network.loss(xBatch, tBatch)`;
 * - when `currentIter % iterPerEpoch === 0` (the first step, then every `iterPerEpoch` steps; with a
 *   fractional `iterPerEpoch` only at exact multiples, a quirk kept from the book) the epoch counter
 *   goes up and train and test accuracy are evaluated and recorded;
 * - `train()` runs the remaining steps, then measures the accuracy on the whole test set.
 *
 * A loss that is NaN or infinite stops training at once with an error naming the step, the epoch and
 * the learning rate.
 *
 * Memory: the mini-batch rows are gathered into two batch tensors the trainer keeps and reuses from
 * step to step (in kernel memory, where the WASM kernels read them without copies), so a step
 * allocates no arrays for its data. The `x` and `t` that `network.gradient` and `network.loss`
 * receive are therefore overwritten by the next step: a network must not keep them beyond it (the
 * book's nets only read them within the step).
 * @example
 * const trainer = new Trainer(net, xTrain, tTrain, xTest, tTest, {
 *   epochs: 20, miniBatchSize: 100, optimizer: 'Adam', optimizerParam: { lr: 0.001 },
 *   evaluateSampleNumPerEpoch: 1000, rng: 0,
 * });
 * const { testAcc } = trainer.train();
 * // prints "=== epoch:1, train acc:0.12, test acc:0.11 ===" ... and the final test accuracy
 * trainer.history.trainLossList; // every step's loss
 */
export class Trainer {
  /** The network being trained. */
  readonly network: Network;
  /** The optimizer updating `network.params`. */
  readonly optimizer: Optimizer;
  /** The random source mini-batches are drawn from. */
  readonly rng: TrainerRng;
  /** Loss and accuracy lists. */
  readonly history: TrainHistory = emptyHistory();
  /** Number of epochs. */
  readonly epochs: number;
  /** Mini-batch size (the book's `batch_size`). */
  readonly miniBatchSize: number;
  /** Number of training samples. */
  readonly trainSize: number;
  /** Steps per epoch: `max(trainSize / miniBatchSize, 1)` (may be fractional, as in the book). */
  readonly iterPerEpoch: number;
  /** Steps `train()` runs in all: `floor(epochs * iterPerEpoch)`. */
  readonly maxIter: number;
  /** Evaluate on only this many samples per epoch (null: all). */
  readonly evaluateSampleNumPerEpoch: number | null;
  /** Whether the epoch lines are printed. */
  verbose: boolean;

  private readonly xTrain: Tensor;
  private readonly tTrain: Tensor;
  private readonly xTest: Tensor;
  private readonly tTest: Tensor;
  private readonly callbacks: readonly TrainerCallbacks[];
  private readonly logger: (line: string) => void;
  private _currentIter = 0;
  private _currentEpoch = 0;
  /** The reused mini-batch tensors (see the class notes). */
  private readonly batch: { x: Tensor | null; t: Tensor | null } = { x: null, t: null };

  constructor(
    network: Network,
    xTrain: Tensor,
    tTrain: Tensor,
    xTest: Tensor,
    tTest: Tensor,
    options: TrainerOptions = {},
  ) {
    if (network === null || typeof network !== 'object') {
      throw new TypeError(
        `Trainer: network: expected an object with params, gradient, loss and accuracy, got ${String(network)}`,
      );
    }
    if (network.params === null || typeof network.params !== 'object') {
      throw new TypeError('Trainer: network.params: expected an object of Tensors');
    }
    for (const m of ['gradient', 'loss', 'accuracy'] as const) {
      if (typeof network[m] !== 'function') throw new TypeError(`Trainer: network.${m} is not a function`);
    }
    if (options === null || typeof options !== 'object') {
      throw new TypeError(`Trainer: options: expected an object, got ${String(options)}`);
    }
    const allowed = [
      'epochs',
      'miniBatchSize',
      'optimizer',
      'optimizerParam',
      'evaluateSampleNumPerEpoch',
      'verbose',
      'rng',
      'callbacks',
      'logger',
    ];
    for (const key of Object.keys(options)) {
      if (!allowed.includes(key)) {
        const camel = key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
        const hint = allowed.includes(camel) ? ` (did you mean '${camel}'?)` : '';
        throw new TypeError(
          `Trainer: unknown option '${key}'${hint}; allowed options: ${allowed.join(', ')}`,
        );
      }
    }
    const {
      epochs = 20,
      miniBatchSize = 100,
      optimizer = 'SGD',
      optimizerParam = { lr: 0.01 },
      evaluateSampleNumPerEpoch = null,
      verbose = true,
      rng,
      callbacks = [],
      logger = (line: string) => console.log(line),
    } = options;

    this.trainSize = checkSet('Train', xTrain, tTrain, true);
    checkSet('Test', xTest, tTest, true);
    if (typeof epochs !== 'number' || !Number.isFinite(epochs) || epochs < 0) {
      throw new RangeError(`Trainer: epochs: expected a finite number >= 0, got ${String(epochs)}`);
    }
    if (!Number.isInteger(miniBatchSize) || miniBatchSize < 1) {
      throw new RangeError(`Trainer: miniBatchSize: expected an integer >= 1, got ${String(miniBatchSize)}`);
    }
    if (
      evaluateSampleNumPerEpoch !== null &&
      (!Number.isInteger(evaluateSampleNumPerEpoch) || evaluateSampleNumPerEpoch < 1)
    ) {
      throw new RangeError(
        `Trainer: evaluateSampleNumPerEpoch: expected null or an integer >= 1, got ${String(evaluateSampleNumPerEpoch)}`,
      );
    }
    if (typeof logger !== 'function') throw new TypeError('Trainer: logger: expected a function');

    this.network = network;
    this.xTrain = xTrain;
    this.tTrain = tTrain;
    this.xTest = xTest;
    this.tTest = tTest;
    this.epochs = epochs;
    this.miniBatchSize = miniBatchSize;
    this.evaluateSampleNumPerEpoch = evaluateSampleNumPerEpoch;
    this.verbose = Boolean(verbose);
    this.logger = logger;
    this.callbacks = Array.isArray(callbacks) ? [...callbacks] : [callbacks as TrainerCallbacks];

    if (typeof optimizer === 'string') this.optimizer = createOptimizer(optimizer, optimizerParam);
    else if (optimizer !== null && typeof optimizer === 'object' && typeof optimizer.update === 'function') {
      this.optimizer = optimizer;
    } else {
      throw new TypeError(
        `Trainer: optimizer: expected a name such as 'SGD' or 'Adam', or an Optimizer, got ${String(optimizer)}`,
      );
    }

    if (rng === undefined || rng === null) this.rng = random;
    else if (typeof rng === 'number' || Array.isArray(rng)) this.rng = new RandomState(rng as Seed);
    else if (isRng(rng)) this.rng = rng;
    else {
      throw new TypeError(
        `Trainer: rng: expected a RandomState (with choice, getState and setState) or a seed, got ${String(rng)}`,
      );
    }

    this.iterPerEpoch = Math.max(this.trainSize / miniBatchSize, 1);
    this.maxIter = Math.floor(epochs * this.iterPerEpoch);
  }

  /** Steps done so far (the book's `current_iter`). */
  get currentIter(): number {
    return this._currentIter;
  }

  /** Epoch counter (the book's `current_epoch`): the number of epoch boundaries passed. */
  get currentEpoch(): number {
    return this._currentEpoch;
  }

  /** The book's `train_loss_list` (same array as `history.trainLossList`). */
  get trainLossList(): number[] {
    return this.history.trainLossList;
  }

  /** The book's `train_acc_list`. */
  get trainAccList(): number[] {
    return this.history.trainAccList;
  }

  /** The book's `test_acc_list`. */
  get testAccList(): number[] {
    return this.history.testAccList;
  }

  /**
   * One training step (the book's `train_step`); may be called beyond `maxIter` for manual loops.
   * @returns what `onStep` receives
   * @throws Error if the loss is NaN or infinite
   * @example
   * while (trainer.currentIter < trainer.maxIter) {
   *   const { loss } = trainer.step();
   * }
   */
  step(): StepInfo {
    const iter = this._currentIter;
    const epochEnd = iter % this.iterPerEpoch === 0;
    const epoch = epochEnd ? this._currentEpoch + 1 : this._currentEpoch;

    const batchMask = this.rng.choice(this.trainSize, this.miniBatchSize);
    const xBatch = this.gather(this.xTrain, batchMask, 'x');
    const tBatch = this.gather(this.tTrain, batchMask, 't');

    const grads = this.network.gradient(xBatch, tBatch);
    this.optimizer.update(this.network.params, grads);

    const loss = toNumber(this.network.loss(xBatch, tBatch), 'loss');
    if (!Number.isFinite(loss)) {
      const lr = this.optimizer.lr;
      throw new Error(
        `Trainer: the loss became ${loss} at step ${iter + 1} (epoch ${epoch}) with learning rate ${lr} ` +
          `(optimizer '${this.optimizer.kind}'): training diverged. Try a smaller learning rate (e.g. ${lr / 10}); ` +
          'also check the inputs for NaN or infinite values and their scale.',
      );
    }
    this.history.trainLossList.push(loss);

    let trainAcc = 0;
    let testAcc = 0;
    if (epochEnd) {
      this._currentEpoch += 1;
      let [xTr, tTr, xTe, tTe] = [this.xTrain, this.tTrain, this.xTest, this.tTest];
      const t = this.evaluateSampleNumPerEpoch;
      if (t !== null) {
        const first = `:${t}`;
        [xTr, tTr, xTe, tTe] = [xTr.slice(first), tTr.slice(first), xTe.slice(first), tTe.slice(first)];
      }
      trainAcc = toNumber(this.network.accuracy(xTr, tTr), 'accuracy');
      testAcc = toNumber(this.network.accuracy(xTe, tTe), 'accuracy');
      this.history.trainAccList.push(trainAcc);
      this.history.testAccList.push(testAcc);
      if (this.verbose) {
        this.logger(
          `=== epoch:${this._currentEpoch}, train acc:${pyFloat(trainAcc)}, test acc:${pyFloat(testAcc)} ===`,
        );
      }
    }
    this._currentIter += 1;

    const info: StepInfo = {
      step: this._currentIter,
      iter,
      epoch,
      loss,
      lr: this.optimizer.lr,
      epochEnd,
      maxIter: this.maxIter,
      trainer: this,
    };
    for (const cb of this.callbacks) cb.onStep?.(info);
    if (epochEnd) {
      const e: EpochInfo = { epoch, trainAcc, testAcc, step: this._currentIter, loss, trainer: this };
      for (const cb of this.callbacks) cb.onEpoch?.(e);
    }
    return info;
  }

  /**
   * Rows `indices` of `src` (numpy's `src[indices]`), in the reused batch tensor `which`. Indices
   * that are not a 1-D list within `[0, N)` (negative ones, errors) and non-contiguous sources go
   * through `take`, which returns a new tensor.
   */
  private gather(src: Tensor, indices: Tensor, which: 'x' | 't'): Tensor {
    const n = src.shape[0];
    if (!(indices instanceof Tensor) || indices.ndim !== 1 || !src.isContiguous)
      return take(src, indices, { axis: 0 });
    const b = indices.shape[0];
    const id = indices.isContiguous ? indices : indices.copy();
    for (let i = 0; i < b; i++) {
      const v = id.data[id.offset + i];
      if (!Number.isInteger(v) || v < 0 || v >= n) return take(src, indices, { axis: 0 });
    }
    const rest = src.shape.slice(1);
    let out = this.batch[which];
    const size = rest.reduce((a, d) => a * d, b);
    const fits =
      out !== null &&
      out.dtype === src.dtype &&
      out.shape.length === src.ndim &&
      out.shape[0] === b &&
      rest.every((d, i) => out!.shape[i + 1] === d);
    if (!fits) {
      const dtype = src.dtype;
      const data = isKernelDType(dtype) ? kernelArray(dtype, size) : allocate(dtype, size);
      out = new Tensor(data, [b, ...rest], { dtype });
      this.batch[which] = out;
    }
    const o = out!.data;
    const d = src.data;
    const row = n === 0 ? 0 : src.size / n;
    if (row === 1) {
      for (let i = 0; i < b; i++) o[i] = d[src.offset + id.data[id.offset + i]];
    } else {
      for (let i = 0; i < b; i++) {
        const from = src.offset + id.data[id.offset + i] * row;
        o.set(d.subarray(from, from + row), i * row);
      }
    }
    return out!;
  }

  /**
   * Runs the remaining steps (all `maxIter` of them on a fresh trainer; after `setState`, the rest),
   * then measures the accuracy on the whole test set and, if `verbose`, prints it as the book.
   * @example const { testAcc, history } = trainer.train();
   */
  train(): TrainResult {
    while (this._currentIter < this.maxIter) this.step();
    const testAcc = toNumber(this.network.accuracy(this.xTest, this.tTest), 'accuracy');
    if (this.verbose) {
      this.logger('=============== Final Test Accuracy ===============');
      this.logger(`test acc:${pyFloat(testAcc)}`);
    }
    const info: TrainEndInfo = { testAcc, step: this._currentIter, trainer: this };
    for (const cb of this.callbacks) cb.onTrainEnd?.(info);
    return { testAcc, history: this.history };
  }

  /**
   * A snapshot for checkpoints: step and epoch counters, copies of the history, the optimizer's state
   * and the RNG's state. The network's parameters are not included (save them with the network).
   * @example
   * const state = trainer.getState(); // save it together with copies of net.params
   */
  getState(): TrainerState {
    return {
      currentIter: this._currentIter,
      currentEpoch: this._currentEpoch,
      history: copyHistory(this.history),
      optimizer: this.optimizer.getState(),
      rng: this.rng.getState(),
      trainSize: this.trainSize,
      miniBatchSize: this.miniBatchSize,
    };
  }

  /**
   * Restores a snapshot from `getState` (with the network's parameters restored separately), so that
   * training continues bit for bit as it would have. The training-set size and mini-batch size must
   * be the ones the snapshot was taken with.
   * @example
   * trainer.setState(ckpt.trainer);
   * trainer.train(); // continues from ckpt's step
   */
  setState(state: TrainerState): void {
    const who = 'Trainer.setState';
    if (state === null || typeof state !== 'object')
      throw new TypeError(`${who}: expected a state object, got ${String(state)}`);
    if (state.trainSize !== this.trainSize || state.miniBatchSize !== this.miniBatchSize) {
      throw new RangeError(
        `${who}: the state is for trainSize ${state.trainSize} and miniBatchSize ${state.miniBatchSize}, this trainer has trainSize ${this.trainSize} and miniBatchSize ${this.miniBatchSize}`,
      );
    }
    for (const k of ['currentIter', 'currentEpoch'] as const) {
      if (!Number.isInteger(state[k]) || state[k] < 0) {
        throw new RangeError(`${who}: ${k}: expected an integer >= 0, got ${String(state[k])}`);
      }
    }
    const h = state.history;
    if (
      h === null ||
      typeof h !== 'object' ||
      !Array.isArray(h.trainLossList) ||
      !Array.isArray(h.trainAccList) ||
      !Array.isArray(h.testAccList)
    ) {
      throw new TypeError(`${who}: history: expected { trainLossList, trainAccList, testAccList } arrays`);
    }
    // All or nothing: if the RNG rejects its part, the optimizer goes back to where it was.
    const previous = this.optimizer.getState();
    this.optimizer.setState(state.optimizer);
    try {
      this.rng.setState(state.rng);
    } catch (e) {
      this.optimizer.setState(previous);
      throw e;
    }
    this._currentIter = state.currentIter;
    this._currentEpoch = state.currentEpoch;
    // Keep the same history arrays (callers may hold them); replace their contents.
    const replace = (target: number[], src: readonly number[]) => {
      target.length = 0;
      for (const v of src) target.push(v);
    };
    replace(this.history.trainLossList, h.trainLossList);
    replace(this.history.trainAccList, h.trainAccList);
    replace(this.history.testAccList, h.testAccList);
  }
}
