"""The numpy side of `npm run bench`: times the same operations on the same data as bench/run.ts.
Reads a JSON list of cases on stdin, prints a JSON object {name: seconds per call} on stdout.
Data comes from np.random.RandomState(seed), which scratchnet's RandomState reproduces bit for bit.
The environment is left as it is (OPENBLAS_* variables untouched), as the issue asks.
"""
import json
import os
import sys
import time

import numpy as np

# The book's code (common/functions.py, common/gradient.py), from the repository's one copy in bench/book.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), 'book'))
from functions import cross_entropy_error, softmax  # noqa: E402
from gradient import numerical_gradient  # noqa: E402  np.nditer, in place


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
            # a JS-number scalar is a Python float (weak, NEP 50): float32 arrays stay float32
            b = float(case["scalar"]) if "scalar" in case else data(case["b"], 2).astype(dtype)
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
