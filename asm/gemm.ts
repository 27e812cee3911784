// GEMM with 128-bit SIMD, generic over T (f32: f32x4, f64: f64x2), row-major:
//   C = act(alpha * op(A) * op(B) + beta * C + bias)
// op(A) is (m, k), op(B) is (k, n), C is (m, n); op(X) = X or its transpose.
// Scheme (BLIS): blocks of NC columns of C, KC of the depth and MC rows; each block of op(B) and
// op(A) is packed into panels (NR columns / MR rows, zero-padded), then an MR x NR register-blocked
// micro-kernel (MR rows x 2 vectors of accumulators) runs over each pair of panels.
// beta == 0 means C is not read (NaN in C does not leak), as in BLAS.
import { sigmoidImpl } from './elementwise';
import { lanes, loadSplat, madd } from './simd';

/** Rows of the micro-kernel. */
const MR: i32 = 4;
/** Depth block. */
const KC: i32 = 256;
/** Row block (multiple of MR); the packed A block (MC x KC) stays in L2. */
const MC: i32 = 128;

/** Columns of the micro-kernel: two vectors (8 for f32, 4 for f64). */
// @ts-ignore: decorator
@inline function nr<T>(): i32 {
  return 2 * lanes<T>();
}

/** Column block (multiple of NR); the packed B block (KC x NC) stays in L2. */
// @ts-ignore: decorator
@inline function nc<T>(): i32 {
  return sizeof<T>() == 4 ? 512 : 256;
}

/** Bytes of workspace `gemm` needs for T (packed A, packed B, one edge tile). */
function workspaceBytes<T>(): i32 {
  return (MC * KC + KC * nc<T>() + MR * nr<T>()) * (sizeof<T>() as i32) + 64;
}

/** Packs op(A)[i0 .. i0+mc, p0 .. p0+kc] into panels of MR rows: panel[p * MR + r]. */
function packA<T>(transA: bool, a: usize, lda: i32, i0: i32, mc: i32, p0: i32, kc: i32, pa: usize): void {
  const S = sizeof<T>();
  for (let ir = 0; ir < mc; ir += MR) {
    const mr = min(MR, mc - ir);
    if (!transA) {
      // op(A)[i, p] = a[i * lda + p]: MR rows read side by side
      const r0 = a + (((i0 + ir) as usize) * (lda as usize) + (p0 as usize)) * S;
      const step = (lda as usize) * S;
      if (mr == MR) {
        const r1 = r0 + step;
        const r2 = r1 + step;
        const r3 = r2 + step;
        for (let p: usize = 0; p < (kc as usize); p++) {
          const o = p * S;
          store<T>(pa, load<T>(r0 + o));
          store<T>(pa + S, load<T>(r1 + o));
          store<T>(pa + 2 * S, load<T>(r2 + o));
          store<T>(pa + 3 * S, load<T>(r3 + o));
          pa += 4 * S;
        }
      } else {
        for (let p: usize = 0; p < (kc as usize); p++) {
          for (let r = 0; r < MR; r++) {
            store<T>(pa + (r as usize) * S, r < mr ? load<T>(r0 + (r as usize) * step + p * S) : (0 as T));
          }
          pa += (MR as usize) * S;
        }
      }
    } else {
      // op(A)[i, p] = a[p * lda + i]: MR consecutive elements of row p
      let src = a + (((p0 as usize) * (lda as usize) + ((i0 + ir) as usize)) * S);
      const step = (lda as usize) * S;
      for (let p = 0; p < kc; p++) {
        if (mr == MR) {
          if (sizeof<T>() == 4) {
            v128.store(pa, v128.load(src));
          } else {
            v128.store(pa, v128.load(src));
            v128.store(pa, v128.load(src, 16), 16);
          }
        } else {
          for (let r = 0; r < MR; r++) {
            store<T>(pa + (r as usize) * S, r < mr ? load<T>(src + (r as usize) * S) : (0 as T));
          }
        }
        pa += (MR as usize) * S;
        src += step;
      }
    }
  }
}

/** Packs op(B)[p0 .. p0+kc, j0 .. j0+nc] into panels of NR columns: panel[p * NR + j]. */
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

/** C[0..MR, 0..NR] = alpha * (panel A · panel B) + beta * C, C at `c` with row step `ldc` bytes. */
function micro<T>(kc: i32, pa: usize, pb: usize, c: usize, ldc: usize, alpha: T, beta: T): void {
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
    let av = loadSplat<T>(pa, 0);
    c00 = madd<T>(av, b0, c00);
    c01 = madd<T>(av, b1, c01);
    av = loadSplat<T>(pa, S);
    c10 = madd<T>(av, b0, c10);
    c11 = madd<T>(av, b1, c11);
    av = loadSplat<T>(pa, 2 * S);
    c20 = madd<T>(av, b0, c20);
    c21 = madd<T>(av, b1, c21);
    av = loadSplat<T>(pa, 3 * S);
    c30 = madd<T>(av, b0, c30);
    c31 = madd<T>(av, b1, c31);
    pa += 4 * S;
    pb += 32;
  }
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

/** C[i, j] = alpha * tile[i, j] + beta * C[i, j] for the mr x nr corner of an edge tile. */
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
  for (let i = 0; i < m; i++) {
    const row = c + (i as usize) * (ldc as usize) * S;
    for (let j: usize = 0; j < (n as usize); j++) {
      let v = load<T>(row + j * S);
      if (bias != 0) v += load<T>(bias + j * S);
      if (act == 1) v = v <= (0 as T) ? (0 as T) : v;
      store<T>(row + j * S, v);
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
  const S = sizeof<T>();
  const NR = nr<T>();
  const NC = nc<T>();
  const ws16 = (ws + 15) & ~(15 as usize);
  const pa = ws16;
  const pb = pa + ((MC * KC) as usize) * S;
  const tile = pb + ((KC * NC) as usize) * S;
  const ldcBytes = (ldc as usize) * S;
  for (let jc = 0; jc < n; jc += NC) {
    const ncols = min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);
      packB<T>(transB, b, ldb, pc, kc, jc, ncols, pb);
      const bt = pc == 0 ? beta : (1 as T);
      const last = pc + kc >= k;
      for (let ic = 0; ic < m; ic += MC) {
        const mc = min(MC, m - ic);
        packA<T>(transA, a, lda, ic, mc, pc, kc, pa);
        for (let jr = 0; jr < ncols; jr += NR) {
          const w = min(NR, ncols - jr);
          const pbj = pb + ((jr * kc) as usize) * S;
          for (let ir = 0; ir < mc; ir += MR) {
            const h = min(MR, mc - ir);
            const pai = pa + ((ir * kc) as usize) * S;
            const cp = c + ((ic + ir) as usize) * ldcBytes + ((jc + jr) as usize) * S;
            if (h == MR && w == NR) {
              micro<T>(kc, pai, pbj, cp, ldcBytes, alpha, bt);
            } else {
              micro<T>(kc, pai, pbj, tile, (NR as usize) * S, 1 as T, 0 as T);
              mergeTile<T>(h, w, tile, cp, ldcBytes, alpha, bt);
            }
          }
        }
        if (last && fused) {
          const cb = c + (ic as usize) * ldcBytes + (jc as usize) * S;
          epilogue<T>(mc, ncols, cb, ldc, bias != 0 ? bias + (jc as usize) * S : 0, act);
        }
      }
    }
  }
}

/** Workspace bytes that `gemm_f32` / `gemm_f64` need at `ws` (the larger of the two). */
export function gemm_workspace_bytes(): i32 {
  return max(workspaceBytes<f32>(), workspaceBytes<f64>());
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
