/**
 * Data sets and batching, browser-safe: the embedded MNIST digits, IDX parsing, the spiral toy set,
 * the book's `shuffle_dataset` and a minibatch iterator. Node-only parts (files, downloads) are in
 * `./node.ts`, exported through `scratchnet/node`.
 *
 * @module
 */
export { type BatchesOptions, batches } from './batches.js';
export {
  IDX_MAX_NDIM,
  IdxFormatError,
  type IdxHeader,
  type IdxType,
  isGzip,
  readIdx,
  readIdxHeader,
  writeIdx,
} from './idx.js';
export {
  EMBEDDED_MNIST_SIZE,
  EMBEDDED_MNIST_TRAIN_SIZE,
  type LoadEmbeddedMnistOptions,
  type LoadMnistOptions,
  loadMnist,
  loadMnistSync,
  type MnistData,
  preloadMnist,
} from './mnist.js';
export { gatherRows } from './rows.js';
export { type PermutationSource, shuffleDataset } from './shuffle.js';
export { type SpiralOptions, type SpiralRandom, spiral } from './spiral.js';
