/**
 * Storage for the layers' hot paths: arrays from the active kernels (resident in WebAssembly memory
 * when it is shared, so the WASM kernels read and write them without copies) and layer-owned tensors
 * reused from call to call (no allocation per training step).
 *
 * Reuse is opt-in per layer (`reuseBuffers`): a reused tensor is overwritten by the layer's next
 * call, so a layer only reuses when its owner consumes every output before the next call (the nets
 * do: see `LayerNet`). Buffers that a layer stops using (the batch size changed twice) are not freed
 * explicitly: a caller may still hold them, so they go back to the kernels' allocator when garbage
 * collected (see `Kernels.alloc`).
 * @module
 */
import { getKernels } from '../kernels/select.js';
import type { FloatArray } from '../kernels/types.js';
import type { TypedArray } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';

/** The dtypes the kernels compute in. */
export type FloatDType = 'float32' | 'float64';

/** Whether `dtype` is one the kernels compute in. */
export function isKernelDType(dtype: string): dtype is FloatDType {
  return dtype === 'float32' || dtype === 'float64';
}

/**
 * A zero-filled array of `length` elements from the active kernels' allocator (resident when the
 * WASM backend has shared memory, an ordinary typed array otherwise).
 * @example kernelArray('float32', 784 * 50) // Float32Array (39200,)
 */
export function kernelArray(dtype: FloatDType, length: number): FloatArray {
  const k = getKernels();
  return dtype === 'float32' ? k.alloc('float32', length) : k.alloc('float64', length);
}

/**
 * `t` with its elements in kernel storage (see {@link kernelArray}): a new contiguous tensor with
 * the same values, or `t` itself when it is not float32/float64 or already resident.
 * @example const W = residentCopy(rng.randn(784, 50).mul(0.01)) // same values, resident in WASM memory
 */
export function residentCopy(t: Tensor): Tensor {
  if (!isKernelDType(t.dtype) || getKernels().isResident(t.data as FloatArray)) return t;
  const data = kernelArray(t.dtype, t.size);
  if (t.isContiguous) data.set(t.data.subarray(t.offset, t.offset + t.size));
  else data.set(t.copy().data);
  return new Tensor(data, t.shape, { dtype: t.dtype });
}

/**
 * A tensor's elements in C order as an array starting at element 0, of the tensor's own dtype: its
 * storage when it is contiguous (no copy), else a contiguous copy.
 * @example kernelData(x.T) // a copy; kernelData(x) // x.data (or a subarray from x.offset)
 */
export function kernelData(t: Tensor): FloatArray {
  const src = t.isContiguous ? t : t.copy();
  const d = src.data as FloatArray;
  return src.offset === 0 ? d : d.subarray(src.offset);
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** How many shapes an {@link OutputBuffer} keeps: a training batch, and the two evaluation sets. */
const SLOTS = 3;

/**
 * One output of a layer: a new tensor per call, or, when reusing, a tensor the layer keeps and hands
 * out again while dtype and shape repeat (three shapes are kept, most recently used first, so that
 * the Trainer's steps and its evaluations on the training and test sets allocate nothing either).
 * @example
 * const out = new OutputBuffer(true);
 * const y = out.get('float32', [100, 50]); // the same tensor on every call with this shape
 */
export class OutputBuffer {
  /** The kept tensors, most recently used first. */
  private readonly kept: Tensor[] = [];

  constructor(
    /** Whether tensors are reused (else each call returns a new one). */
    readonly reuse: boolean,
  ) {}

  /**
   * A contiguous tensor of `dtype` and `shape` whose contents are to be overwritten. When reusing,
   * never one whose storage is one of `inputs` (so that a kernel never writes over its own input).
   */
  get(dtype: FloatDType, shape: readonly number[], ...inputs: TypedArray[]): Tensor {
    const kept = this.kept;
    if (this.reuse) {
      for (let i = 0; i < kept.length; i++) {
        const t = kept[i];
        if (t.dtype === dtype && sameShape(t.shape, shape) && !inputs.includes(t.data)) {
          if (i > 0) {
            kept.splice(i, 1);
            kept.unshift(t);
          }
          return t;
        }
      }
    }
    let size = 1;
    for (const d of shape) size *= d;
    const data = this.reuse
      ? kernelArray(dtype, size)
      : dtype === 'float32'
        ? new Float32Array(size)
        : new Float64Array(size);
    const t = new Tensor(data, shape, { dtype });
    if (this.reuse) {
      kept.unshift(t);
      if (kept.length > SLOTS) kept.length = SLOTS;
    }
    return t;
  }

  /** Whether `t` is one of the tensors this buffer hands out (so a caller must copy it to keep it). */
  owns(t: Tensor): boolean {
    return this.reuse && this.kept.includes(t);
  }
}
