/**
 * Node-only data helpers (they use the file system, zlib and the network): reading IDX files
 * (plain or `.gz`), loading the full MNIST from a directory and downloading it with checksums.
 *
 * @module
 */
export { DEFAULT_MAX_IDX_BYTES, type ReadIdxFileOptions, readIdxBytes, readIdxFile } from './idx-node.js';
export {
  DEFAULT_MNIST_MIRROR,
  type DownloadedFile,
  type DownloadMnistOptions,
  type DownloadProgress,
  defaultMnistDir,
  downloadMnist,
  type LoadMnistFromDirOptions,
  loadMnistFromDir,
  MNIST_FILES,
  MNIST_GZ_BYTES,
  MNIST_SHA256,
  sha256File,
} from './mnist-node.js';
