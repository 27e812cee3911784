// GEMM with 128-bit SIMD, generic over T (f32: f32x4, f64: f64x2), row-major:
//   C = act(alpha * op(A) * op(B) + beta * C + bias)
// op(A) is (m, k), op(B) is (k, n), C is (m, n); op(X) = X or its transpose.
//
// Scheme (BLIS-like, sized for the small and medium products of training): blocks of nc columns of
// C and kc of the depth; each block of op(B) is packed into zero-padded panels of NR columns (two
// vectors), and an MR x NR register-blocked micro-kernel (MR rows x 2 vectors of accumulators) runs
// over them, reading op(A) where it lies (no packing of A: a row-major A is read as MR row streams,
// a transposed A as MR neighbouring elements of each of its rows). Only the last, partial tile of
// rows (m not a multiple of MR) is copied into a small zero-padded panel.
// - kc: the depth split evenly into blocks of at most KC_MAX (784 stays one block), so that a packed
//   panel of B (kc x NR) stays in L1 while the micro-kernel sweeps the rows;
// - nc: as many columns as keep the packed block of B (kc x nc) within B_BLOCK_BYTES (L2);
// - mc: as many rows as keep their part of A (mc x kc) within A_BLOCK_BYTES (L2) across the panels.
// The sum over the depth is accumulated in T in increasing p within a block; blocks are added to C.
// beta == 0 means C is not read (NaN in C does not leak), as in BLAS.
//
// Sparse A (asm/sparse.ts): when A is mostly exact zeros (MNIST images are about 80% zeros: the
// first layer's x), the product skips them, with the same bits as the dense path.
import { sigmoidImpl } from './elementwise';
import { lanes, loadSplat, madd } from './simd';
import { SPARSE_BYTES, sparseGemm, sparseReuses } from './sparse';

/** Rows of the micro-kernel. */
const MR: i32 = 4;
/** Largest depth block. */
const KC_MAX: i32 = 1024;
/** Bytes of a packed block of B (kc x nc), kept in L2. */
const B_BLOCK_BYTES: i32 = 512 * 1024;
/** Bytes of the rows of A that one pass over the panels of a block of B reuses (L2). */
const A_BLOCK_BYTES: i32 = 256 * 1024;

/** Whether the sparse path may run (tests turn it off to compare the two paths). */
let sparseEnabled: bool = true;
/** How many products took the sparse path (for tests and benchmarks). */
let sparseCount: i32 = 0;

/** Columns of the micro-kernel: two vectors (8 for f32, 4 for f64). */
// @ts-ignore: decorator
@inline function nr<T>(): i32 {
  return 2 * lanes<T>();
}

/** Bytes of workspace the dense path needs for T: the packed block of B, an edge panel of A, one tile. */
function denseBytes<T>(): i32 {
  const S = sizeof<T>() as i32;
  return B_BLOCK_BYTES + KC_MAX * nr<T>() * S + MR * KC_MAX * S + MR * nr<T>() * S + 64;
}

/** Packs op(B)[p0 .. p0+kc, j0 .. j0+ncols] into zero-padded panels of NR columns: panel[p * NR + j]. */
function packB<T>(transB: bool, b: usize, ldb: i32, p0: i32, kc: i32, j0: i32, ncols: i32, pb: usize): void {
  const S = sizeof<T>();
  const NR = nr<T>();
  const step = (ldb as usize) * S;
  for (let jr = 0; jr < ncols; jr += NR) {
    const w = min(NR, ncols - jr);
    if (!transB) {
      // op(B)[p, j] = b[p * ldb + j]: NR consecutive elements of row p
      let src = b + ((p0 as usize) * (ldb as usize) + ((j0 + jr) as usize)) * S;
      if (w == NR) {
        for (let p = 0; p < kc; p++) {
          v128.store(pb, v128.load(src));
          v128.store(pb, v128.load(src, 16), 16);
          pb += 32;
          src += step;
        }
      } else {
        for (let p = 0; p < kc; p++) {
          for (let j = 0; j < NR; j++) {
            store<T>(pb + (j as usize) * S, j < w ? load<T>(src + (j as usize) * S) : (0 as T));
          }
          pb += 32;
          src += step;
        }
      }
    } else {
      // op(B)[p, j] = b[j * ldb + p]: row j of b is column j of op(B), contiguous in p
      for (let j = 0; j < NR; j++) {
        const dst = pb + (j as usize) * S;
        if (j < w) {
          const src = b + (((j0 + jr + j) as usize) * (ldb as usize) + (p0 as usize)) * S;
          for (let p: usize = 0; p < (kc as usize); p++) store<T>(dst + p * 32, load<T>(src + p * S));
        } else {
          for (let p: usize = 0; p < (kc as usize); p++) store<T>(dst + p * 32, 0 as T);
        }
      }
      pb += (kc as usize) * 32;
    }
  }
}

/**
 * Copies the h < MR rows of op(A)[i0 .. i0+h, p0 .. p0+kc] into a panel of MR rows, zero-padded,
 * laid out panel[p * MR + r] (read by {@link microT} with a column step of MR elements).
 */
function packEdgeA<T>(transA: bool, a: usize, lda: i32, i0: i32, h: i32, p0: i32, kc: i32, pa: usize): void {
  const S = sizeof<T>();
  for (let p = 0; p < kc; p++) {
    for (let r = 0; r < MR; r++) {
      let v: T = 0 as T;
      if (r < h) {
        const i = (i0 + r) as usize;
        const q = (p0 + p) as usize;
        v = transA ? load<T>(a + (q * (lda as usize) + i) * S) : load<T>(a + (i * (lda as usize) + q) * S);
      }
      store<T>(pa + ((p * MR + r) as usize) * S, v);
    }
  }
}

/** Stores the 4 x 2-vector tile: C = alpha * acc + beta * C (beta == 0: C not read). */
// @ts-ignore: decorator
@inline function storeTile<T>(
  c: usize, ldc: usize, alpha: T, beta: T,
  c00: v128, c01: v128, c10: v128, c11: v128, c20: v128, c21: v128, c30: v128, c31: v128,
): void {
  const va = v128.splat<T>(alpha);
  if (beta == (0 as T)) {
    v128.store(c, v128.mul<T>(c00, va));
    v128.store(c, v128.mul<T>(c01, va), 16);
    c += ldc;
    v128.store(c, v128.mul<T>(c10, va));
    v128.store(c, v128.mul<T>(c11, va), 16);
    c += ldc;
    v128.store(c, v128.mul<T>(c20, va));
    v128.store(c, v128.mul<T>(c21, va), 16);
    c += ldc;
    v128.store(c, v128.mul<T>(c30, va));
    v128.store(c, v128.mul<T>(c31, va), 16);
  } else {
    const vb = v128.splat<T>(beta);
    v128.store(c, madd<T>(v128.load(c), vb, v128.mul<T>(c00, va)));
    v128.store(c, madd<T>(v128.load(c, 16), vb, v128.mul<T>(c01, va)), 16);
    c += ldc;
    v128.store(c, madd<T>(v128.load(c), vb, v128.mul<T>(c10, va)));
    v128.store(c, madd<T>(v128.load(c, 16), vb, v128.mul<T>(c11, va)), 16);
    c += ldc;
    v128.store(c, madd<T>(v128.load(c), vb, v128.mul<T>(c20, va)));
    v128.store(c, madd<T>(v128.load(c, 16), vb, v128.mul<T>(c21, va)), 16);
    c += ldc;
    v128.store(c, madd<T>(v128.load(c), vb, v128.mul<T>(c30, va)));
    v128.store(c, madd<T>(v128.load(c, 16), vb, v128.mul<T>(c31, va)), 16);
  }
}

/**
 * C[0..MR, 0..NR] = alpha * (op(A) tile · panel B) + beta * C, for a row-major A: the MR rows start
 * at `a` and follow each other `lda` bytes apart; `pb` is a packed panel of B; C rows `ldc` bytes apart.
 */
function microN<T>(kc: i32, a: usize, lda: usize, pb: usize, c: usize, ldc: usize, alpha: T, beta: T): void {
  const S = sizeof<T>();
  let a0 = a;
  let a1 = a0 + lda;
  let a2 = a1 + lda;
  let a3 = a2 + lda;
  let c00 = v128.splat<T>(0 as T);
  let c01 = c00;
  let c10 = c00;
  let c11 = c00;
  let c20 = c00;
  let c21 = c00;
  let c30 = c00;
  let c31 = c00;
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let av = loadSplat<T>(a0, 0);
    c00 = madd<T>(av, b0, c00);
    c01 = madd<T>(av, b1, c01);
    av = loadSplat<T>(a1, 0);
    c10 = madd<T>(av, b0, c10);
    c11 = madd<T>(av, b1, c11);
    av = loadSplat<T>(a2, 0);
    c20 = madd<T>(av, b0, c20);
    c21 = madd<T>(av, b1, c21);
    av = loadSplat<T>(a3, 0);
    c30 = madd<T>(av, b0, c30);
    c31 = madd<T>(av, b1, c31);
    a0 += S;
    a1 += S;
    a2 += S;
    a3 += S;
    pb += 32;
  }
  storeTile<T>(c, ldc, alpha, beta, c00, c01, c10, c11, c20, c21, c30, c31);
}

/**
 * As {@link microN}, for an A whose MR rows lie side by side: op(A)[r, p] is at `a + r * S + p * step`
 * (a transposed A: step is its row length in bytes; a packed edge panel: step = MR * S).
 */
function microT<T>(kc: i32, a: usize, step: usize, pb: usize, c: usize, ldc: usize, alpha: T, beta: T): void {
  const S = sizeof<T>();
  let c00 = v128.splat<T>(0 as T);
  let c01 = c00;
  let c10 = c00;
  let c11 = c00;
  let c20 = c00;
  let c21 = c00;
  let c30 = c00;
  let c31 = c00;
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let av = loadSplat<T>(a, 0);
    c00 = madd<T>(av, b0, c00);
    c01 = madd<T>(av, b1, c01);
    av = loadSplat<T>(a, S);
    c10 = madd<T>(av, b0, c10);
    c11 = madd<T>(av, b1, c11);
    av = loadSplat<T>(a, 2 * S);
    c20 = madd<T>(av, b0, c20);
    c21 = madd<T>(av, b1, c21);
    av = loadSplat<T>(a, 3 * S);
    c30 = madd<T>(av, b0, c30);
    c31 = madd<T>(av, b1, c31);
    a += step;
    pb += 32;
  }
  storeTile<T>(c, ldc, alpha, beta, c00, c01, c10, c11, c20, c21, c30, c31);
}

/** C[i, j] = alpha * tile[i, j] + beta * C[i, j] for the mr x ncols corner of an edge tile. */
function mergeTile<T>(mr: i32, ncols: i32, tile: usize, c: usize, ldc: usize, alpha: T, beta: T): void {
  const S = sizeof<T>();
  const rowBytes = (nr<T>() as usize) * S;
  for (let i = 0; i < mr; i++) {
    const t = tile + (i as usize) * rowBytes;
    const d = c + (i as usize) * ldc;
    for (let j: usize = 0; j < (ncols as usize); j++) {
      const v = alpha * load<T>(t + j * S);
      store<T>(d + j * S, beta == (0 as T) ? v : v + beta * load<T>(d + j * S));
    }
  }
}

/** C = beta * C (k == 0: the product is empty). */
function scaleC<T>(m: i32, n: i32, beta: T, c: usize, ldc: i32): void {
  const S = sizeof<T>();
  for (let i = 0; i < m; i++) {
    const row = c + (i as usize) * (ldc as usize) * S;
    for (let j: usize = 0; j < (n as usize); j++) {
      store<T>(row + j * S, beta == (0 as T) ? (0 as T) : beta * load<T>(row + j * S));
    }
  }
}

/** Adds `bias` (if not 0) to each row of the block and applies act (0 none, 1 relu, 2 sigmoid). */
function epilogue<T>(m: i32, n: i32, c: usize, ldc: i32, bias: usize, act: i32): void {
  const S = sizeof<T>();
  const L = lanes<T>();
  const zero = v128.splat<T>(0 as T);
  for (let i = 0; i < m; i++) {
    const row = c + (i as usize) * (ldc as usize) * S;
    let j = 0;
    for (; j + L <= n; j += L) {
      const o = (j as usize) * S;
      let v = v128.load(row + o);
      if (bias != 0) v = v128.add<T>(v, v128.load(bias + o));
      if (act == 1) v = v128.andnot(v, v128.le<T>(v, zero));
      v128.store(row + o, v);
    }
    for (; j < n; j++) {
      const o = (j as usize) * S;
      let v = load<T>(row + o);
      if (bias != 0) v += load<T>(bias + o);
      if (act == 1) v = v <= (0 as T) ? (0 as T) : v;
      store<T>(row + o, v);
    }
    if (act == 2) sigmoidImpl<T>(n, row, row);
  }
}


function gemmImpl<T>(
  transA: bool, transB: bool, m: i32, n: i32, k: i32, alpha: T, a: usize, lda: i32,
  b: usize, ldb: i32, beta: T, c: usize, ldc: i32, bias: usize, act: i32, ws: usize,
): void {
  if (m <= 0 || n <= 0) return;
  const fused = bias != 0 || act != 0;
  if (k <= 0) {
    scaleC<T>(m, n, beta, c, ldc);
    if (fused) epilogue<T>(m, n, c, ldc, bias, act);
    return;
  }
  // sparse A: worth trying for the larger products, and only where it gives the dense path's bits
  // (one depth block, beta 0, alpha 1)
  if (
    sparseEnabled && alpha == (1 as T) && beta == (0 as T) && !transB && k <= KC_MAX &&
    n >= lanes<T>() && (m as i64) * (n as i64) * (k as i64) >= 65536 &&
    sparseGemm<T>(transA, m, n, k, a, lda, b, ldb, c, ldc, ws + (gemm_dense_bytes() as usize))
  ) {
    sparseCount++;
    if (fused) epilogue<T>(m, n, c, ldc, bias, act);
    return;
  }
  const S = sizeof<T>() as i32;
  const NR = nr<T>();
  // the depth in even blocks of at most KC_MAX; columns and rows per block from the cache budgets
  const kBlocks = (k + KC_MAX - 1) / KC_MAX;
  const KC = (k + kBlocks - 1) / kBlocks;
  const nPadded = ((n + NR - 1) / NR) * NR;
  const NC = min(nPadded, max(NR, (B_BLOCK_BYTES / (KC * S) / NR) * NR));
  const MC = max(MR, (A_BLOCK_BYTES / (KC * S) / MR) * MR);
  const ws16 = (ws + 15) & ~(15 as usize);
  const pb = ws16;
  const edge = pb + (B_BLOCK_BYTES as usize) + ((KC_MAX * NR * S) as usize);
  const tile = edge + ((MR * KC_MAX * S) as usize);
  const Su = S as usize;
  const ldcBytes = (ldc as usize) * Su;
  const ldaBytes = (lda as usize) * Su;
  const trNR = (NR as usize) * Su;
  for (let jc = 0; jc < n; jc += NC) {
    const ncols = min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);
      packB<T>(transB, b, ldb, pc, kc, jc, ncols, pb);
      const bt = pc == 0 ? beta : (1 as T);
      const last = pc + kc >= k;
      for (let ic = 0; ic < m; ic += MC) {
        const mc = min(MC, m - ic);
        const full = mc - (mc % MR);
        if (full < mc) packEdgeA<T>(transA, a, lda, ic + full, mc - full, pc, kc, edge);
        for (let jr = 0; jr < ncols; jr += NR) {
          const w = min(NR, ncols - jr);
          const pbj = pb + ((jr * kc) as usize) * Su;
          const cj = c + ((jc + jr) as usize) * Su;
          for (let ir = 0; ir < mc; ir += MR) {
            const i = ic + ir;
            const h = min(MR, mc - ir);
            const cp = cj + (i as usize) * ldcBytes;
            const direct = h == MR && w == NR;
            const dst = direct ? cp : tile;
            const ldd = direct ? ldcBytes : trNR;
            const al = direct ? alpha : (1 as T);
            const be = direct ? bt : (0 as T);
            if (h < MR) {
              microT<T>(kc, edge, (MR as usize) * Su, pbj, dst, ldd, al, be);
            } else if (transA) {
              microT<T>(kc, a + ((pc as usize) * (lda as usize) + (i as usize)) * Su, ldaBytes, pbj, dst, ldd, al, be);
            } else {
              microN<T>(kc, a + ((i as usize) * (lda as usize) + (pc as usize)) * Su, ldaBytes, pbj, dst, ldd, al, be);
            }
            if (!direct) mergeTile<T>(h, w, tile, cp, ldcBytes, alpha, bt);
          }
        }
        if (last && fused) {
          const cb = c + (ic as usize) * ldcBytes + (jc as usize) * Su;
          epilogue<T>(mc, ncols, cb, ldc, bias != 0 ? bias + (jc as usize) * Su : 0, act);
        }
      }
    }
  }
}

/** Bytes of the dense path's part of the workspace (the larger of f32's and f64's). */
function gemm_dense_bytes(): i32 {
  return (max(denseBytes<f32>(), denseBytes<f64>()) + 15) & ~15;
}

/** Workspace bytes that `gemm_f32` / `gemm_f64` need at `ws`: the dense path's, then the sparse path's. */
export function gemm_workspace_bytes(): i32 {
  return gemm_dense_bytes() + SPARSE_BYTES;
}

/** Allows (1, the default) or forbids (0) the sparse path; the results are the same either way. */
export function gemm_set_sparse(on: i32): void {
  sparseEnabled = on != 0;
}

/** How many products have taken the sparse path so far. */
export function gemm_sparse_count(): i32 {
  return sparseCount;
}

/** How many of those reused the compressed A of an earlier product (the same A, checked byte for byte). */
export function gemm_sparse_reuses(): i32 {
  return sparseReuses();
}

/** f32 GEMM; pointers are byte offsets, leading dimensions in elements. */
export function gemm_f32(
  transA: i32, transB: i32, m: i32, n: i32, k: i32, alpha: f32, a: usize, lda: i32,
  b: usize, ldb: i32, beta: f32, c: usize, ldc: i32, bias: usize, act: i32, ws: usize,
): void {
  gemmImpl<f32>(transA != 0, transB != 0, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, bias, act, ws);
}

/** f64 GEMM; pointers are byte offsets, leading dimensions in elements. */
export function gemm_f64(
  transA: i32, transB: i32, m: i32, n: i32, k: i32, alpha: f64, a: usize, lda: i32,
  b: usize, ldb: i32, beta: f64, c: usize, ldc: i32, bias: usize, act: i32, ws: usize,
): void {
  gemmImpl<f64>(transA != 0, transB != 0, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, bias, act, ws);
}
