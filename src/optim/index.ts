/**
 * Optimizers: the book's SGD, Momentum, Nesterov, AdaGrad, RMSprop and Adam, updating parameters
 * in place, with serialisable state.
 */
export { AdaGrad, type AdaGradOptions } from './adagrad.js';
export { Adam, type AdamOptions } from './adam.js';
export { createOptimizer, type OptimizerOptions } from './create.js';
export { Momentum, type MomentumOptions } from './momentum.js';
export { Nesterov, type NesterovOptions } from './nesterov.js';
export { OPTIMIZER_NAMES, type Optimizer, type OptimizerName, type OptimizerState } from './optimizer.js';
export { RMSprop, type RMSpropOptions } from './rmsprop.js';
export { SGD, type SGDOptions } from './sgd.js';
