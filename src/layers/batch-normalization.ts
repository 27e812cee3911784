/**
 * Batch normalization (`common/layers.py` `BatchNormalization`), with the book's behaviour by
 * default and two opt-in improvements for convolutional inputs and untrained layers.
 * @module
 */
import { full, zeros } from '../tensor/create.js';
import { formatShape, shapesEqual } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { checkBatch, checkDout, checkRange, describeShape, type Layer } from './layer.js';

/** Options of {@link BatchNormalization}. */
export interface BatchNormalizationOptions {
  /** Weight of the old running statistics in each update (default 0.9, the book's). */
  momentum?: number;
  /** Initial running mean `(D,)`; zeros of gamma's dtype when omitted (created at the first forward). Updated in place. */
  runningMean?: Tensor | null;
  /** Initial running variance `(D,)`; see `initRunningVar` when omitted. Updated in place. */
  runningVar?: Tensor | null;
  /**
   * How to create the running variance when `runningVar` is not given:
   * - `'ones'` (default): a layer that was never trained normalises test inputs by
   *   `sqrt(1 + eps)`, i.e. leaves them almost unchanged (PyTorch's choice).
   * - `'zeros'`: the book's `np.zeros(D)`. An untrained layer then divides test inputs by
   *   `sqrt(0 + eps) = 0.001`, multiplying them by 1000; after k training steps the running variance
   *   is still biased low by `0.9^k`. Use it to reproduce the book's numbers exactly.
   *
   * Departure from the book: the default is `'ones'`, so that a never-trained batch norm does not
   * blow up its outputs. Training-mode results (the loss and every gradient) do not depend on it.
   */
  initRunningVar?: 'ones' | 'zeros';
  /**
   * For inputs with more than 2 axes, `(N, C, H, W)` or `(N, C, L)`:
   * - `false` (default, the book's behaviour): the input is flattened to `(N, C*H*W)` and every
   *   one of the `C*H*W` features gets its own mean, variance, gamma and beta.
   * - `true`: per-channel normalisation as convolutional nets should do it (PyTorch's
   *   `BatchNorm2d`): statistics over N, H and W for each of the C channels; gamma and beta `(C,)`.
   * For 2-D inputs `(N, D)` both are the same.
   */
  perChannel?: boolean;
  /** Added to the variance before the square root; default `10e-7` (= 1e-6), the book's constant. */
  eps?: number;
}

/**
 * Normalises each feature to zero mean and unit variance over the batch, then scales by `gamma`
 * and shifts by `beta`. Training mode uses the batch's statistics and updates the running ones
 * (`running = momentum * running + (1 - momentum) * batch`); test mode uses the running ones.
 *
 * Shapes: `gamma`, `beta: (D,)`;
 * `x: (N, D) -> (N, D)`; `(N, C, H, W) -> (N, C, H, W)` with `D = C*H*W` (book) or `D = C` (`perChannel`);
 * backward `dout: x's shape -> dx: x's shape`, storing `dgamma`, `dbeta: (D,)`.
 *
 * `backward` after a test-mode forward gives the gradient of the test-mode function
 * (`dout * gamma / sqrt(runningVar + eps)`), where the book would reuse stale training values.
 *
 * @example
 * const bn = new BatchNormalization(ones([100]), zeros([100]));
 * const y = bn.forward(x, true);   // x (N, 100) -> (N, 100): each column mean 0, variance ~1
 * const dx = bn.backward(dout);    // (N, 100); bn.dgamma, bn.dbeta (100,)
 * bn.forward(xTest, false);        // normalised with bn.runningMean, bn.runningVar
 */
export class BatchNormalization implements Layer {
  /** Scale `(D,)`, used by reference (in-place optimizer updates reach the layer). */
  gamma: Tensor;
  /** Shift `(D,)`, used by reference. */
  beta: Tensor;
  readonly momentum: number;
  readonly eps: number;
  readonly perChannel: boolean;
  readonly initRunningVar: 'ones' | 'zeros';
  /** Running mean `(D,)`; null until the first forward when not given. */
  runningMean: Tensor | null;
  /** Running variance `(D,)`; null until the first forward when not given. */
  runningVar: Tensor | null;
  /** When true, training forwards leave the running statistics alone (for gradient checks). */
  freezeRunningStats = false;
  /** Shape of the last input (the book's `input_shape`). */
  inputShape: readonly number[] | null = null;
  /** Rows of the last training batch after flattening (N, or N*H*W per channel). */
  batchSize: number | null = null;
  /** Centred input `x - mean`, `(batchSize, D)`, of the last training forward. */
  xc: Tensor | null = null;
  /** Normalised input, `(batchSize, D)`, of the last forward. */
  xn: Tensor | null = null;
  /** `sqrt(var + eps)`, `(D,)`, of the last forward. */
  std: Tensor | null = null;
  /** Gradient with respect to gamma, set by `backward`. */
  dgamma: Tensor | null = null;
  /** Gradient with respect to beta, set by `backward`. */
  dbeta: Tensor | null = null;
  private lastTrain = true;

  constructor(gamma: Tensor, beta: Tensor, options: BatchNormalizationOptions = {}) {
    if (gamma.ndim !== 1)
      throw new RangeError(`BatchNormalization: gamma: expected shape (D,), got ${formatShape(gamma.shape)}`);
    if (!shapesEqual(beta.shape, gamma.shape)) {
      throw new RangeError(
        `BatchNormalization: beta: expected shape ${formatShape(gamma.shape)} (as gamma), got ${formatShape(beta.shape)}`,
      );
    }
    this.gamma = gamma;
    this.beta = beta;
    this.momentum = options.momentum ?? 0.9;
    checkRange('BatchNormalization: momentum', this.momentum, 0, 1, true);
    this.eps = options.eps ?? 10e-7;
    checkRange('BatchNormalization: eps', this.eps, 0, Number.MAX_VALUE, true);
    this.perChannel = options.perChannel ?? false;
    this.initRunningVar = options.initRunningVar ?? 'ones';
    if (this.initRunningVar !== 'ones' && this.initRunningVar !== 'zeros') {
      throw new TypeError(
        `BatchNormalization: initRunningVar: expected 'ones' or 'zeros', got ${String(this.initRunningVar)}`,
      );
    }
    for (const [name, t] of [
      ['runningMean', options.runningMean],
      ['runningVar', options.runningVar],
    ] as const) {
      if (t != null && !shapesEqual(t.shape, gamma.shape)) {
        throw new RangeError(
          `BatchNormalization: ${name}: expected shape ${formatShape(gamma.shape)} (as gamma), got ${formatShape(t.shape)}`,
        );
      }
    }
    this.runningMean = options.runningMean ?? null;
    this.runningVar = options.runningVar ?? null;
  }

  /** Number of normalised features D (gamma's length). */
  get features(): number {
    return this.gamma.shape[0];
  }

  /** `train` defaults to true, as the book's `train_flg=True`. */
  forward(x: Tensor, train = true): Tensor {
    const D = this.features;
    const expected = this.perChannel ? describeShape(['N', D, '...']) : describeShape(['N', D]);
    checkBatch('BatchNormalization', 'x', x, expected);
    const rows = this.toRows(x);
    if (rows.shape[1] !== D) {
      const how = this.perChannel
        ? `${x.shape[1]} channels (axis 1)`
        : `${rows.shape[1]} features after flattening to (N, -1)`;
      throw new RangeError(
        `BatchNormalization: x: expected shape ${expected} to match gamma ${formatShape(this.gamma.shape)}, got ${formatShape(x.shape)} (${how})`,
      );
    }
    this.inputShape = x.shape;
    this.lastTrain = train;
    return this.fromRows(this.forwardRows(rows, train), x.shape);
  }

  backward(dout: Tensor): Tensor {
    checkDout('BatchNormalization', dout, this.inputShape);
    return this.fromRows(this.backwardRows(this.toRows(dout)), dout.shape);
  }

  /** `(N, D)` as is; `(N, C, ...)` flattened to `(N, C*...)` (book) or to `(N*..., C)` (per channel). */
  private toRows(x: Tensor): Tensor {
    if (x.ndim === 2) return x;
    if (!this.perChannel) return x.reshape(x.shape[0], -1);
    const nd = x.ndim;
    const perm = [0, ...Array.from({ length: nd - 2 }, (_, i) => i + 2), 1];
    return x.transpose(...perm).reshape(-1, x.shape[1]);
  }

  /** The inverse of `toRows`, giving a contiguous tensor of `shape`. */
  private fromRows(rows: Tensor, shape: readonly number[]): Tensor {
    if (shape.length === 2) return rows;
    if (!this.perChannel) return rows.reshape([...shape]);
    const nd = shape.length;
    const channelsLast = [shape[0], ...shape.slice(2), shape[1]];
    const perm = [0, nd - 1, ...Array.from({ length: nd - 2 }, (_, i) => i + 1)];
    return rows
      .reshape(channelsLast)
      .transpose(...perm)
      .copy();
  }

  private forwardRows(x: Tensor, train: boolean): Tensor {
    const D = this.features;
    const dtype = this.gamma.dtype;
    if (this.runningMean === null) this.runningMean = zeros([D], { dtype });
    if (this.runningVar === null)
      this.runningVar = full([D], this.initRunningVar === 'ones' ? 1 : 0, { dtype });
    let xn: Tensor;
    if (train) {
      const mu = x.mean({ axis: 0 });
      const xc = x.sub(mu);
      const variance = xc.mul(xc).mean({ axis: 0 });
      const std = variance.add(this.eps).sqrt();
      xn = xc.div(std);
      this.batchSize = x.shape[0];
      this.xc = xc;
      this.std = std;
      if (!this.freezeRunningStats) {
        const m = this.momentum;
        this.runningMean.assign(this.runningMean.mul(m).add(mu.mul(1 - m)));
        this.runningVar.assign(this.runningVar.mul(m).add(variance.mul(1 - m)));
      }
    } else {
      const xc = x.sub(this.runningMean);
      this.std = this.runningVar.add(this.eps).sqrt();
      xn = xc.div(this.std);
    }
    this.xn = xn;
    return this.gamma.mul(xn).add(this.beta);
  }

  private backwardRows(dout: Tensor): Tensor {
    const xn = this.xn!;
    const std = this.std!;
    this.dbeta = dout.sum({ axis: 0 });
    this.dgamma = xn.mul(dout).sum({ axis: 0 });
    const dxn = this.gamma.mul(dout);
    if (!this.lastTrain) return dxn.div(std);
    const xc = this.xc!;
    const n = this.batchSize!;
    const dxc = dxn.div(std);
    const dstd = xc.mul(dxn).div(std.mul(std)).sum({ axis: 0 }).neg();
    const dvar = dstd.mul(0.5).div(std);
    dxc.addInPlace(xc.mul(2.0 / n).mul(dvar));
    const dmu = dxc.sum({ axis: 0 });
    return dxc.sub(dmu.div(n));
  }
}
