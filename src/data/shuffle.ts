/**
 * The book's `shuffle_dataset` (common/util.py): one random permutation applied to the data and
 * the labels alike.
 *
 * @module
 */
import { random } from '../random/global.js';
import { formatShape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { gatherRows, indexList } from './rows.js';

/** Anything that draws a random permutation of `0..n-1` like numpy's `permutation(n)`. */
export interface PermutationSource {
  permutation(n: number): Tensor;
}

/**
 * Checks that `perm` is a permutation of 0..n-1 and returns it as plain indices.
 * @internal
 */
export function checkPermutation(perm: Tensor | ArrayLike<number>, n: number, fn: string): ArrayLike<number> {
  const p = indexList(perm);
  if (p.length !== n)
    throw new RangeError(`${fn}: rng.permutation(${n}) returned ${p.length} indices, expected ${n}`);
  const seen = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const v = p[i];
    if (!Number.isInteger(v) || v < 0 || v >= n || seen[v]) {
      throw new RangeError(
        `${fn}: rng.permutation(${n}) returned ${v} at position ${i}, which breaks a permutation of 0..${n - 1}`,
      );
    }
    seen[v] = 1;
  }
  return p;
}

/** Checks that x and t have the same number of rows. */
export function checkSameRows(x: Tensor, t: Tensor, fn: string): number {
  if (x.ndim === 0 || t.ndim === 0 || x.shape[0] !== t.shape[0]) {
    throw new RangeError(
      `${fn}: x and t must have the same length along axis 0, got shapes ${formatShape(x.shape)} and ${formatShape(t.shape)}`,
    );
  }
  return x.shape[0];
}

/**
 * The book's `shuffle_dataset(x, t)`: draws `rng.permutation(x.shape[0])` (the global `random`
 * by default, as the book's `np.random.permutation`) and returns `[x[perm], t[perm]]`, new
 * contiguous tensors (copies; the inputs are unchanged). Any number of dimensions.
 * With the same seed it gives numpy's order: `random.seed(0)` then `shuffleDataset(x, t)` equals
 * `np.random.seed(0)` then `shuffle_dataset(x, t)`.
 * @example const [xs, ts] = shuffleDataset(xTrain, tTrain, new RandomState(0));
 */
export function shuffleDataset(x: Tensor, t: Tensor, rng: PermutationSource = random): [Tensor, Tensor] {
  const n = checkSameRows(x, t, 'shuffleDataset');
  const perm = checkPermutation(rng.permutation(n), n, 'shuffleDataset');
  return [gatherRows(x, perm, 'shuffleDataset'), gatherRows(t, perm, 'shuffleDataset')];
}
