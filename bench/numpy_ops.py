"""The numpy side of `npm run bench`: times the same operations on the same data as bench/run.ts.
Reads a JSON list of cases on stdin, prints a JSON object {name: seconds per call} on stdout.
Data comes from np.random.RandomState(seed), which scratchnet's RandomState reproduces bit for bit.
The environment is left as it is (OPENBLAS_* variables untouched), as the issue asks.
"""
import json
import sys
import time

import numpy as np


def numerical_gradient(f, x):
    """The book's common/gradient.py version (np.nditer, in place)."""
    h = 1e-4
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"], op_flags=["readwrite"])
    while not it.finished:
        idx = it.multi_index
        tmp_val = x[idx]
        x[idx] = float(tmp_val) + h
        fxh1 = f(x)
        x[idx] = tmp_val - h
        fxh2 = f(x)
        grad[idx] = (fxh1 - fxh2) / (2 * h)
        x[idx] = tmp_val
        it.iternext()
    return grad


def softmax(x):
    x = x - np.max(x, axis=-1, keepdims=True)
    return np.exp(x) / np.sum(np.exp(x), axis=-1, keepdims=True)


def cross_entropy_error(y, t):
    if y.ndim == 1:
        t = t.reshape(1, t.size)
        y = y.reshape(1, y.size)
    if t.size == y.size:
        t = t.argmax(axis=1)
    batch_size = y.shape[0]
    return -np.sum(np.log(y[np.arange(batch_size), t] + 1e-7)) / batch_size


def data(case, seed):
    rs = np.random.RandomState(seed)
    return rs.randn(*case).astype(np.float64)


def timeit(fn, min_time):
    fn()
    n, total = 0, 0.0
    start = time.perf_counter()
    while total < min_time:
        fn()
        n += 1
        total = time.perf_counter() - start
    return total / n


def main():
    spec = json.load(sys.stdin)
    min_time = spec["minTime"]
    out = {}
    for case in spec["cases"]:
        kind, name = case["kind"], case["name"]
        dtype = np.float32 if case.get("dtype") == "float32" else np.float64
        if kind == "binary":
            a = data(case["a"], 1).astype(dtype)
            b = data(case["b"], 2).astype(dtype)
            op = getattr(np, case["op"])
            out[name] = timeit(lambda: op(a, b), min_time)
        elif kind == "unary":
            a = data(case["a"], 1).astype(dtype)
            op = getattr(np, case["op"])
            out[name] = timeit(lambda: op(a), min_time)
        elif kind == "reduce":
            a = data(case["a"], 1).astype(dtype)
            op = getattr(np, case["op"])
            axis = case.get("axis")
            out[name] = timeit(lambda: op(a, axis=axis), min_time)
        elif kind == "matmul":
            a = data(case["a"], 1).astype(dtype)
            b = data(case["b"], 2).astype(dtype)
            out[name] = timeit(lambda: a @ b, min_time)
        elif kind == "transposed-add":
            a = data(case["a"], 1).astype(dtype)
            out[name] = timeit(lambda: a.T + a.T, min_time)
        elif kind == "numgrad":
            np.random.seed(0)
            W = np.random.randn(2, 3)
            x = np.array([0.6, 0.9])
            t = np.array([0, 0, 1])
            f = lambda _w: cross_entropy_error(softmax(np.dot(x, W)), t)
            out[name] = timeit(lambda: numerical_gradient(f, W), min_time) / (2 * W.size)
        else:
            raise ValueError(kind)
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
