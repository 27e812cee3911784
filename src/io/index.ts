/**
 * Model files (safetensors with the architecture in the header), checkpoints and ONNX export:
 * the browser-safe parts, working on bytes. The file functions (`saveParams`, `loadParams`,
 * `writeCheckpoint`, `readCheckpoint`, `exportOnnx`, `atomicWriteFile`) are in `./node.ts`,
 * exported through `scratchnet/node`.
 * @example
 * import { decodeSafetensors, networkFromSerialized } from 'scratchnet';
 * const net = networkFromSerialized(decodeSafetensors(new Uint8Array(await file.arrayBuffer())));
 * @module
 */
export {
  architectureOf,
  type BuildNetworkOptions,
  buildNetwork,
  ModelFileError,
  type ModelKind,
  type NetArchitecture,
  parseArchitecture,
  type SerializableNet,
} from './architecture.js';
export {
  type Checkpoint,
  type CheckpointInput,
  type DecodeCheckpointOptions,
  decodeCheckpoint,
  encodeCheckpoint,
} from './checkpoint.js';
export {
  describeSerialized,
  type ExtraMetadata,
  type ModelDescription,
  networkFromSerialized,
  SCRATCHNET_VERSION,
  type SerializedModel,
  serializeNetwork,
  type TensorDescription,
} from './model.js';
export { type EncodeOnnxOptions, encodeOnnx, ONNX_IR_VERSION, ONNX_OPSET } from './onnx.js';
export {
  type DecodedSafetensors,
  type DecodeSafetensorsOptions,
  decodeSafetensors,
  encodeSafetensors,
  SAFETENSORS_MAX_HEADER_BYTES,
  SafetensorsError,
} from './safetensors.js';
