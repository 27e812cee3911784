/**
 * Dropout (`common/layers.py` `Dropout`), in the book's form and in the "inverted" form that
 * frameworks use.
 * @module
 */
import { random } from '../random/global.js';
import type { RandomState } from '../random/random-state.js';
import { full, zeros } from '../tensor/create.js';
import { formatShape, shapesEqual } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { checkDout, checkRange, type Layer } from './layer.js';

/** Anything that draws uniform [0, 1) samples like numpy's `rand` (a `RandomState`, or the global `random`). */
export type UniformSource = Pick<RandomState, 'rand'>;

/** Options of {@link Dropout}. */
export interface DropoutOptions {
  /**
   * - `'book'` (default): training multiplies by the 0/1 mask; testing multiplies by
   *   `1 - dropoutRatio`, so the expected activation matches the training one.
   * - `'inverted'`: training multiplies by `mask / (1 - dropoutRatio)`; testing is the identity
   *   (PyTorch's and Keras's choice: a trained net needs no rescaling at inference).
   *
   * Both give the same expected output; they differ by the constant factor `1 - dropoutRatio`
   * in what a training step sees, so switching mode changes the effective learning rate.
   */
  mode?: 'book' | 'inverted';
  /** Where masks come from (default: the global `random`, as the book's `np.random.rand`). */
  rng?: UniformSource;
}

/**
 * Randomly zeroes a fraction `dropoutRatio` of the activations while training.
 *
 * The mask is the book's `rand(*x.shape) > dropoutRatio`, drawn from `rng`, so a seeded
 * `RandomState` gives the masks numpy gives for the same seed.
 *
 * Shapes: `x: any shape -> same shape`; backward `dout: same shape -> dx: same shape`
 * (`dout * mask` after a training forward, `dout * (1 - ratio)` (book) or `dout` (inverted) after a test one).
 *
 * @example
 * const drop = new Dropout(0.5, { rng: new RandomState(0) });
 * const yTrain = drop.forward(x, true);  // about half the elements zeroed
 * const yTest = drop.forward(x, false);  // x * 0.5 ('book' mode)
 */
export class Dropout implements Layer {
  readonly dropoutRatio: number;
  readonly mode: 'book' | 'inverted';
  private readonly rng: UniformSource;
  /** Training mask of the last training forward (0 or 1 in 'book' mode, 0 or `1/(1-ratio)` in 'inverted'). */
  mask: Tensor | null = null;
  /**
   * When true, a training forward reuses the last mask (if its shape fits) instead of drawing a
   * new one: gradient checks need the same function on every evaluation.
   */
  reuseMask = false;
  private lastTrain: boolean | null = null;
  private lastShape: readonly number[] | null = null;

  constructor(dropoutRatio = 0.5, options: DropoutOptions = {}) {
    checkRange('Dropout: dropoutRatio', dropoutRatio, 0, 1);
    const mode = options.mode ?? 'book';
    if (mode !== 'book' && mode !== 'inverted') {
      throw new TypeError(`Dropout: mode: expected 'book' or 'inverted', got ${String(mode)}`);
    }
    this.dropoutRatio = dropoutRatio;
    this.mode = mode;
    this.rng = options.rng ?? random;
  }

  /** `train` defaults to true, as the book's `train_flg=True`. */
  forward(x: Tensor, train = true): Tensor {
    this.lastTrain = train;
    this.lastShape = x.shape;
    if (!train) return this.mode === 'book' ? x.mul(1.0 - this.dropoutRatio) : x.copy();
    if (!(this.reuseMask && this.mask !== null && shapesEqual(this.mask.shape, x.shape))) {
      this.mask = this.drawMask(x);
    }
    return x.mul(this.mask);
  }

  private drawMask(x: Tensor): Tensor {
    const drawn = this.rng.rand(...x.shape);
    const u = typeof drawn === 'number' ? full([], drawn) : drawn;
    if (!shapesEqual(u.shape, x.shape)) {
      throw new RangeError(
        `Dropout: rng.rand returned shape ${formatShape(u.shape)}, expected ${formatShape(x.shape)}`,
      );
    }
    const keep = this.mode === 'book' ? 1 : 1 / (1 - this.dropoutRatio);
    // Compare in float64 (as numpy does), then store in x's float type so `x * mask` keeps x's dtype.
    const src = u.copy('float64').data;
    const mask = zeros(x.shape, { dtype: x.dtype === 'float32' ? 'float32' : 'float64' });
    const d = mask.data;
    for (let i = 0; i < d.length; i++) d[i] = src[i] > this.dropoutRatio ? keep : 0;
    return mask;
  }

  backward(dout: Tensor): Tensor {
    checkDout('Dropout', dout, this.lastShape);
    if (this.lastTrain) return dout.mul(this.mask!);
    return this.mode === 'book' ? dout.mul(1.0 - this.dropoutRatio) : dout.copy();
  }
}
