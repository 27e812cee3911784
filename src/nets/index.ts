/**
 * The networks of chapters 4 to 6 (layered ones share `LayerNet`).
 * @module
 */

export {
  DEEP_CONV_PARAMS,
  DeepConvNet,
  type DeepConvNetArchitecture,
  type DeepConvNetConfig,
} from './deep-conv-net.js';
export { LayerNet, type NetDType, type NetOptions } from './layer-net.js';
export {
  type Activation,
  MultiLayerNet,
  type MultiLayerNetConfig,
  type MultiLayerNetOptions,
  type WeightInitStd,
} from './multi-layer-net.js';
export {
  MultiLayerNetExtend,
  type MultiLayerNetExtendConfig,
  type MultiLayerNetExtendOptions,
} from './multi-layer-net-extend.js';
export {
  ConvLayerNet,
  type ConvParam,
  type InputDim,
  SimpleConvNet,
  type SimpleConvNetArchitecture,
  type SimpleConvNetConfig,
} from './simple-conv-net.js';
export { TwoLayerNet, type TwoLayerNetConfig, type TwoLayerNetOptions } from './two-layer-net.js';
export { TwoLayerNetSigmoid } from './two-layer-net-sigmoid.js';
