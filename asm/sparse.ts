// The GEMM's sparse path (asm/gemm.ts calls sparseGemm): when A is mostly exact zeros (MNIST images
// are about 80% zeros: the first layer's x), C = op(A) · B skips them. The result is bit for bit the
// dense one: the same non-zero terms are added in the same order, and a skipped term is an exact ±0
// that would not have changed the sum (op(B) is checked to be finite first; otherwise the dense path
// runs, so that 0 * inf = NaN still reaches C).
//
// Reuse: a training step multiplies the same input batch three times (x · W1 forward, xᵀ · dout in
// the backward pass, x · W1 again for the loss after the update). The compressed rows of the last A
// are kept in the workspace with a bitwise copy of A. The next product whose A has the same address,
// shape, leading dimension and element type, and the same bytes, reuses them (comparing costs a
// fraction of compressing; any change to A, however made, is seen and recompressed). A transposed use
// builds the compressed columns from the compressed rows once (a counting sort of the entries).
import { lanes } from './simd';
import { gatherRow } from './sparse-gather';

/** Bytes of the sparse path's workspace: the cached compressed A and its copy, then B padded and a row of C. */
export const SPARSE_BYTES: i32 = 16 * 1024 * 1024;

// The cached A: its key (cRows = -1: nothing cached) and where its parts lie in the workspace.
let cA: usize = 0;
let cRows: i32 = -1;
let cCols: i32 = 0;
let cLda: i32 = 0;
let cSize: i32 = 0;
let cWs: usize = 0;
let cHasColumns: bool = false;
let rowStart: usize = 0;
let rowIdx: usize = 0;
let rowVal: usize = 0;
let colStart: usize = 0;
let colIdx: usize = 0;
let colVal: usize = 0;
let copyAt: usize = 0;
let cacheEnd: usize = 0;
let cap: i32 = 0;
/** How many products reused the cached compressed A (for tests and benchmarks). */
let reuseCount: i32 = 0;

// @ts-ignore: decorator
@inline function align16(x: i64): i64 {
  return (x + 15) & ~15;
}

/**
 * Lays out the cache for a stored A of rows x cols elements of S bytes at the 16-aligned workspace
 * `ws`: compressed rows, compressed columns (at most 35% non-zero each), the copy of A. Returns false
 * when it does not fit.
 */
function layout(rows: i32, cols: i32, S: i32, ws: usize): bool {
  const elements = (rows as i64) * (cols as i64);
  const entries = (elements / 20) * 7;
  const total =
    align16(((rows as i64) + 1) * 4) + 2 * align16(entries * 4) + 2 * align16(entries * (S as i64)) +
    align16(((cols as i64) + 5) * 4) + align16(elements * (S as i64));
  if (total > (SPARSE_BYTES as i64) / 2) return false;
  cap = entries as i32;
  rowStart = ws;
  rowIdx = rowStart + (align16(((rows as i64) + 1) * 4) as usize);
  rowVal = rowIdx + (align16(entries * 4) as usize);
  colStart = rowVal + (align16(entries * (S as i64)) as usize);
  colIdx = colStart + (align16(((cols as i64) + 5) * 4) as usize);
  colVal = colIdx + (align16(entries * 4) as usize);
  copyAt = colVal + (align16(entries * (S as i64)) as usize);
  cacheEnd = copyAt + (align16(elements * (S as i64)) as usize);
  return true;
}

/**
 * Compresses the rows of the stored matrix A (rows x cols, leading dimension lda) into CSR form:
 * start[r] .. start[r+1] index the non-zero elements of row r (column in idx, value in val), in
 * increasing column order, and copies A's rows to `copy` (rows x cols, contiguous) for the reuse
 * check. NaN counts as non-zero, ±0 as zero. Returns false (abandoning) when more than `cap`
 * elements are non-zero.
 */
function compressRows<T>(rows: i32, cols: i32, a: usize, lda: i32, start: usize, idx: usize, val: usize, cap: i32, copy: usize): bool {
  const S = sizeof<T>();
  const L = lanes<T>();
  const zero = v128.splat<T>(0 as T);
  let count = 0;
  for (let r = 0; r < rows; r++) {
    store<i32>(start + (r as usize) * 4, count);
    const row = a + (r as usize) * (lda as usize) * S;
    const dup = copy + (r as usize) * (cols as usize) * S;
    let j = 0;
    for (; j + L <= cols; j += L) {
      const v = v128.load(row + (j as usize) * S);
      v128.store(dup + (j as usize) * S, v);
      let bits = sizeof<T>() == 4 ? i32x4.bitmask(v128.ne<T>(v, zero)) : i64x2.bitmask(v128.ne<T>(v, zero));
      if (bits == 0) continue;
      if (count + L > cap) return false;
      while (bits != 0) {
        const lane = ctz(bits);
        bits &= bits - 1;
        store<i32>(idx + (count as usize) * 4, j + lane);
        store<T>(val + (count as usize) * S, load<T>(row + ((j + lane) as usize) * S));
        count++;
      }
    }
    for (; j < cols; j++) {
      const v = load<T>(row + (j as usize) * S);
      store<T>(dup + (j as usize) * S, v);
      if (v != (0 as T)) {
        if (count >= cap) return false;
        store<i32>(idx + (count as usize) * 4, j);
        store<T>(val + (count as usize) * S, v);
        count++;
      }
    }
  }
  store<i32>(start + (rows as usize) * 4, count);
  return true;
}

/** Whether the stored A (rows x cols, leading dimension lda) has exactly the bytes of `copy`. */
function sameBytes<T>(rows: i32, cols: i32, a: usize, lda: i32, copy: usize): bool {
  const S = sizeof<T>();
  const bytes = (cols as usize) * S;
  for (let r = 0; r < rows; r++) {
    const row = a + (r as usize) * (lda as usize) * S;
    const dup = copy + (r as usize) * bytes;
    let diff = v128.splat<i32>(0);
    let o: usize = 0;
    for (; o + 32 <= bytes; o += 32) {
      diff = v128.or(diff, v128.xor(v128.load(row + o), v128.load(dup + o)));
      diff = v128.or(diff, v128.xor(v128.load(row + o, 16), v128.load(dup + o, 16)));
    }
    for (; o < bytes; o += 4) if (load<u32>(row + o) != load<u32>(dup + o)) return false;
    if (v128.any_true(diff)) return false;
  }
  return true;
}

/**
 * The compressed columns of A from its compressed rows: cstart[j] .. cstart[j+1] index the
 * non-zeros of column j (row in cidx, value in cval), in increasing row order.
 */
function transposeCompressed<T>(rows: i32, cols: i32, rstart: usize, ridx: usize, rval: usize, cstart: usize, cidx: usize, cval: usize): void {
  const S = sizeof<T>();
  const nnz = load<i32>(rstart + (rows as usize) * 4);
  // counts of column j at cstart[j + 1]
  memory.fill(cstart, 0, ((cols + 1) as usize) * 4);
  for (let e = 0; e < nnz; e++) {
    const q = cstart + ((load<i32>(ridx + (e as usize) * 4) + 1) as usize) * 4;
    store<i32>(q, load<i32>(q) + 1);
  }
  // cstart[j + 1] = first slot of column j: the cursor while placing
  let running = 0;
  for (let j = 0; j < cols; j++) {
    const q = cstart + ((j + 1) as usize) * 4;
    const c = load<i32>(q);
    store<i32>(q, running);
    running += c;
  }
  for (let r = 0; r < rows; r++) {
    const e1 = load<i32>(rstart + ((r + 1) as usize) * 4);
    for (let e = load<i32>(rstart + (r as usize) * 4); e < e1; e++) {
      const q = cstart + ((load<i32>(ridx + (e as usize) * 4) + 1) as usize) * 4;
      const pos = load<i32>(q);
      store<i32>(q, pos + 1);
      store<i32>(cidx + (pos as usize) * 4, r);
      store<T>(cval + (pos as usize) * S, load<T>(rval + (e as usize) * S));
    }
  }
  // cstart[j + 1] is now the end of column j: the start of column j + 1; cstart[0] is 0
}

/**
 * Copies B (rows x n, leading dimension ldb) into rows of np elements (n rounded up to whole vectors,
 * zero-padded) at dst. Returns false if B holds an infinity or a NaN.
 */
function padRows<T>(rows: i32, n: i32, np: i32, b: usize, ldb: i32, dst: usize): bool {
  const S = sizeof<T>();
  const L = lanes<T>();
  let check = v128.splat<T>(0 as T);
  for (let r = 0; r < rows; r++) {
    const src = b + (r as usize) * (ldb as usize) * S;
    const out = dst + (r as usize) * (np as usize) * S;
    let j = 0;
    for (; j + L <= n; j += L) {
      const v = v128.load(src + (j as usize) * S);
      check = v128.add<T>(check, v128.sub<T>(v, v)); // 0 for finite values, NaN otherwise
      v128.store(out + (j as usize) * S, v);
    }
    if (j < n) {
      for (let q = 0; j + q < n; q++) {
        const e = load<T>(src + ((j + q) as usize) * S);
        check = v128.add<T>(check, v128.splat<T>(e - e));
        store<T>(out + ((j + q) as usize) * S, e);
      }
      for (let q = n - j; q < L; q++) store<T>(out + ((j + q) as usize) * S, 0 as T);
    }
  }
  const same = v128.eq<T>(check, check);
  return sizeof<T>() == 4 ? i32x4.all_true(same) : i64x2.all_true(same);
}

/**
 * C = op(A) · B (alpha 1, beta 0, B not transposed) skipping the zeros of A, when A is sparse enough
 * (at most 35% non-zero) and everything fits the workspace at `sws`; returns false (having written
 * nothing to C) otherwise. Each row of op(A) lists its non-zeros: the rows of the stored A, or its
 * columns when transposed (stored (k, m)). Each row of C then gathers the rows of B (copied with
 * zero-padded rows) at its non-zero columns, summed in registers in increasing column order: the
 * dense micro-kernel's order, so the same bits.
 */
export function sparseGemm<T>(transA: bool, m: i32, n: i32, k: i32, a: usize, lda: i32, b: usize, ldb: i32, c: usize, ldc: i32, sws: usize): bool {
  const S = sizeof<T>() as i32;
  const L = lanes<T>();
  const ws = (sws + 15) & ~(15 as usize);
  // stored A: (m, k), or (k, m) when transposed
  const rows = transA ? k : m;
  const cols = transA ? m : k;
  const cached =
    cRows == rows && cCols == cols && cLda == lda && cSize == S && cA == a && cWs == ws &&
    sameBytes<T>(rows, cols, a, lda, copyAt);
  if (cached) {
    reuseCount++;
  } else {
    cRows = -1;
    // a quick look first: give up at once when the first stored row is mostly non-zero
    const sample = min(cols, 1024);
    let nz = 0;
    for (let j = 0; j < sample; j++) if (load<T>(a + (j as usize) * (S as usize)) != (0 as T)) nz++;
    if (nz * 2 > sample) return false;
    if (!layout(rows, cols, S, ws)) return false;
    if (!compressRows<T>(rows, cols, a, lda, rowStart, rowIdx, rowVal, cap, copyAt)) return false;
    cA = a;
    cRows = rows;
    cCols = cols;
    cLda = lda;
    cSize = S;
    cWs = ws;
    cHasColumns = false;
  }
  // B in zero-padded rows of np elements, after the cache, then one row of C
  const np = ((n + L - 1) / L) * L;
  const nv = np / L;
  const bp = cacheEnd;
  const tmp = bp + (align16((k as i64) * (np as i64) * (S as i64)) as usize);
  if (tmp + ((np * S) as usize) > ws + (SPARSE_BYTES as usize)) return false;
  if (!padRows<T>(k, n, np, b, ldb, bp)) return false;
  let start = rowStart;
  let idx = rowIdx;
  let val = rowVal;
  if (transA) {
    if (!cHasColumns) {
      transposeCompressed<T>(rows, cols, rowStart, rowIdx, rowVal, colStart, colIdx, colVal);
      cHasColumns = true;
    }
    start = colStart;
    idx = colIdx;
    val = colVal;
  }
  const rowBytes = (ldc as usize) * (S as usize);
  for (let i = 0; i < m; i++) {
    const e0 = load<i32>(start + (i as usize) * 4);
    const e1 = load<i32>(start + ((i + 1) as usize) * 4);
    const crow = c + (i as usize) * rowBytes;
    // straight into C when the padding lands on the next row, which is written afterwards
    if (ldc == n && i + 1 < m) {
      gatherRow<T>(e0, e1, idx, val, bp, nv, crow);
    } else {
      gatherRow<T>(e0, e1, idx, val, bp, nv, tmp);
      memory.copy(crow, tmp, (n as usize) * (S as usize));
    }
  }
  return true;
}

/** How many products reused the cached compressed A so far. */
export function sparseReuses(): i32 {
  return reuseCount;
}
