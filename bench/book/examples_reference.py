"""The book's chapter 4-6 scripts, run with the book's numpy code (this folder) on the embedded digits
that `npx tsx bench/book/compare.ts` dumps to bench/book/.cache/, printing the same lines as the
scratchnet examples in examples/ (the book's lines plus the examples' summary lines), with the same
seed and defaults. Compare with the example run in float64 (the book's precision):

    npx tsx examples/ch5-train-neuralnet.ts --iters 300 --float64 > /tmp/ts.txt
    python3 bench/book/examples_reference.py ch5-train-neuralnet --iters 300 > /tmp/np.txt
    diff /tmp/ts.txt /tmp/np.txt

Both sides draw everything (weights, mini-batches, dropout masks, the shuffle, the random search)
from one generator seeded the same way (`np.random.seed` / scratchnet's `random.seed`, bit-identical
streams), so the accuracy lines agree; printed losses may differ in the last digits (float64
summation order), and a hyperparameter or weight scale computed with `10 ** x` may differ by one unit
in the last place (JavaScript's `**` versus C's `pow`).

Usage: python3 bench/book/examples_reference.py NAME [--iters N] [--seed S] [--epochs E]
       [--scales all|1,6,11,16] [--lambda L] [--no-dropout] [--loss-lines] [--trials T]
NAME: ch4-train-neuralnet, ch5-gradient-check, ch5-train-neuralnet, ch6-optimizer-compare,
      ch6-weight-init-compare, ch6-batch-norm-test, ch6-overfit-weight-decay, ch6-overfit-dropout,
      ch6-hyperparameter-optimization
"""
import argparse
import contextlib
import io
import math
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from functions import relu, sigmoid  # noqa: E402
from multi_layer_net import MultiLayerNet  # noqa: E402
from multi_layer_net_extend import MultiLayerNetExtend  # noqa: E402
from optimizer import SGD, AdaGrad, Adam, Momentum  # noqa: E402
from train_reference import load_mnist  # noqa: E402
from trainer import Trainer  # noqa: E402
from two_layer_net import TwoLayerNet  # noqa: E402
from two_layer_net_ch4 import TwoLayerNet as TwoLayerNetCh4  # noqa: E402

DATA = os.path.join(HERE, '.cache')


def shuffle_dataset(x, t):
    """The book's common/util.py shuffle_dataset."""
    permutation = np.random.permutation(x.shape[0])
    x = x[permutation, :] if x.ndim == 2 else x[permutation, :, :, :]
    t = t[permutation]
    return x, t


def train_two_layer(net_class, iters, line):
    (x_train, t_train), (x_test, t_test) = load_mnist(DATA, normalize=True, one_hot_label=True)
    network = net_class(input_size=784, hidden_size=50, output_size=10)
    train_size = x_train.shape[0]
    batch_size = 100
    learning_rate = 0.1
    iter_per_epoch = max(train_size / batch_size, 1)
    for i in range(iters):
        batch_mask = np.random.choice(train_size, batch_size)
        x_batch = x_train[batch_mask]
        t_batch = t_train[batch_mask]
        grad = network.gradient(x_batch, t_batch)
        for key in ('W1', 'b1', 'W2', 'b2'):
            network.params[key] -= learning_rate * grad[key]
        network.loss(x_batch, t_batch)
        if i % iter_per_epoch == 0:
            train_acc = network.accuracy(x_train, t_train)
            test_acc = network.accuracy(x_test, t_test)
            print(line(train_acc, test_acc))
    return network.accuracy(x_train, t_train), network.accuracy(x_test, t_test)


def ch4_train_neuralnet(a):
    train_acc, test_acc = train_two_layer(
        TwoLayerNetCh4, a.iters or 4000, lambda tr, te: "train acc, test acc | " + str(tr) + ", " + str(te))
    print("after " + str(a.iters or 4000) + " iterations: train acc, test acc | " + str(train_acc) + ", " + str(test_acc))


def ch5_train_neuralnet(a):
    train_acc, test_acc = train_two_layer(TwoLayerNet, a.iters or 10000, lambda tr, te: str(tr) + " " + str(te))
    print("after " + str(a.iters or 10000) + " iterations: train acc " + str(train_acc) + ", test acc " + str(test_acc))


def ch5_gradient_check(a):
    (x_train, t_train), _ = load_mnist(DATA, normalize=True, one_hot_label=True)
    network = TwoLayerNet(input_size=784, hidden_size=50, output_size=10)
    x_batch = x_train[:3]
    t_batch = t_train[:3]
    grad_numerical = network.numerical_gradient(x_batch, t_batch)
    grad_backprop = network.gradient(x_batch, t_batch)
    diffs = []
    for key in grad_numerical.keys():
        diff = np.average(np.abs(grad_backprop[key] - grad_numerical[key]))
        diffs.append(diff)
        print(key + ":" + str(diff))
    print("largest mean |diff|: " + str(max(diffs)))


def summary(title, networks, train_loss, x_test, t_test):
    print(title)
    for key in networks:
        last = train_loss[key][-100:]
        mean = sum(last) / max(len(last), 1)
        print(f"{key}: loss {mean:.4f}, test acc {networks[key].accuracy(x_test, t_test)}")


def ch6_optimizer_compare(a):
    (x_train, t_train), (x_test, t_test) = load_mnist(DATA, normalize=True)
    train_size = x_train.shape[0]
    batch_size = 128
    max_iterations = a.iters or 2000
    optimizers = {'SGD': SGD(), 'Momentum': Momentum(), 'AdaGrad': AdaGrad(), 'Adam': Adam()}
    networks = {}
    train_loss = {}
    for key in optimizers.keys():
        networks[key] = MultiLayerNet(input_size=784, hidden_size_list=[100, 100, 100, 100], output_size=10)
        train_loss[key] = []
    for i in range(max_iterations):
        batch_mask = np.random.choice(train_size, batch_size)
        x_batch = x_train[batch_mask]
        t_batch = t_train[batch_mask]
        for key in optimizers.keys():
            grads = networks[key].gradient(x_batch, t_batch)
            optimizers[key].update(networks[key].params, grads)
            loss = networks[key].loss(x_batch, t_batch)
            train_loss[key].append(loss)
        if i % 100 == 0:
            print("===========" + "iteration:" + str(i) + "===========")
            for key in optimizers.keys():
                loss = networks[key].loss(x_batch, t_batch)
                print(key + ":" + str(loss))
    summary(f"=========== after {max_iterations} iterations: mean loss of the last 100, test acc ===========",
            networks, train_loss, x_test, t_test)


BARS = ' ▁▂▃▄▅▆▇█'


def text_histogram(a, bins=20):
    values = a.flatten()
    zeros = int(np.sum(values == 0))
    counts = [0] * bins
    for v in values[(values > 0) & (values <= 1)]:
        counts[min(int(math.floor(v * bins)), bins - 1)] += 1
    top = max(max(counts), 1)
    bars = ''.join(' ' if c == 0 else BARS[max(1, int(math.floor(c / top * 8 + 0.5)))] for c in counts)
    return bars, zeros / values.size


def ch6_weight_init_compare(a):
    # weight_init_activation_histogram.py, for the six cases of the book's text
    n = 100
    cases = [('sigmoid, std=1', sigmoid, 1), ('sigmoid, std=0.01', sigmoid, 0.01),
             ('sigmoid, Xavier', sigmoid, np.sqrt(1.0 / n)), ('ReLU, std=0.01', relu, 0.01),
             ('ReLU, Xavier', relu, np.sqrt(1.0 / n)), ('ReLU, He', relu, np.sqrt(2.0 / n))]
    for name, activation, scale in cases:
        print(f"=== activations on [0, 1], {name} ===")
        x = np.random.randn(1000, 100)
        for i in range(5):
            w = np.random.randn(n, n) * scale
            z = activation(np.dot(x, w))
            x = z
            bars, zeros = text_histogram(z)
            zero_share = f", zeros {zeros * 100:.0f} %" if activation is relu else ''
            print(f"  {i + 1}-layer |{bars}| mean {z.mean():.3f}, std {z.std():.3f}{zero_share}")
    # weight_init_compare.py
    (x_train, t_train), (x_test, t_test) = load_mnist(DATA, normalize=True)
    train_size = x_train.shape[0]
    batch_size = 128
    max_iterations = a.iters or 2000
    weight_init_types = {'std=0.01': 0.01, 'Xavier': 'sigmoid', 'He': 'relu'}
    optimizer = SGD(lr=0.01)
    networks = {}
    train_loss = {}
    for key, weight_type in weight_init_types.items():
        networks[key] = MultiLayerNet(input_size=784, hidden_size_list=[100, 100, 100, 100],
                                      output_size=10, weight_init_std=weight_type)
        train_loss[key] = []
    for i in range(max_iterations):
        batch_mask = np.random.choice(train_size, batch_size)
        x_batch = x_train[batch_mask]
        t_batch = t_train[batch_mask]
        for key in weight_init_types.keys():
            grads = networks[key].gradient(x_batch, t_batch)
            optimizer.update(networks[key].params, grads)
            loss = networks[key].loss(x_batch, t_batch)
            train_loss[key].append(loss)
        if i % 100 == 0:
            print("===========" + "iteration:" + str(i) + "===========")
            for key in weight_init_types.keys():
                loss = networks[key].loss(x_batch, t_batch)
                print(key + ":" + str(loss))
    summary(f"=========== after {max_iterations} iterations: mean loss of the last 100, test acc ===========",
            networks, train_loss, x_test, t_test)


def ch6_batch_norm_test(a):
    (x_train, t_train), (x_test, t_test) = load_mnist(DATA, normalize=True)
    x_train = x_train[:1000]
    t_train = t_train[:1000]
    max_epochs = 20
    train_size = x_train.shape[0]
    batch_size = 100
    learning_rate = 0.01

    def __train(weight_init_std):
        bn_network = MultiLayerNetExtend(input_size=784, hidden_size_list=[100, 100, 100, 100, 100], output_size=10,
                                         weight_init_std=weight_init_std, use_batchnorm=True)
        network = MultiLayerNetExtend(input_size=784, hidden_size_list=[100, 100, 100, 100, 100], output_size=10,
                                      weight_init_std=weight_init_std)
        optimizer = SGD(lr=learning_rate)
        train_acc_list = []
        bn_train_acc_list = []
        iter_per_epoch = max(train_size / batch_size, 1)
        epoch_cnt = 0
        for i in range(1000000000):
            batch_mask = np.random.choice(train_size, batch_size)
            x_batch = x_train[batch_mask]
            t_batch = t_train[batch_mask]
            for _network in (bn_network, network):
                grads = _network.gradient(x_batch, t_batch)
                optimizer.update(_network.params, grads)
            if i % iter_per_epoch == 0:
                train_acc = network.accuracy(x_train, t_train)
                bn_train_acc = bn_network.accuracy(x_train, t_train)
                train_acc_list.append(train_acc)
                bn_train_acc_list.append(bn_train_acc)
                print("epoch:" + str(epoch_cnt) + " | " + str(train_acc) + " - " + str(bn_train_acc))
                epoch_cnt += 1
                if epoch_cnt >= max_epochs:
                    break
        return train_acc_list, bn_train_acc_list

    weight_scale_list = np.logspace(0, -4, num=16)
    scales = list(range(1, 17)) if (a.scales or 'all') == 'all' else [int(k) for k in a.scales.split(',')]
    with np.errstate(over='ignore', invalid='ignore'):  # the W:1.0 net without batch norm overflows
        for k in scales:
            w = weight_scale_list[k - 1]
            print("============== " + str(k) + "/16" + " (W:" + str(w) + ") ==============")
            train_acc_list, bn_train_acc_list = __train(w)
            print("W:" + str(w) + ": after " + str(max_epochs) + " epochs, without batch norm "
                  + str(train_acc_list[-1]) + ", with batch norm " + str(bn_train_acc_list[-1]))


def ch6_overfit_weight_decay(a):
    (x_train, t_train), (x_test, t_test) = load_mnist(DATA, normalize=True)
    x_train = x_train[:300]
    t_train = t_train[:300]
    weight_decay_lambda = 0.1 if a.weight_decay is None else a.weight_decay
    network = MultiLayerNet(input_size=784, hidden_size_list=[100, 100, 100, 100, 100, 100], output_size=10,
                            weight_decay_lambda=weight_decay_lambda)
    optimizer = SGD(lr=0.01)
    max_epochs = a.epochs or 201
    train_size = x_train.shape[0]
    batch_size = 100
    train_acc_list = []
    test_acc_list = []
    iter_per_epoch = max(train_size / batch_size, 1)
    epoch_cnt = 0
    for i in range(1000000000):
        batch_mask = np.random.choice(train_size, batch_size)
        x_batch = x_train[batch_mask]
        t_batch = t_train[batch_mask]
        grads = network.gradient(x_batch, t_batch)
        optimizer.update(network.params, grads)
        if i % iter_per_epoch == 0:
            train_acc = network.accuracy(x_train, t_train)
            test_acc = network.accuracy(x_test, t_test)
            train_acc_list.append(train_acc)
            test_acc_list.append(test_acc)
            print("epoch:" + str(epoch_cnt) + ", train acc:" + str(train_acc) + ", test acc:" + str(test_acc))
            epoch_cnt += 1
            if epoch_cnt >= max_epochs:
                break
    train, test = train_acc_list[-1], test_acc_list[-1]
    print(f"weight decay lambda {float(weight_decay_lambda)!r}: final train acc {train}, test acc {test}, "
          f"gap {train - test:.3f}")


class DropLossLines(io.TextIOBase):
    """stdout filter: drops the book Trainer's per-step `train loss:` lines."""

    def __init__(self, out):
        self.out = out
        self.buf = ''

    def write(self, s):
        self.buf += s
        while '\n' in self.buf:
            line, self.buf = self.buf.split('\n', 1)
            if not line.startswith('train loss:'):
                self.out.write(line + '\n')
        return len(s)


def ch6_overfit_dropout(a):
    (x_train, t_train), (x_test, t_test) = load_mnist(DATA, normalize=True)
    x_train = x_train[:300]
    t_train = t_train[:300]
    use_dropout = not a.no_dropout
    dropout_ratio = 0.2
    network = MultiLayerNetExtend(input_size=784, hidden_size_list=[100, 100, 100, 100, 100, 100],
                                  output_size=10, use_dropout=use_dropout, dropout_ration=dropout_ratio)
    trainer = Trainer(network, x_train, t_train, x_test, t_test,
                      epochs=a.epochs or 301, mini_batch_size=100,
                      optimizer='sgd', optimizer_param={'lr': 0.01}, verbose=True)
    out = sys.stdout if a.loss_lines else DropLossLines(sys.stdout)
    with contextlib.redirect_stdout(out):
        trainer.train()
    train, test = trainer.train_acc_list[-1], trainer.test_acc_list[-1]
    what = f"dropout {dropout_ratio!r}" if use_dropout else "no dropout"
    print(f"{what}: last epoch train acc {train}, test acc {test}, gap {train - test:.3f}")


def ch6_hyperparameter_optimization(a):
    (x_train, t_train), (x_test, t_test) = load_mnist(DATA, normalize=True)
    x_train = x_train[:500]
    t_train = t_train[:500]
    validation_rate = 0.20
    validation_num = int(x_train.shape[0] * validation_rate)
    x_train, t_train = shuffle_dataset(x_train, t_train)
    x_val = x_train[:validation_num]
    t_val = t_train[:validation_num]
    x_train = x_train[validation_num:]
    t_train = t_train[validation_num:]

    def __train(lr, weight_decay, epocs=a.epochs or 50):
        network = MultiLayerNet(input_size=784, hidden_size_list=[100, 100, 100, 100, 100, 100],
                                output_size=10, weight_decay_lambda=weight_decay)
        trainer = Trainer(network, x_train, t_train, x_val, t_val,
                          epochs=epocs, mini_batch_size=100,
                          optimizer='sgd', optimizer_param={'lr': lr}, verbose=False)
        trainer.train()
        return trainer.test_acc_list, trainer.train_acc_list

    results_val = {}
    for _ in range(a.trials or 100):
        weight_decay = 10 ** np.random.uniform(-4, -8)
        lr = 10 ** np.random.uniform(-2, -6)
        val_acc_list, train_acc_list = __train(lr, weight_decay)
        print("val acc:" + str(val_acc_list[-1]) + " | lr:" + str(lr) + ", weight decay:" + str(weight_decay))
        key = "lr:" + str(lr) + ", weight decay:" + str(weight_decay)
        results_val[key] = val_acc_list
    print("=========== Hyper-Parameter Optimization Result ===========")
    for i, (key, val_acc_list) in enumerate(sorted(results_val.items(), key=lambda x: x[1][-1], reverse=True)):
        if i >= 20:
            break
        print("Best-" + str(i + 1) + "(val acc:" + str(val_acc_list[-1]) + ") | " + key)


RUNS = {
    'ch4-train-neuralnet': ch4_train_neuralnet,
    'ch5-gradient-check': ch5_gradient_check,
    'ch5-train-neuralnet': ch5_train_neuralnet,
    'ch6-optimizer-compare': ch6_optimizer_compare,
    'ch6-weight-init-compare': ch6_weight_init_compare,
    'ch6-batch-norm-test': ch6_batch_norm_test,
    'ch6-overfit-weight-decay': ch6_overfit_weight_decay,
    'ch6-overfit-dropout': ch6_overfit_dropout,
    'ch6-hyperparameter-optimization': ch6_hyperparameter_optimization,
}


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('name', choices=sorted(RUNS))
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--iters', type=int)
    p.add_argument('--epochs', type=int)
    p.add_argument('--scales')
    p.add_argument('--lambda', dest='weight_decay', type=float)
    p.add_argument('--no-dropout', action='store_true')
    p.add_argument('--loss-lines', action='store_true')
    p.add_argument('--trials', type=int)
    a = p.parse_args()
    if not os.path.exists(os.path.join(DATA, 'x_train.npy')):
        sys.exit(f'no dumped digits in {DATA}: run `npx tsx bench/book/compare.ts` (it writes them) first')
    np.random.seed(a.seed)
    RUNS[a.name](a)


if __name__ == '__main__':
    main()
