/**
 * The one strided loop every kernel builds on: visit the elements of a shape in C order for
 * several operands at once, a row (innermost run) at a time, after merging dimensions that are
 * contiguous in every operand (numpy's "coalescing"), so a contiguous tensor is one long row.
 */

/**
 * Called once per innermost run: `offsets[k]` is where operand k's run starts in its storage,
 * `n` the run length and `steps[k]` operand k's stride along it. Must not modify `offsets`.
 */
export type RowFn = (offsets: readonly number[], n: number, steps: readonly number[]) => void;

/**
 * Merges dimensions that every operand traverses contiguously and drops size-1 dimensions.
 * @example coalesce([2, 3], [[3, 1]]) // { shape: [6], strides: [[1]] }
 */
export function coalesce(
  shape: readonly number[],
  strides: readonly (readonly number[])[],
): { shape: number[]; strides: number[][] } {
  const outShape: number[] = [];
  const outStrides: number[][] = strides.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    if (shape[d] === 1) continue;
    const last = outShape.length - 1;
    let merge = last >= 0;
    for (let k = 0; merge && k < strides.length; k++) {
      if (outStrides[k][last] !== shape[d] * strides[k][d]) merge = false;
    }
    if (merge) {
      outShape[last] *= shape[d];
      for (let k = 0; k < strides.length; k++) outStrides[k][last] = strides[k][d];
    } else {
      outShape.push(shape[d]);
      for (let k = 0; k < strides.length; k++) outStrides[k].push(strides[k][d]);
    }
  }
  return { shape: outShape, strides: outStrides };
}

/**
 * Visits every element of `shape` for each operand (given by its strides and start offset),
 * row by row, in C order.
 * @example
 * // copy a transposed 2x3 view into a contiguous buffer
 * forEachRow([3, 2], [[2, 1], [1, 3]], [0, 0], (o, n, s) => {
 *   for (let i = 0; i < n; i++) out[o[0] + i * s[0]] = src[o[1] + i * s[1]];
 * });
 */
export function forEachRow(
  shape: readonly number[],
  strides: readonly (readonly number[])[],
  offsets: readonly number[],
  row: RowFn,
): void {
  for (const d of shape) if (d === 0) return;
  const k = strides.length;
  const c = coalesce(shape, strides);
  const nd = c.shape.length;
  if (nd === 0) {
    row(offsets, 1, new Array<number>(k).fill(0));
    return;
  }
  const n = c.shape[nd - 1];
  const steps = c.strides.map((s) => s[nd - 1]);
  const pos = [...offsets];
  const idx = new Array<number>(nd).fill(0);
  for (;;) {
    row(pos, n, steps);
    let d = nd - 2;
    for (; d >= 0; d--) {
      idx[d]++;
      for (let j = 0; j < k; j++) pos[j] += c.strides[j][d];
      if (idx[d] < c.shape[d]) break;
      for (let j = 0; j < k; j++) pos[j] -= c.strides[j][d] * c.shape[d];
      idx[d] = 0;
    }
    if (d < 0) return;
  }
}
