"""numpy reference for scratchnet's chapters 4-6: the book's own code (functions.py, layers.py,
gradient.py, optimizer.py, two_layer_net.py, multi_layer_net.py, trainer.py in this folder) trained on
the embedded digits that `bench/book/compare.ts` dumps to `bench/book/.cache/` (the same 8,000/2,000
split as scratchnet's `loadMnist()`), with the same seed and hyperparameters.

Experiments (each starts with `np.random.seed(seed)`, so the initial weights and every mini-batch
equal scratchnet's after `random.seed(seed)`):
  a  TwoLayerNet(784, 50, 10), chapter 5 settings: batch 100, SGD lr 0.1, the book's
     ch05/train_neuralnet.py loop (one-hot labels, accuracy on the full sets at each epoch)
  b  MultiLayerNet(784, [100, 100, 100], 10) (ReLU, He init) with the book's Trainer:
     Adam lr 0.001, batch 100, epochs = iters / 80, evaluate_sample_num_per_epoch = 1000

The book's load_mnist(normalize=True) is reproduced: images `astype(np.float32) / 255.0`, one-hot
labels float64; the weights are float64 as in the book.

Usage: python3 bench/book/train_reference.py [--iters 2000] [--seed 0] [--experiments a,b]
       [--data bench/book/.cache]
Prints progress to stderr and one JSON object per experiment on stdout (read by compare.ts).
"""
import argparse
import hashlib
import json
import os
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from multi_layer_net import MultiLayerNet  # noqa: E402
from trainer import Trainer  # noqa: E402
from two_layer_net import TwoLayerNet  # noqa: E402


def sha256(a):
    return hashlib.sha256(np.ascontiguousarray(a).tobytes()).hexdigest()


def load_mnist(data_dir, normalize=True, one_hot_label=False):
    """The book's load_mnist on the dumped embedded digits: ((x_train, t_train), (x_test, t_test))."""
    d = {k: np.load(os.path.join(data_dir, k + '.npy')) for k in ('x_train', 't_train', 'x_test', 't_test')}
    if normalize:
        for k in ('x_train', 'x_test'):
            d[k] = d[k].astype(np.float32)
            d[k] /= 255.0
    if one_hot_label:
        for k in ('t_train', 't_test'):
            T = np.zeros((d[k].size, 10))
            for idx, row in enumerate(T):
                row[d[k][idx]] = 1
            d[k] = T
    return (d['x_train'], d['t_train']), (d['x_test'], d['t_test'])


class RecordingChoice:
    """Wraps np.random.choice to add up every drawn index (a fingerprint of the batch stream)."""

    def __init__(self):
        self.index_sum = 0
        self.first = None
        self._orig = np.random.choice

    def __enter__(self):
        def choice(*args, **kwargs):
            r = self._orig(*args, **kwargs)
            if self.first is None:
                self.first = [int(v) for v in r[:5]]
            self.index_sum += int(r.sum())
            return r

        np.random.choice = choice
        return self

    def __exit__(self, *exc):
        np.random.choice = self._orig


def experiment_a(data_dir, iters, seed):
    (x_train, t_train), (x_test, t_test) = load_mnist(data_dir, normalize=True, one_hot_label=True)
    np.random.seed(seed)
    network = TwoLayerNet(input_size=784, hidden_size=50, output_size=10)
    init_w1 = sha256(network.params['W1'])

    train_size = x_train.shape[0]
    batch_size = 100
    learning_rate = 0.1
    train_loss_list, train_acc_list, test_acc_list = [], [], []
    iter_per_epoch = max(train_size / batch_size, 1)

    step_seconds = 0.0
    step_cpu = 0.0
    with RecordingChoice() as rec:
        for i in range(iters):
            start = time.perf_counter()
            cpu_start = time.process_time()
            batch_mask = np.random.choice(train_size, batch_size)
            x_batch = x_train[batch_mask]
            t_batch = t_train[batch_mask]
            grad = network.gradient(x_batch, t_batch)
            for key in ('W1', 'b1', 'W2', 'b2'):
                network.params[key] -= learning_rate * grad[key]
            loss = network.loss(x_batch, t_batch)
            step_seconds += time.perf_counter() - start
            step_cpu += time.process_time() - cpu_start
            train_loss_list.append(float(loss))
            if i % iter_per_epoch == 0:
                train_acc = network.accuracy(x_train, t_train)
                test_acc = network.accuracy(x_test, t_test)
                train_acc_list.append(float(train_acc))
                test_acc_list.append(float(test_acc))
                print('a', i, train_acc, test_acc, file=sys.stderr)
    return {
        'experiment': 'a',
        'steps': iters,
        'trainAcc': float(network.accuracy(x_train, t_train)),
        'testAcc': float(network.accuracy(x_test, t_test)),
        'secondsPerStep': step_seconds / max(iters, 1),
        'cpuSecondsPerStep': step_cpu / max(iters, 1),
        'trainAccList': train_acc_list,
        'testAccList': test_acc_list,
        'lossFirst': train_loss_list[:3],
        'lossLast': train_loss_list[-1] if train_loss_list else None,
        'initW1Sha256': init_w1,
        'firstBatch': rec.first,
        'batchIndexSum': rec.index_sum,
        'xTrainSha256': sha256(x_train),
    }


def experiment_b(data_dir, iters, seed):
    (x_train, t_train), (x_test, t_test) = load_mnist(data_dir, normalize=True)
    np.random.seed(seed)
    network = MultiLayerNet(input_size=784, hidden_size_list=[100, 100, 100], output_size=10)
    init_w1 = sha256(network.params['W1'])
    iter_per_epoch = max(x_train.shape[0] / 100, 1)
    trainer = Trainer(network, x_train, t_train, x_test, t_test,
                      epochs=iters / iter_per_epoch, mini_batch_size=100,
                      optimizer='adam', optimizer_param={'lr': 0.001},
                      evaluate_sample_num_per_epoch=1000, verbose=False)
    with RecordingChoice() as rec:
        start = time.perf_counter()
        cpu_start = time.process_time()
        trainer.train()
        seconds = time.perf_counter() - start
        cpu_seconds = time.process_time() - cpu_start
    return {
        'experiment': 'b',
        'steps': trainer.max_iter,
        'trainAcc': float(network.accuracy(x_train, t_train)),
        'testAcc': float(network.accuracy(x_test, t_test)),
        'secondsPerStep': seconds / max(trainer.max_iter, 1),
        'cpuSecondsPerStep': cpu_seconds / max(trainer.max_iter, 1),
        'trainAccList': [float(v) for v in trainer.train_acc_list],
        'testAccList': [float(v) for v in trainer.test_acc_list],
        'lossFirst': [float(v) for v in trainer.train_loss_list[:3]],
        'lossLast': float(trainer.train_loss_list[-1]) if trainer.train_loss_list else None,
        'initW1Sha256': init_w1,
        'firstBatch': rec.first,
        'batchIndexSum': rec.index_sum,
        'xTrainSha256': sha256(x_train),
    }


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--iters', type=int, default=2000)
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--experiments', default='a,b')
    p.add_argument('--data', default=os.path.join(HERE, '.cache'))
    args = p.parse_args()
    if not os.path.exists(os.path.join(args.data, 'x_train.npy')):
        sys.exit(f'no dumped digits in {args.data}: run `npx tsx bench/book/compare.ts` (it writes them) first')
    runs = {'a': experiment_a, 'b': experiment_b}
    for name in args.experiments.split(','):
        result = runs[name](args.data, args.iters, args.seed)
        result['numpy'] = np.__version__
        print(json.dumps(result), flush=True)


if __name__ == '__main__':
    main()
