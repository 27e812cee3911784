// Entry of the kernels module (scripts/build-wasm.mjs compiles this file): everything exported here
// becomes a WebAssembly export. Memory is imported (env.memory) and managed from JavaScript
// (src/kernels/wasm/heap.ts); pointers are byte offsets into it.
export {
  gemm_f32,
  gemm_f64,
  gemm_set_sparse,
  gemm_sparse_count,
  gemm_sparse_reuses,
  gemm_workspace_bytes,
} from './gemm';
export {
  adam_f32,
  adam_f64,
  axpy_f32,
  axpy_f64,
  relu_backward_f32,
  relu_backward_f64,
  relu_f32,
  relu_f64,
  sigmoid_backward_f32,
  sigmoid_backward_f64,
  sigmoid_f32,
  sigmoid_f64,
  softmax_cross_entropy_f32,
  softmax_cross_entropy_f64,
  sum_rows_f32,
  sum_rows_f64,
} from './elementwise';
export { binary_f32, binary_f64 } from './binary';
export { unary_f32, unary_f64 } from './unary';
export { reduce_rows_f32, reduce_rows_f64 } from './reduce';
export { col2im_f32, col2im_f64, im2col_f32, im2col_f64 } from './im2col';
export { max_pool_backward_f32, max_pool_backward_f64, max_pool_f32, max_pool_f64 } from './pool';
export {
  adagrad_f32,
  adagrad_f64,
  momentum_f32,
  momentum_f64,
  nesterov_f32,
  nesterov_f64,
  rmsprop_f32,
  rmsprop_f64,
} from './optim';

/** First byte past the module's static data (the tables of exp and log): the JS heap starts above it. */
export function heap_base(): usize {
  return __heap_base;
}
