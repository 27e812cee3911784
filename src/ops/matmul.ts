/**
 * Matrix products with numpy's rules: `dot` (np.dot) and `matmul` (np.matmul, the `@` operator).
 * Both return new contiguous tensors (copies). The result dtype is numpy's promotion of the two
 * dtypes; integer products wrap like numpy's int32/uint8 arithmetic and bool products are logical
 * (or of ands), as in numpy.
 *
 * All work funnels into matrix kernels on contiguous row-major typed arrays: for float32 and
 * float64, the active kernels' GEMM when that is the WASM SIMD one (`getKernels().gemm`, see
 * `src/kernels`), else `gemm` below (the TypeScript reference's results, register-blocked for
 * speed); `gemmInt` for integers. Strided or transposed inputs are first copied to contiguous
 * buffers (O(n^2), negligible next to the O(n^3) product).
 *
 * Precision: float64 products are accumulated in float64 in the order p = 0, 1, ..., k-1 (the WASM
 * GEMM, for k > 1024, sums blocks of at most 1024 terms and adds the partial sums); float32 products are
 * accumulated in float64 and rounded once by the TypeScript path, in float32 by the WASM GEMM (as
 * BLAS sgemm does). numpy's BLAS blocks differently and uses FMA: expect agreement to ~1e-15
 * relative for float64 and ~1e-6 for float32 (√k·1e-7), not bit-identical results (the fixture
 * tests use 1e-12 and 1e-5).
 */
import { getKernels } from '../kernels/select.js';
import { type DType, isFloat, promoteTypes, type TypedArray } from '../tensor/dtype.js';
import { broadcastStrides, contiguousStrides, formatShape, shapeSize } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';

/** The float storage `gemm` works on. */
export type FloatArray = Float64Array | Float32Array;

/**
 * `C = A · B` for row-major contiguous matrices: A is (m, k) from `aOffset`, B is (k, n) from
 * `bOffset`, C is (m, n) from `cOffset` and is overwritten. Every element is accumulated in float64
 * in the order p = 0, 1, ..., k-1 (so a float32 C is rounded once per element, and the result equals
 * the textbook triple loop exactly). Layout: B is packed into zero-padded panels of 4 columns, and a
 * 4 x 4 block of C is kept in 16 local accumulators while p runs (GotoBLAS-style register blocking:
 * 8 loads per 16 multiply-adds, no stores in the inner loop). This is the one hot loop of
 * `dot`/`matmul`; a WASM SIMD version can replace it with the same signature.
 * @example gemm(2, 2, 2, new Float64Array([1, 2, 3, 4]), 0, new Float64Array([1, 0, 0, 1]), 0, c, 0)
 */
export function gemm(
  m: number,
  n: number,
  k: number,
  a: FloatArray,
  aOffset: number,
  b: FloatArray,
  bOffset: number,
  c: FloatArray,
  cOffset: number,
): void {
  if (n === 1) {
    // matrix-vector: one dot product per row
    for (let i = 0; i < m; i++) {
      const ai = aOffset + i * k;
      let s = 0;
      for (let p = 0; p < k; p++) s += a[ai + p] * b[bOffset + p];
      c[cOffset + i] = s;
    }
    return;
  }
  const panels = Math.ceil(n / 4);
  const packed = new Float64Array(panels * 4 * k);
  for (let jp = 0; jp < panels; jp++) {
    const j0 = jp * 4;
    const w = Math.min(4, n - j0);
    const base = jp * 4 * k;
    for (let p = 0; p < k; p++) {
      const src = bOffset + p * n + j0;
      const dst = base + p * 4;
      for (let jj = 0; jj < w; jj++) packed[dst + jj] = b[src + jj];
    }
  }
  let i = 0;
  for (; i + 4 <= m; i += 4) {
    const r0 = aOffset + i * k;
    const r1 = r0 + k;
    const r2 = r1 + k;
    const r3 = r2 + k;
    for (let jp = 0; jp < panels; jp++) {
      let c00 = 0;
      let c01 = 0;
      let c02 = 0;
      let c03 = 0;
      let c10 = 0;
      let c11 = 0;
      let c12 = 0;
      let c13 = 0;
      let c20 = 0;
      let c21 = 0;
      let c22 = 0;
      let c23 = 0;
      let c30 = 0;
      let c31 = 0;
      let c32 = 0;
      let c33 = 0;
      for (let p = 0, q = jp * 4 * k; p < k; p++, q += 4) {
        const b0 = packed[q];
        const b1 = packed[q + 1];
        const b2 = packed[q + 2];
        const b3 = packed[q + 3];
        const a0 = a[r0 + p];
        const a1 = a[r1 + p];
        const a2 = a[r2 + p];
        const a3 = a[r3 + p];
        c00 += a0 * b0;
        c01 += a0 * b1;
        c02 += a0 * b2;
        c03 += a0 * b3;
        c10 += a1 * b0;
        c11 += a1 * b1;
        c12 += a1 * b2;
        c13 += a1 * b3;
        c20 += a2 * b0;
        c21 += a2 * b1;
        c22 += a2 * b2;
        c23 += a2 * b3;
        c30 += a3 * b0;
        c31 += a3 * b1;
        c32 += a3 * b2;
        c33 += a3 * b3;
      }
      const j0 = jp * 4;
      const o = cOffset + i * n + j0;
      if (j0 + 4 <= n) {
        c[o] = c00;
        c[o + 1] = c01;
        c[o + 2] = c02;
        c[o + 3] = c03;
        c[o + n] = c10;
        c[o + n + 1] = c11;
        c[o + n + 2] = c12;
        c[o + n + 3] = c13;
        c[o + 2 * n] = c20;
        c[o + 2 * n + 1] = c21;
        c[o + 2 * n + 2] = c22;
        c[o + 2 * n + 3] = c23;
        c[o + 3 * n] = c30;
        c[o + 3 * n + 1] = c31;
        c[o + 3 * n + 2] = c32;
        c[o + 3 * n + 3] = c33;
      } else {
        // last panel, 1 to 3 columns wide (the padding columns are discarded)
        const w = n - j0;
        storeRow(c, o, w, c00, c01, c02);
        storeRow(c, o + n, w, c10, c11, c12);
        storeRow(c, o + 2 * n, w, c20, c21, c22);
        storeRow(c, o + 3 * n, w, c30, c31, c32);
      }
    }
  }
  for (; i < m; i++) {
    const r0 = aOffset + i * k;
    for (let jp = 0; jp < panels; jp++) {
      let c00 = 0;
      let c01 = 0;
      let c02 = 0;
      let c03 = 0;
      for (let p = 0, q = jp * 4 * k; p < k; p++, q += 4) {
        const a0 = a[r0 + p];
        c00 += a0 * packed[q];
        c01 += a0 * packed[q + 1];
        c02 += a0 * packed[q + 2];
        c03 += a0 * packed[q + 3];
      }
      const j0 = jp * 4;
      const o = cOffset + i * n + j0;
      if (j0 + 4 <= n) {
        c[o] = c00;
        c[o + 1] = c01;
        c[o + 2] = c02;
        c[o + 3] = c03;
      } else storeRow(c, o, n - j0, c00, c01, c02);
    }
  }
}

/** Stores the first `w` (1 to 3) of three values. */
function storeRow(c: FloatArray, o: number, w: number, v0: number, v1: number, v2: number): void {
  c[o] = v0;
  if (w > 1) c[o + 1] = v1;
  if (w > 2) c[o + 2] = v2;
}

/**
 * `C = A · B` for row-major contiguous int32 matrices, wrapping modulo 2**32 as numpy's int32
 * arithmetic does (C is overwritten).
 * @example gemmInt(1, 1, 2, new Int32Array([2, 3]), 0, new Int32Array([4, 5]), 0, c, 0) // c[0] = 23
 */
export function gemmInt(
  m: number,
  n: number,
  k: number,
  a: Int32Array,
  aOffset: number,
  b: Int32Array,
  bOffset: number,
  c: Int32Array,
  cOffset: number,
): void {
  c.fill(0, cOffset, cOffset + m * n);
  for (let i = 0; i < m; i++) {
    const ci = cOffset + i * n;
    const ai = aOffset + i * k;
    for (let p = 0; p < k; p++) {
      const x = a[ai + p];
      const bp = bOffset + p * n;
      for (let j = 0; j < n; j++) c[ci + j] = (c[ci + j] + Math.imul(x, b[bp + j])) | 0;
    }
  }
}

// ---------------------------------------------------------------------------------------------

function checkTensor(x: unknown, fn: string, argName: string): asserts x is Tensor {
  if (!(x instanceof Tensor)) {
    throw new TypeError(`${fn}: ${argName}: expected a Tensor, got ${x === null ? 'null' : typeof x}`);
  }
}

/** The dtype the kernels compute in for a result dtype: floats as is, integers and bool in int32. */
function computeDType(dtype: DType): DType {
  return isFloat(dtype) ? dtype : 'int32';
}

/** `t`'s elements in C order as `dtype`, without copying when they already are. */
function contiguousAs(t: Tensor, dtype: DType): { data: TypedArray; offset: number } {
  if (t.dtype === dtype && t.isContiguous) return { data: t.data, offset: t.offset };
  return { data: t.copy(dtype).data, offset: 0 };
}

/**
 * Batched products: for each of `batch` index triples (output, a, b) computes the (m, k) x (k, n)
 * product into a result of `outShape` and result dtype `dtype`.
 */
function batchedProduct(
  dtype: DType,
  outShape: readonly number[],
  m: number,
  n: number,
  k: number,
  a: { data: TypedArray; offset: number },
  b: { data: TypedArray; offset: number },
  pairs: (visit: (outIndex: number, aMatrix: number, bMatrix: number) => void) => void,
): Tensor {
  const cdt = computeDType(dtype);
  const size = shapeSize(outShape);
  const out =
    cdt === 'float64'
      ? new Float64Array(size)
      : cdt === 'float32'
        ? new Float32Array(size)
        : new Int32Array(size);
  const kernels = getKernels();
  if (size > 0 && k > 0) {
    pairs((o, ia, ib) => {
      if (out instanceof Int32Array) {
        gemmInt(
          m,
          n,
          k,
          a.data as Int32Array,
          a.offset + ia * m * k,
          b.data as Int32Array,
          b.offset + ib * k * n,
          out,
          o * m * n,
        );
      } else if (kernels.name === 'wasm') {
        const ad = a.data as FloatArray;
        const bd = b.data as FloatArray;
        const ao = a.offset + ia * m * k;
        const bo = b.offset + ib * k * n;
        const co = o * m * n;
        kernels.gemm(
          false,
          false,
          m,
          n,
          k,
          1,
          ao === 0 ? ad : ad.subarray(ao),
          k,
          bo === 0 ? bd : bd.subarray(bo),
          n,
          0,
          co === 0 ? out : out.subarray(co),
          n,
        );
      } else {
        gemm(
          m,
          n,
          k,
          a.data as FloatArray,
          a.offset + ia * m * k,
          b.data as FloatArray,
          b.offset + ib * k * n,
          out,
          o * m * n,
        );
      }
    });
  }
  if (cdt === dtype) return new Tensor(out, outShape, { dtype });
  // uint8 wraps modulo 256, bool is "any product non-zero"
  const res = new Uint8Array(size);
  if (dtype === 'bool') for (let i = 0; i < size; i++) res[i] = out[i] !== 0 ? 1 : 0;
  else res.set(out);
  return new Tensor(res, outShape, { dtype });
}

/** `a * b` where one operand is 0-d (numpy's dot with a scalar is multiplication). */
function scalarProduct(a: Tensor, b: Tensor): Tensor {
  const dtype = promoteTypes(a.dtype, b.dtype);
  const [s, t] = a.ndim === 0 ? [a, b] : [b, a];
  const sv = s.copy(dtype).data[0];
  const src = t.copy(dtype);
  const d = src.data;
  if (dtype === 'float64' || dtype === 'float32') for (let i = 0; i < d.length; i++) d[i] *= sv;
  else if (dtype === 'bool') for (let i = 0; i < d.length; i++) d[i] = d[i] !== 0 && sv !== 0 ? 1 : 0;
  else for (let i = 0; i < d.length; i++) d[i] = Math.imul(d[i], sv);
  return src;
}

/**
 * numpy's `dot`. Copy.
 * Shape rules: `(K,)·(K,) -> ()` (inner product); `(N, K)·(K, M) -> (N, M)`;
 * `(..., K)·(K,) -> (...)`; `(K,)·(..., K, M) -> (..., M)`;
 * `a: (A..., K), b: (B..., K, M) -> (A..., B..., M)` (sum over a's last and b's second-to-last axis);
 * a 0-d operand multiplies elementwise. dtype: numpy's promotion.
 * @example dot(tensor([[1, 2], [3, 4]]), tensor([1, 1])) // [3, 7]
 * @throws "shapes (2,) and (3,3) not aligned: 2 (dim 0) != 3 (dim 0)"
 */
export function dot(a: Tensor, b: Tensor): Tensor {
  checkTensor(a, 'dot', 'a');
  checkTensor(b, 'dot', 'b');
  if (a.ndim === 0 || b.ndim === 0) return scalarProduct(a, b);
  const ka = a.ndim - 1;
  const kb = b.ndim === 1 ? 0 : b.ndim - 2;
  const k = a.shape[ka];
  if (b.shape[kb] !== k) {
    throw new RangeError(
      `shapes ${formatShape(a.shape)} and ${formatShape(b.shape)} not aligned: ${k} (dim ${ka}) != ${b.shape[kb]} (dim ${kb})`,
    );
  }
  const dtype = promoteTypes(a.dtype, b.dtype);
  const cdt = computeDType(dtype);
  const aOuter = a.shape.slice(0, -1);
  const bOuter = b.ndim === 1 ? [] : [...b.shape.slice(0, -2), b.shape[b.ndim - 1]];
  const m = shapeSize(aOuter);
  const n = shapeSize(bOuter);
  // b as a (K, B... * M) matrix: move its contraction axis first
  const perm = b.ndim === 1 ? [0] : [kb, ...b.shape.slice(0, -2).map((_, i) => i), b.ndim - 1];
  const bMat = contiguousAs(b.ndim <= 2 ? b : b.transpose(...perm), cdt);
  const aMat = contiguousAs(a, cdt);
  return batchedProduct(dtype, [...aOuter, ...bOuter], m, n, k, aMat, bMat, (visit) => visit(0, 0, 0));
}

const SIGNATURE = '(n?,k),(k,m?)->(n?,m?)';

/**
 * numpy's `matmul` (`a @ b`). Copy.
 * Shape rules: `(N, K) @ (K, M) -> (N, M)`; a 1-D `a` is a row `(1, K)` and a 1-D `b` a column
 * `(K, 1)`, and the added axis is removed from the result (`(K,) @ (K,) -> ()`); leading batch
 * dimensions broadcast: `(B..., N, K) @ (C..., K, M) -> (broadcast(B, C)..., N, M)`.
 * 0-d operands are an error, as in numpy. dtype: numpy's promotion.
 * @example matmul(ones([5, 2, 3]), ones([3, 4])).shape // [5, 2, 4]
 * @throws "matmul: Input operand 1 has a mismatch in its core dimension 0, with gufunc signature (n?,k),(k,m?)->(n?,m?) (size 3 is different from 2)"
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  checkTensor(a, 'matmul', 'a');
  checkTensor(b, 'matmul', 'b');
  [a, b].forEach((t, i) => {
    if (t.ndim === 0) {
      throw new RangeError(
        `matmul: Input operand ${i} does not have enough dimensions (has 0, gufunc core with signature ${SIGNATURE} requires 1)`,
      );
    }
  });
  const aShape = a.ndim === 1 ? [1, a.shape[0]] : [...a.shape];
  const bShape = b.ndim === 1 ? [b.shape[0], 1] : [...b.shape];
  const m = aShape[aShape.length - 2];
  const k = aShape[aShape.length - 1];
  const kb = bShape[bShape.length - 2];
  const n = bShape[bShape.length - 1];
  if (kb !== k) {
    throw new RangeError(
      `matmul: Input operand 1 has a mismatch in its core dimension 0, with gufunc signature ${SIGNATURE} (size ${kb} is different from ${k})`,
    );
  }
  const aBatch = aShape.slice(0, -2);
  const bBatch = bShape.slice(0, -2);
  const nb = Math.max(aBatch.length, bBatch.length);
  const outBatch = new Array<number>(nb).fill(1);
  for (let i = 0; i < nb; i++) {
    const da = aBatch[i - (nb - aBatch.length)] ?? 1;
    const db = bBatch[i - (nb - bBatch.length)] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      const remap = (t: Tensor, batch: number[]): string =>
        `${formatShape(t.shape)}->(${[...batch, 'newaxis', 'newaxis'].join(',')})`;
      throw new RangeError(
        `operands could not be broadcast together with remapped shapes [original->remapped]: ${remap(a, aBatch)} ${remap(b, bBatch)}  and requested shape ${formatShape([m, n])}`,
      );
    }
    outBatch[i] = da === 1 ? db : da;
  }
  const dtype = promoteTypes(a.dtype, b.dtype);
  const cdt = computeDType(dtype);
  const outShape = [...outBatch];
  if (a.ndim > 1) outShape.push(m);
  if (b.ndim > 1) outShape.push(n);
  const aMat = contiguousAs(a, cdt);
  const bMat = contiguousAs(b, cdt);
  // matrix index strides of each operand's batch dimensions, broadcast to the output's
  const aStr = broadcastStrides(aBatch, contiguousStrides(aBatch), outBatch);
  const bStr = broadcastStrides(bBatch, contiguousStrides(bBatch), outBatch);
  const total = shapeSize(outBatch);
  return batchedProduct(dtype, outShape, m, n, k, aMat, bMat, (visit) => {
    const idx = new Array<number>(nb).fill(0);
    let ia = 0;
    let ib = 0;
    for (let o = 0; o < total; o++) {
      visit(o, ia, ib);
      for (let d = nb - 1; d >= 0; d--) {
        idx[d]++;
        ia += aStr[d];
        ib += bStr[d];
        if (idx[d] < outBatch[d]) break;
        ia -= aStr[d] * outBatch[d];
        ib -= bStr[d] * outBatch[d];
        idx[d] = 0;
      }
    }
  });
}
