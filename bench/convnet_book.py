#!/usr/bin/env python3
"""The book's SimpleConvNet trained with Adam, timed per step and per layer: the numpy side of
bench/convnet.ts (which writes the data and reads the JSON this prints).

The code below is copied from "Deep Learning from Scratch" (oreilly-japan/deep-learning-from-scratch,
MIT license: common/util.py im2col/col2im, common/layers.py Convolution and Pooling, ch07/simple_convnet.py),
shortened only where marked (no save/load, no numerical gradient); the book's other layers (Affine, Relu,
SoftmaxWithLoss) and Adam are imported from bench/book/ (layers.py, optimizer.py).

Usage: python3 bench/convnet_book.py X.f32 T.i32 N C H W STEPS BATCH SEED [WARMUP]
  X.f32: N*C*H*W float32 images (C order); T.i32: N int32 labels. Batch i is samples
  [(i*BATCH) % N, ...+BATCH) (N a multiple of BATCH). Weights: np.random.seed(SEED), as the book.
Prints one JSON object: seconds per step, losses, and the time per layer (forward, backward).
"""
import json
import os
import sys
import time
from collections import OrderedDict

import numpy as np

# the book's common/ code, kept verbatim in bench/book/ (functions.py, layers.py, optimizer.py)
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), 'book'))
from layers import Affine, Relu, SoftmaxWithLoss  # noqa: E402
from optimizer import Adam  # noqa: E402


# ---------------------------------------------------------------- common/util.py
def im2col(input_data, filter_h, filter_w, stride=1, pad=0):
    N, C, H, W = input_data.shape
    out_h = (H + 2*pad - filter_h)//stride + 1
    out_w = (W + 2*pad - filter_w)//stride + 1

    img = np.pad(input_data, [(0, 0), (0, 0), (pad, pad), (pad, pad)], 'constant')
    col = np.zeros((N, C, filter_h, filter_w, out_h, out_w))

    for y in range(filter_h):
        y_max = y + stride*out_h
        for x in range(filter_w):
            x_max = x + stride*out_w
            col[:, :, y, x, :, :] = img[:, :, y:y_max:stride, x:x_max:stride]

    col = col.transpose(0, 4, 5, 1, 2, 3).reshape(N*out_h*out_w, -1)
    return col


def col2im(col, input_shape, filter_h, filter_w, stride=1, pad=0):
    N, C, H, W = input_shape
    out_h = (H + 2*pad - filter_h)//stride + 1
    out_w = (W + 2*pad - filter_w)//stride + 1
    col = col.reshape(N, out_h, out_w, C, filter_h, filter_w).transpose(0, 3, 4, 5, 1, 2)

    img = np.zeros((N, C, H + 2*pad + stride - 1, W + 2*pad + stride - 1))
    for y in range(filter_h):
        y_max = y + stride*out_h
        for x in range(filter_w):
            x_max = x + stride*out_w
            img[:, :, y:y_max:stride, x:x_max:stride] += col[:, :, y, x, :, :]

    return img[:, :, pad:H + pad, pad:W + pad]


class Convolution:
    def __init__(self, W, b, stride=1, pad=0):
        self.W = W
        self.b = b
        self.stride = stride
        self.pad = pad
        self.x = None
        self.col = None
        self.col_W = None
        self.dW = None
        self.db = None

    def forward(self, x):
        FN, C, FH, FW = self.W.shape
        N, C, H, W = x.shape
        out_h = 1 + int((H + 2*self.pad - FH) / self.stride)
        out_w = 1 + int((W + 2*self.pad - FW) / self.stride)

        col = im2col(x, FH, FW, self.stride, self.pad)
        col_W = self.W.reshape(FN, -1).T

        out = np.dot(col, col_W) + self.b
        out = out.reshape(N, out_h, out_w, -1).transpose(0, 3, 1, 2)

        self.x = x
        self.col = col
        self.col_W = col_W
        return out

    def backward(self, dout):
        FN, C, FH, FW = self.W.shape
        dout = dout.transpose(0, 2, 3, 1).reshape(-1, FN)

        self.db = np.sum(dout, axis=0)
        self.dW = np.dot(self.col.T, dout)
        self.dW = self.dW.transpose(1, 0).reshape(FN, C, FH, FW)

        dcol = np.dot(dout, self.col_W.T)
        dx = col2im(dcol, self.x.shape, FH, FW, self.stride, self.pad)
        return dx


class Pooling:
    def __init__(self, pool_h, pool_w, stride=1, pad=0):
        self.pool_h = pool_h
        self.pool_w = pool_w
        self.stride = stride
        self.pad = pad
        self.x = None
        self.arg_max = None

    def forward(self, x):
        N, C, H, W = x.shape
        out_h = int(1 + (H - self.pool_h) / self.stride)
        out_w = int(1 + (W - self.pool_w) / self.stride)

        col = im2col(x, self.pool_h, self.pool_w, self.stride, self.pad)
        col = col.reshape(-1, self.pool_h*self.pool_w)

        arg_max = np.argmax(col, axis=1)
        out = np.max(col, axis=1)
        out = out.reshape(N, out_h, out_w, C).transpose(0, 3, 1, 2)

        self.x = x
        self.arg_max = arg_max
        return out

    def backward(self, dout):
        dout = dout.transpose(0, 2, 3, 1)

        pool_size = self.pool_h * self.pool_w
        dmax = np.zeros((dout.size, pool_size))
        dmax[np.arange(self.arg_max.size), self.arg_max.flatten()] = dout.flatten()
        dmax = dmax.reshape(dout.shape + (pool_size,))

        dcol = dmax.reshape(dmax.shape[0] * dmax.shape[1] * dmax.shape[2], -1)
        dx = col2im(dcol, self.x.shape, self.pool_h, self.pool_w, self.stride, self.pad)
        return dx


# ---------------------------------------------------------------- ch07/simple_convnet.py
class SimpleConvNet:
    def __init__(self, input_dim=(1, 28, 28),
                 conv_param={'filter_num': 30, 'filter_size': 5, 'pad': 0, 'stride': 1},
                 hidden_size=100, output_size=10, weight_init_std=0.01):
        filter_num = conv_param['filter_num']
        filter_size = conv_param['filter_size']
        filter_pad = conv_param['pad']
        filter_stride = conv_param['stride']
        input_size = input_dim[1]
        conv_output_size = (input_size - filter_size + 2*filter_pad) / filter_stride + 1
        pool_output_size = int(filter_num * (conv_output_size/2) * (conv_output_size/2))

        self.params = {}
        self.params['W1'] = weight_init_std * \
            np.random.randn(filter_num, input_dim[0], filter_size, filter_size)
        self.params['b1'] = np.zeros(filter_num)
        self.params['W2'] = weight_init_std * \
            np.random.randn(pool_output_size, hidden_size)
        self.params['b2'] = np.zeros(hidden_size)
        self.params['W3'] = weight_init_std * \
            np.random.randn(hidden_size, output_size)
        self.params['b3'] = np.zeros(output_size)

        self.layers = OrderedDict()
        self.layers['Conv1'] = Convolution(self.params['W1'], self.params['b1'],
                                           conv_param['stride'], conv_param['pad'])
        self.layers['Relu1'] = Relu()
        self.layers['Pool1'] = Pooling(pool_h=2, pool_w=2, stride=2)
        self.layers['Affine1'] = Affine(self.params['W2'], self.params['b2'])
        self.layers['Relu2'] = Relu()
        self.layers['Affine2'] = Affine(self.params['W3'], self.params['b3'])

        self.last_layer = SoftmaxWithLoss()

    def predict(self, x):
        for layer in self.layers.values():
            x = layer.forward(x)
        return x

    def loss(self, x, t):
        y = self.predict(x)
        return self.last_layer.forward(y, t)

    def gradient(self, x, t):
        self.loss(x, t)
        dout = 1
        dout = self.last_layer.backward(dout)
        layers = list(self.layers.values())
        layers.reverse()
        for layer in layers:
            dout = layer.backward(dout)
        grads = {}
        grads['W1'], grads['b1'] = self.layers['Conv1'].dW, self.layers['Conv1'].db
        grads['W2'], grads['b2'] = self.layers['Affine1'].dW, self.layers['Affine1'].db
        grads['W3'], grads['b3'] = self.layers['Affine2'].dW, self.layers['Affine2'].db
        return grads


# ---------------------------------------------------------------- timing (not the book's)
def timed(name, layer, profile):
    """Wraps a layer's forward and backward to add their seconds to profile[name]."""
    f, b = layer.forward, layer.backward
    profile[name] = {'forward': 0.0, 'backward': 0.0}

    def forward(*args):
        t0 = time.perf_counter()
        out = f(*args)
        profile[name]['forward'] += time.perf_counter() - t0
        return out

    def backward(*args):
        t0 = time.perf_counter()
        out = b(*args)
        profile[name]['backward'] += time.perf_counter() - t0
        return out

    layer.forward, layer.backward = forward, backward


def main():
    xp, tp, n, c, h, w, steps, batch, seed = sys.argv[1:10]
    warmup = int(sys.argv[10]) if len(sys.argv) > 10 else 2
    n, c, h, w, steps, batch = int(n), int(c), int(h), int(w), int(steps), int(batch)
    x = np.fromfile(xp, dtype=np.float32).reshape(n, c, h, w)
    t = np.fromfile(tp, dtype=np.int32).astype(np.int64)
    np.random.seed(int(seed))
    net = SimpleConvNet(input_dim=(c, h, w))
    opt = Adam(lr=0.001)
    profile = {}
    for name, layer in net.layers.items():
        timed(name, layer, profile)
    timed('SoftmaxWithLoss', net.last_layer, profile)
    times, losses, update = [], [], 0.0
    for i in range(warmup + steps):
        if i == warmup:
            for p in profile.values():
                p['forward'] = p['backward'] = 0.0
            update = 0.0
        s = (i * batch) % n
        xb, tb = x[s:s + batch], t[s:s + batch]
        t0 = time.perf_counter()
        grads = net.gradient(xb, tb)
        t1 = time.perf_counter()
        opt.update(net.params, grads)
        t2 = time.perf_counter()
        if i >= warmup:
            times.append(t2 - t0)
            update += t2 - t1
            losses.append(float(net.last_layer.loss))
    for p in profile.values():
        p['forward'] /= steps
        p['backward'] /= steps
    print(json.dumps({'numpy': np.__version__, 'times': times, 'losses': losses, 'profile': profile,
                      'update': update / steps}))


if __name__ == '__main__':
    main()
