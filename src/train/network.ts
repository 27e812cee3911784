/**
 * What the Trainer needs from a network: the shape of the book's nets (`TwoLayerNet`,
 * `MultiLayerNet`, `SimpleConvNet`, ...).
 */
import type { Tensor } from '../tensor/tensor.js';

/**
 * A trainable network, as the book's Trainer uses one:
 * - `params`: the parameters by name (`W1`, `b1`, ...). The optimizer updates these tensors in place,
 *   so the network must read its weights from these very tensors (or views of the same memory).
 * - `gradient(x, t)`: the gradient of the loss on the batch, one tensor per key of `params`, each of
 *   its parameter's shape.
 * - `loss(x, t)`: the loss on the batch, a number. (A size-1 Tensor is accepted too.)
 * - `accuracy(x, t)`: the fraction of correct predictions, a number in [0, 1]. (A size-1 Tensor is
 *   accepted too.)
 *
 * A network with a train/test mode (Dropout, BatchNormalization) handles it itself, as the book's
 * `MultiLayerNetExtend` does: `loss` and `gradient` in training mode, `accuracy` in test mode.
 * @example
 * const net: Network = new TwoLayerNet({ inputSize: 784, hiddenSize: 50, outputSize: 10 });
 * const grads = net.gradient(xBatch, tBatch);
 */
export interface Network {
  /** The parameters, updated in place by the optimizer. */
  params: Record<string, Tensor>;
  /** Gradient of the loss with respect to each parameter, on a batch. */
  gradient(x: Tensor, t: Tensor): Record<string, Tensor>;
  /** Loss on a batch. */
  loss(x: Tensor, t: Tensor): number;
  /** Fraction of correct predictions. */
  accuracy(x: Tensor, t: Tensor): number;
}
