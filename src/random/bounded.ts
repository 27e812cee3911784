/**
 * numpy's bounded-integer algorithms (masked rejection sampling on 32-bit draws, with numpy's buffered
 * 8-bit and bool variants), used by `randint`, `choice`, `shuffle` and `permutation`.
 *
 * @module
 */
import type { MT19937 } from './mt19937.js';

/**
 * Element types `randint` can produce. numpy's default (int64) draws the same numbers as `'int32'`.
 *
 * @example
 * ```ts
 * rs.randint(0, 256, 4, { dtype: 'uint8' });
 * ```
 */
export type RandintDType = 'int32' | 'uint8' | 'bool';

const INT32_MIN = -2147483648;
export const INT32_LIMIT = 2147483648; // exclusive upper bound of randint's `high` for int32

export const RANDINT_BOUNDS: Record<RandintDType, readonly [number, number]> = {
  int32: [INT32_MIN, INT32_LIMIT],
  uint8: [0, 256],
  bool: [0, 2],
};

/** Smallest 2**k - 1 >= x, for 0 <= x < 2**32. */
function genMask(x: number): number {
  let m = x;
  m |= m >>> 1;
  m |= m >>> 2;
  m |= m >>> 4;
  m |= m >>> 8;
  m |= m >>> 16;
  return m >>> 0;
}

/**
 * numpy's `random_bounded_uint{32,8}_fill` / `random_bounded_bool_fill` with the masked method:
 * `out[i] = off + v`, v uniform in [0, rng].
 */
export function boundedFill(
  mt: MT19937,
  out: Int32Array | Uint8Array,
  off: number,
  rng: number,
  dtype: RandintDType,
): void {
  const n = out.length;
  if (rng === 0) {
    out.fill(off);
    return;
  }
  if (dtype === 'int32') {
    if (rng === 0xffffffff) {
      for (let i = 0; i < n; i++) out[i] = off + mt.nextUint32();
      return;
    }
    const mask = genMask(rng);
    for (let i = 0; i < n; i++) {
      let v: number;
      do v = (mt.nextUint32() & mask) >>> 0;
      while (v > rng);
      out[i] = off + v;
    }
    return;
  }
  // 8-bit and bool outputs consume each 32-bit word in pieces (numpy's buffered_* helpers).
  let buf = 0;
  let bcnt = 0;
  if (dtype === 'bool') {
    for (let i = 0; i < n; i++) {
      if (bcnt === 0) {
        buf = mt.nextUint32();
        bcnt = 31;
      } else {
        buf >>>= 1;
        bcnt--;
      }
      out[i] = buf & 1;
    }
    return;
  }
  const mask = rng === 0xff ? 0xff : genMask(rng);
  for (let i = 0; i < n; i++) {
    let v: number;
    do {
      if (bcnt === 0) {
        buf = mt.nextUint32();
        bcnt = 3;
      } else {
        buf >>>= 8;
        bcnt--;
      }
      v = buf & mask;
    } while (v > rng);
    out[i] = off + v;
  }
}

/** numpy's `random_interval(max)`: uniform integer in [0, max] by masked rejection. */
export function interval(mt: MT19937, max: number): number {
  if (max === 0) return 0;
  const mask = genMask(max);
  let v: number;
  do v = (mt.nextUint32() & mask) >>> 0;
  while (v > max);
  return v;
}
