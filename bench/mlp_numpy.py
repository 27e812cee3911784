"""The book's MLP training loop in numpy, timed: `bench/mlp.ts` runs this on the same data.

The network is the book's chapter 5 `TwoLayerNet` (layers version, common/layers.py) with `Sigmoid`
in place of `Relu`: Affine(784, 50) -> Sigmoid -> Affine(50, 10) -> SoftmaxWithLoss, float32
parameters (weight_init_std * randn, drawn in float64 and cast), trained by the book's SGD. The layers,
SGD and the net's predict/loss/gradient are imported from bench/book/ (the book's code, verbatim);
only the constructor is defined here. One training step is the book's train_neuralnet.py loop body:

    batch_mask = np.random.choice(train_size, batch_size)
    x_batch = x_train[batch_mask]; t_batch = t_train[batch_mask]
    grad = network.gradient(x_batch, t_batch)
    optimizer.update(network.params, grad)
    loss = network.loss(x_batch, t_batch)

numpy runs as installed: no OPENBLAS_* / OMP_* variables are set or changed. With "one_thread" in
the configuration, the timing is repeated after openblas_set_num_threads(1), called in this process
through OpenBLAS's own API (reported as a separate figure).

Usage: python3 bench/mlp_numpy.py '{"x": "x.f32", "t": "t.i32", "n": 8000, "seed": 0, ...}'
Prints one JSON object: numpy's version, OpenBLAS threads, steps/s per round, the losses.
"""
import ctypes
import glob
import json
import os
import sys
import time

import numpy as np


# the book's common/ code, kept verbatim in bench/book/ (functions.py, layers.py, optimizer.py)
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), 'book'))
from layers import Affine, Sigmoid, SoftmaxWithLoss  # noqa: E402
from optimizer import SGD  # noqa: E402
from two_layer_net import TwoLayerNet as BookTwoLayerNet  # noqa: E402


# ------------------------------------------------------------------ not the book's: ch05's net with Sigmoid
class TwoLayerNet(BookTwoLayerNet):
    """ch05/two_layer_net.py, with Sigmoid instead of Relu and float32 parameters (drawn from `rng`);
    predict, loss and gradient are the book's."""

    def __init__(self, input_size, hidden_size, output_size, weight_init_std=0.01, rng=np.random):
        self.params = {}
        self.params['W1'] = (weight_init_std * rng.randn(input_size, hidden_size)).astype(np.float32)
        self.params['b1'] = np.zeros(hidden_size, dtype=np.float32)
        self.params['W2'] = (weight_init_std * rng.randn(hidden_size, output_size)).astype(np.float32)
        self.params['b2'] = np.zeros(output_size, dtype=np.float32)
        self.layers = {}
        self.layers['Affine1'] = Affine(self.params['W1'], self.params['b1'])
        self.layers['Sigmoid1'] = Sigmoid()
        self.layers['Affine2'] = Affine(self.params['W2'], self.params['b2'])
        self.lastLayer = SoftmaxWithLoss()


# ------------------------------------------------------------------ timing
def openblas():
    """OpenBLAS's thread functions in numpy's bundled library (None where not found)."""
    lib = None
    for path in glob.glob(os.path.join(os.path.dirname(np.__file__), '..', 'numpy.libs', '*openblas*')):
        lib = ctypes.CDLL(path)

    def get(*names):
        return next((getattr(lib, n) for n in names if lib is not None and hasattr(lib, n)), None)

    return (
        get('scipy_openblas_get_num_threads64_', 'openblas_get_num_threads64_', 'openblas_get_num_threads'),
        get('scipy_openblas_set_num_threads64_', 'openblas_set_num_threads64_', 'openblas_set_num_threads'),
    )


def run(cfg, x_train, t_train):
    """Steps/s of each timed round (after `warmup` untimed steps), and the loss after each round."""
    rng = np.random.RandomState(cfg['seed'])
    network = TwoLayerNet(784, 50, 10, weight_init_std=0.01, rng=np.random.RandomState(cfg['seed']))
    optimizer = SGD(lr=cfg['lr'])
    train_size = x_train.shape[0]
    batch_size = cfg['batch']
    losses = []

    def step():
        batch_mask = rng.choice(train_size, batch_size)
        x_batch = x_train[batch_mask]
        t_batch = t_train[batch_mask]
        grad = network.gradient(x_batch, t_batch)
        optimizer.update(network.params, grad)
        return network.loss(x_batch, t_batch)

    first = [float(step()) for _ in range(cfg['check_steps'])]
    for _ in range(cfg['warmup']):
        step()
    rates = []
    for _ in range(cfg['rounds']):
        t0 = time.perf_counter()
        for _ in range(cfg['steps']):
            loss = step()
        rates.append(cfg['steps'] / (time.perf_counter() - t0))
        losses.append(float(loss))
    return {'rates': rates, 'losses': losses, 'first_losses': first}


def main():
    cfg = json.loads(sys.argv[1])
    n = cfg['n']
    x_train = np.fromfile(cfg['x'], dtype=np.float32).reshape(n, 784)
    t_train = np.fromfile(cfg['t'], dtype=np.int32)
    get_threads, set_threads = openblas()
    threads = get_threads() if get_threads else None
    out = {'numpy': np.__version__, 'threads': threads, 'default': run(cfg, x_train, t_train)}
    if cfg.get('one_thread') and set_threads and threads != 1:
        set_threads(1)
        out['one_thread'] = run(cfg, x_train, t_train)
    print(json.dumps(out))


if __name__ == '__main__':
    main()
