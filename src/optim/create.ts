/**
 * `createOptimizer`: an optimizer by name, as the book's Trainer picks one
 * (`optimizer_class_dict[optimizer.lower()](**optimizer_param)`).
 */
import { AdaGrad } from './adagrad.js';
import { Adam } from './adam.js';
import { Momentum } from './momentum.js';
import { Nesterov } from './nesterov.js';
import { OPTIMIZER_NAMES, type Optimizer, type OptimizerName } from './optimizer.js';
import { RMSprop } from './rmsprop.js';
import { SGD } from './sgd.js';

/** Every optimizer's options together; each optimizer accepts only its own (others are an error). */
export interface OptimizerOptions {
  /** Learning rate (all optimizers). */
  lr?: number;
  /** Momentum coefficient (Momentum, Nesterov). */
  momentum?: number;
  /** Decay rate (RMSprop; the book's `decay_rate`). */
  decayRate?: number;
  /** First-moment decay (Adam). */
  beta1?: number;
  /** Second-moment decay (Adam). */
  beta2?: number;
}

/**
 * Makes an optimizer from its name, case-insensitively (`'SGD'`, `'sgd'`, `'Adam'`, ...), with the
 * book's defaults for the options not given.
 * @param name one of 'sgd', 'momentum', 'nesterov', 'adagrad', 'rmsprop', 'adam' (any case)
 * @param options the optimizer's options; an option it does not have is an error
 * @example createOptimizer('Adam', { lr: 0.001 })
 * @example createOptimizer('momentum')  // lr 0.01, momentum 0.9
 * @throws for an unknown name, listing the allowed names
 */
export function createOptimizer(name: OptimizerName | string, options: OptimizerOptions = {}): Optimizer {
  if (typeof name !== 'string') {
    throw new TypeError(`createOptimizer: name: expected a string, got ${String(name)}`);
  }
  const key = name.toLowerCase() as OptimizerName;
  switch (key) {
    case 'sgd':
      return new SGD(options);
    case 'momentum':
      return new Momentum(options);
    case 'nesterov':
      return new Nesterov(options);
    case 'adagrad':
      return new AdaGrad(options);
    case 'rmsprop':
      return new RMSprop(options);
    case 'adam':
      return new Adam(options);
    default:
      throw new RangeError(
        `createOptimizer: unknown optimizer '${name}'; expected one of ${OPTIMIZER_NAMES.map((n) => `'${n}'`).join(', ')} (case-insensitive)`,
      );
  }
}
