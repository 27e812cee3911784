/**
 * The kernel interface: the hot loops of training (the multi-layer perceptron's, the convolution's
 * im2col/col2im, max pooling), on contiguous typed arrays (no Tensor objects, so this layer sits
 * below `ops/`). Two implementations share it:
 * `ref/` (plain TypeScript, the readable definition) and `wasm/` (WebAssembly 128-bit SIMD, tested
 * against ref). `select.ts` picks one.
 *
 * Conventions, BLAS-like:
 * - matrices are row-major; a matrix argument `a` with leading dimension `lda` holds element (i, j)
 *   at `a[i * lda + j]`, so `lda >= columns` (a row of a larger matrix, or a padded row, is fine);
 * - every array argument starts at element 0: pass `data.subarray(offset)` for an offset;
 * - all float arguments of one call have the same type (all Float32Array or all Float64Array);
 * - outputs must not overlap inputs unless the kernel says so (elementwise kernels may run in place);
 * - sizes and lengths are checked, with errors that name the argument and the expected length.
 * @module
 */

/** The float storage the kernels work on. */
export type FloatArray = Float32Array | Float64Array;

/** The element types of arrays a backend can allocate. */
export type KernelDType = 'float32' | 'float64' | 'int32';

/** Activation fused into {@link Kernels.gemmBiasAct}: none, `x <= 0 ? 0 : x`, or `1 / (1 + exp(-x))`. */
export type Activation = 'identity' | 'relu' | 'sigmoid';

/** The binary ops of {@link Kernels.binaryOp}: numpy's add, subtract, multiply, divide, maximum, minimum. */
export type BinaryOp = 'add' | 'sub' | 'mul' | 'div' | 'max' | 'min';

/**
 * How an operand of {@link Kernels.binaryOp} covers the (m, n) output: 'full' (m · n elements, row
 * after row), 'row' (n elements, the same for every row: a bias) or 'scalar' (element 0 everywhere).
 */
export type OperandLayout = 'full' | 'row' | 'scalar';

/** The unary ops of {@link Kernels.unaryOp}: numpy's negative, absolute, sqrt, square and exp. */
export type UnaryOp = 'neg' | 'abs' | 'sqrt' | 'square' | 'exp';

/** The reductions of {@link Kernels.reduceRows}. */
export type ReduceOp = 'sum' | 'max' | 'min';
/**
 * The sizes of one im2col lowering or pooling: `n` images of `c` channels of `h x w`, windows of
 * `fh x fw` moved by `stride` over the input padded with `pad` zeros on every side, giving
 * `oh x ow` windows per image, `oh = floor((h + 2*pad - fh) / stride) + 1` and `ow` likewise
 * (`ops/im2col.ts`'s `convGeometry` computes it and also requires the division to be exact).
 * @example const g: ConvGeometry = { n: 2, c: 3, h: 7, w: 7, fh: 3, fw: 3, stride: 2, pad: 1, oh: 4, ow: 4 };
 */
export interface ConvGeometry {
  /** Images. */
  n: number;
  /** Channels per image. */
  c: number;
  /** Input height. */
  h: number;
  /** Input width. */
  w: number;
  /** Window (filter or pool) height. */
  fh: number;
  /** Window width. */
  fw: number;
  /** Step of the window, >= 1. */
  stride: number;
  /** Zero rows and columns on every side, >= 0. */
  pad: number;
  /** Output height `floor((h + 2*pad - fh) / stride) + 1`. */
  oh: number;
  /** Output width `floor((w + 2*pad - fw) / stride) + 1`. */
  ow: number;
}

/** The names of the two implementations. */
export type BackendName = 'ref' | 'wasm';

/**
 * The hot loops of training, for Float32Array and Float64Array.
 * @example
 * import { getKernels } from './select.js';
 * const k = getKernels();
 * const x = new Float32Array(2 * 3), w = new Float32Array(3 * 4), out = new Float32Array(2 * 4);
 * k.gemm(false, false, 2, 4, 3, 1, x, 3, w, 4, 0, out, 4); // out (2, 4) = x (2, 3) · w (3, 4)
 */
export interface Kernels {
  /** Which implementation this is. */
  readonly name: BackendName;

  /**
   * `C = alpha · op(A) · op(B) + beta · C`, with `op(X)` = X or Xᵀ. op(A) is (m, k), op(B) is (k, n),
   * C is (m, n). A is stored (m, k) with `lda >= k`, or (k, m) with `lda >= m` when `transA`; B is
   * stored (k, n) with `ldb >= n`, or (n, k) with `ldb >= k` when `transB`; `ldc >= n`.
   * `beta = 0` means C is only written (NaN or garbage in C does not leak), as in BLAS.
   * Affine: forward `x · W` is (false, false); backward `dout · Wᵀ` is (false, true), `xᵀ · dout`
   * is (true, false).
   * @example k.gemm(true, false, 784, 50, 100, 1, x, 784, dout, 50, 0, dW, 50) // dW (784,50) = xᵀ (784,100) · dout (100,50)
   */
  gemm<T extends FloatArray>(
    transA: boolean,
    transB: boolean,
    m: number,
    n: number,
    k: number,
    alpha: number,
    a: T,
    lda: number,
    b: T,
    ldb: number,
    beta: number,
    c: T,
    ldc: number,
  ): void;

  /**
   * The forward pass of Affine plus activation in one call: `C = act(A · B + bias)`, A (m, k),
   * B (k, n), bias (n,) added to every row (or null for none), C (m, n), rounded to C's type after
   * the product and again after the bias, then the activation applied.
   * @example k.gemmBiasAct(100, 50, 784, x, 784, W1, 50, b1, h, 50, 'sigmoid') // h (100,50) = sigmoid(x·W1 + b1)
   */
  gemmBiasAct<T extends FloatArray>(
    m: number,
    n: number,
    k: number,
    a: T,
    lda: number,
    b: T,
    ldb: number,
    bias: T | null,
    c: T,
    ldc: number,
    act: Activation,
  ): void;

  /**
   * `y += alpha · x` over n elements (alpha rounded to the array type first, as numpy does with a
   * Python float); SGD is `axpy(n, -lr, grad, param)`.
   * @example k.axpy(3, -0.1, new Float64Array([1, 2, 3]), w) // w (3,) -= 0.1 * grad
   */
  axpy<T extends FloatArray>(n: number, alpha: number, x: T, y: T): void;

  /**
   * Column sums of A (m, n) with leading dimension lda: `out[j] = Σᵢ A[i, j]`, accumulated in
   * float64 in row order and rounded once (Affine's `db = dout.sum(axis=0)`). out has n elements.
   * @example k.sumRows(100, 50, dout, 50, db) // db (50,) = dout (100, 50) summed over rows
   */
  sumRows<T extends FloatArray>(m: number, n: number, a: T, lda: number, out: T): void;

  /**
   * `y = x <= 0 ? 0 : x` (the book's Relu: NaN passes through). May run in place (y = x).
   * @example k.relu(n, x, y)
   */
  relu<T extends FloatArray>(n: number, x: T, y: T): void;

  /**
   * `dx = x <= 0 ? 0 : dout`, where x is the forward input (or output: the same mask). May run in
   * place (dx = dout).
   * @example k.reluBackward(n, x, dout, dx)
   */
  reluBackward<T extends FloatArray>(n: number, x: T, dout: T, dx: T): void;

  /**
   * `y = 1 / (1 + exp(-x))`. May run in place.
   * @example k.sigmoid(n, x, y)
   */
  sigmoid<T extends FloatArray>(n: number, x: T, y: T): void;

  /**
   * `dx = dout · (1 - y) · y`, left to right as the book writes it, y the forward output. May run in
   * place (dx = dout).
   * @example k.sigmoidBackward(n, y, dout, dx)
   */
  sigmoidBackward<T extends FloatArray>(n: number, y: T, dout: T, dx: T): void;

  /**
   * Softmax with cross-entropy over the rows of x (m, n), as the book's SoftmaxWithLoss:
   * `y = exp(x - max) / Σ exp(x - max)` per row, returns the mean loss
   * `-Σᵢ log(y[i, tᵢ] + 1e-7) / m`, and when `dx` is given writes `dx = (y - onehot(t)) / m`.
   * `t` is either class labels (Int32Array, m, each in [0, n)) or one-hot rows of x's type (m, n),
   * whose label is the first maximum of each row (numpy's argmax). y and dx are (m, n); y may be x.
   * @example const loss = k.softmaxCrossEntropy(100, 10, scores, labels, probs, dscores)
   */
  softmaxCrossEntropy<T extends FloatArray>(
    m: number,
    n: number,
    x: T,
    t: Int32Array | T,
    y: T,
    dx: T | null,
  ): number;

  /**
   * One step of the book's Adam on n parameters, with `lrT = lr · √(1 − β₂ᵗ) / (1 − β₁ᵗ)` computed
   * by the caller: `m += (1 − β₁)(g − m)`, `v += (1 − β₂)(g² − v)`, `p −= lrT · m / (√v + 1e-7)`,
   * every step rounded to the array type as numpy does (the last quotient in float64, lrT being an
   * np.float64). p, m, v are updated in place.
   * @example k.adam(n, lrT, 0.9, 0.999, W, dW, mW, vW)
   */
  adam<T extends FloatArray>(
    n: number,
    lrT: number,
    beta1: number,
    beta2: number,
    p: T,
    g: T,
    m: T,
    v: T,
  ): void;

  /**
   * One step of the book's Momentum on n parameters: `v = momentum·v − lr·g; p += v`, every array
   * operation rounded to the array type (lr and momentum rounded to it first), as numpy does.
   * p and v are updated in place.
   * @example k.momentum(n, 0.01, 0.9, W, dW, vW) // W, dW, vW: (n,)
   */
  momentum<T extends FloatArray>(n: number, lr: number, momentum: number, p: T, g: T, v: T): void;

  /**
   * One step of the book's Nesterov: `v = v·momentum − lr·g; p = p + momentum²·v − (1 + momentum)·lr·g`,
   * the scalar products `momentum²` and `(1 + momentum)·lr` in float64 first, then as {@link Kernels.momentum}.
   * @example k.nesterov(n, 0.01, 0.9, W, dW, vW)
   */
  nesterov<T extends FloatArray>(n: number, lr: number, momentum: number, p: T, g: T, v: T): void;

  /**
   * One step of the book's AdaGrad: `h += g·g; p −= lr·g / (√h + 1e-7)`; p and h in place.
   * @example k.adagrad(n, 0.01, W, dW, hW)
   */
  adagrad<T extends FloatArray>(n: number, lr: number, p: T, g: T, h: T): void;

  /**
   * One step of the book's RMSprop: `h = h·decay + (1 − decay)·g·g; p −= lr·g / (√h + 1e-7)`
   * (`1 − decay` in float64 first); p and h in place.
   * @example k.rmsprop(n, 0.01, 0.99, W, dW, hW)
   */
  rmsprop<T extends FloatArray>(n: number, lr: number, decayRate: number, p: T, g: T, h: T): void;

  /**
   * `out = a op b` elementwise over an (m, n) output, numpy's ufunc on contiguous data: each operand
   * is 'full' (m · n elements), a 'row' of n repeated for every row (broadcasting (n,) against
   * (m, n)), or a 'scalar' (its element 0). Computed in the arrays' type, exactly rounded, so both
   * implementations give the same bits; 'max'/'min' return NaN when either input is NaN and, on a
   * tie (0 and -0), b. out may be a or b itself (in place), but must not otherwise overlap them.
   * @example k.binaryOp('add', 100, 50, h, 'full', b1, 'row', h) // h (100,50) += b1 (50,)
   * @example k.binaryOp('mul', 1, n, x, 'full', two, 'scalar', y) // y (n,) = x (n,) * two[0]
   */
  binaryOp<T extends FloatArray>(
    op: BinaryOp,
    m: number,
    n: number,
    a: T,
    aLayout: OperandLayout,
    b: T,
    bLayout: OperandLayout,
    out: T,
  ): void;

  /**
   * `y = op(x)` over n elements: 'neg', 'abs', 'sqrt', 'square' exactly rounded (the same bits from
   * both implementations), 'exp' within about 1 ulp (float32: a vectorized exp in WASM; float64: the
   * two implementations' libraries). May run in place (y = x).
   * @example k.unaryOp('exp', 1000, x, y) // y (1000,) = exp(x (1000,))
   */
  unaryOp<T extends FloatArray>(op: UnaryOp, n: number, x: T, y: T): void;

  /**
   * One result per row of a contiguous a (m, n): `out[i] = op(a[i, 0..n-1])`, out (m,). 'sum' is
   * numpy's pairwise summation in the array's type (float32 accumulates in float32, as numpy), bit
   * for bit; 'max'/'min' propagate NaN and return, among equal extrema (0 and -0), the last one.
   * An empty row gives 0, -inf (max) or +inf (min).
   * @example k.reduceRows('sum', 1, x.length, x, total) // total (1,) = x.sum(), as numpy
   * @example k.reduceRows('max', 100, 10, scores, best) // best (100,) = scores (100,10).max(axis=1)
   */
  reduceRows<T extends FloatArray>(op: ReduceOp, m: number, n: number, a: T, out: T): void;

  /**
   * The book's im2col: every window of the zero-padded images `x` `(N, C, H, W)` as a row of
   * `col` `(N*OH*OW, C*FH*FW)`, rows ordered (n, oy, ox) and columns (c, ky, kx):
   * `col[(n*OH + oy)*OW + ox, (c*FH + ky)*FW + kx] = x[n, c, oy*stride + ky - pad, ox*stride + kx - pad]`,
   * 0 where that falls in the padding. Every element of col's first `N*OH*OW*C*FH*FW` is written.
   * @example k.im2col({ n: 1, c: 1, h: 28, w: 28, fh: 5, fw: 5, stride: 1, pad: 0, oh: 24, ow: 24 }, x, col) // x (1,1,28,28) -> col (576, 25)
   */
  im2col<T extends FloatArray>(g: ConvGeometry, x: T, col: T): void;

  /**
   * The adjoint of {@link Kernels.im2col}: `x` `(N, C, H, W)` is overwritten with the sum of the
   * elements of `col` `(N*OH*OW, C*FH*FW)` read from each pixel (overlapping windows sum, padding
   * dropped). Each pixel starts from +0 and adds its contributions in increasing row order of col.
   * @example k.col2im({ n: 1, c: 30, h: 12, w: 12, fh: 3, fw: 3, stride: 1, pad: 1, oh: 12, ow: 12 }, dcol, dx) // dcol (144, 270) -> dx (1,30,12,12)
   */
  col2im<T extends FloatArray>(g: ConvGeometry, col: T, x: T): void;

  /**
   * Max pooling of `x` `(N, C, H, W)` over `fh x fw` windows (cells inside the input only, so `pad`
   * must be smaller than fh and fw): `out` `(N, C, OH, OW)` gets each window's maximum and `argMax`
   * (N*C*OH*OW) the flat C-order index into x of that maximum, the first one in window order on
   * ties (np.argmax); a NaN wins its window (the first NaN).
   * @example k.maxPool({ n: 100, c: 30, h: 24, w: 24, fh: 2, fw: 2, stride: 2, pad: 0, oh: 12, ow: 12 }, x, out, argMax) // (100,30,24,24) -> (100,30,12,12)
   */
  maxPool<T extends FloatArray>(g: ConvGeometry, x: T, out: T, argMax: Int32Array): void;

  /**
   * The backward pass of {@link Kernels.maxPool}: `dx` `(N, C, H, W)` is overwritten with zeros, then
   * `dx[argMax[o]] += dout[o]` for o = 0, 1, ... N*C*OH*OW - 1 in that order. Every argMax must lie
   * in [0, N*C*H*W).
   * @example k.maxPoolBackward(g, argMax, dout, dx) // dout (100,30,12,12) -> dx (100,30,24,24)
   */
  maxPoolBackward<T extends FloatArray>(g: ConvGeometry, argMax: Int32Array, dout: T, dx: T): void;

  /**
   * A zero-filled array of `length` elements for use as kernel storage. The WASM backend returns a
   * view into its memory when that memory is shared (Node, and browsers with cross-origin
   * isolation), so kernels read and write it without copies ("resident"); otherwise, and for ref, an
   * ordinary typed array. Resident arrays are returned to the backend by {@link Kernels.free} or,
   * without it, when the array object is garbage collected: keep the returned array itself alive
   * while any `subarray` of it is in use.
   * @example const W = k.alloc('float32', 784 * 50) // Float32Array (784*50,), zeros
   */
  alloc(dtype: 'float32', length: number): Float32Array;
  alloc(dtype: 'float64', length: number): Float64Array;
  alloc(dtype: 'int32', length: number): Int32Array;
  alloc(dtype: KernelDType, length: number): FloatArray | Int32Array;

  /**
   * Returns an array from {@link Kernels.alloc} to the backend at once; the array must not be used
   * afterwards. A no-op for arrays the backend did not allocate.
   * @example k.free(W)
   */
  free(array: FloatArray | Int32Array): void;

  /**
   * Whether the kernels read and write `array` in place, without copies (see {@link Kernels.alloc}).
   * @example k.isResident(k.alloc('float32', 10)) // true for WASM with shared memory
   */
  isResident(array: FloatArray | Int32Array): boolean;
}
