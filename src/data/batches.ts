/**
 * Minibatches: the loop the book writes by hand in every training script, as an iterator.
 *
 * @module
 */
import { random } from '../random/global.js';
import type { Tensor } from '../tensor/tensor.js';
import { gatherRows } from './rows.js';
import { checkPermutation, checkSameRows, type PermutationSource } from './shuffle.js';

/** Options of `batches`. */
export interface BatchesOptions {
  /** Visit the rows in the order of one `rng.permutation(n)`, drawn when `batches` is called. Default false. */
  shuffle?: boolean;
  /** The permutation source when shuffling; the global `random` by default. */
  rng?: PermutationSource;
  /** Skip a last batch smaller than `batchSize`. Default false (it is yielded). */
  dropLast?: boolean;
}

/**
 * Iterates over `[xBatch, tBatch]` minibatches of `batchSize` rows along axis 0; the last one
 * may be smaller (unless `dropLast`). In order (the default) every batch is a view,
 * `x.slice('i:j')`, sharing memory with `x`; with `shuffle: true` one permutation is drawn and each
 * batch gathers its rows into new tensors (copies), so memory stays at one batch at a time.
 * Arguments are checked when `batches` is called. The iterator is one pass (an epoch); call
 * `batches` again for the next.
 * @example
 * for (const [xb, tb] of batches(xTrain, tTrain, 100, { shuffle: true })) {
 *   const grads = net.gradient(xb, tb);
 * }
 */
export function batches(
  x: Tensor,
  t: Tensor,
  batchSize: number,
  options: BatchesOptions = {},
): Generator<[Tensor, Tensor], void, undefined> {
  const n = checkSameRows(x, t, 'batches');
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`batches: batchSize: expected a positive integer, got ${batchSize}`);
  }
  const dropLast = options.dropLast ?? false;
  const perm = options.shuffle
    ? checkPermutation((options.rng ?? random).permutation(n), n, 'batches')
    : null;
  return iterate(x, t, n, batchSize, dropLast, perm);
}

function* iterate(
  x: Tensor,
  t: Tensor,
  n: number,
  batchSize: number,
  dropLast: boolean,
  perm: ArrayLike<number> | null,
): Generator<[Tensor, Tensor], void, undefined> {
  for (let i = 0; i < n; i += batchSize) {
    const j = Math.min(i + batchSize, n);
    if (dropLast && j - i < batchSize) return;
    if (perm === null) {
      yield [x.slice(`${i}:${j}`), t.slice(`${i}:${j}`)];
    } else {
      const rows = Array.prototype.slice.call(perm, i, j) as number[];
      yield [gatherRows(x, rows, 'batches'), gatherRows(t, rows, 'batches')];
    }
  }
}
