"""NumPy's times for the operations of packages/core/ndarray_bench.ts, on the
same shapes, so the two can be compared in one run:

    python3 packages/core/bench/numpy_core.py
    ./deno bench -A packages/core/ndarray_bench.ts
"""
import timeit

import numpy as np

floats = np.arange(1_000_000, dtype="<f8").reshape(1000, 1000)
ints = np.random.default_rng(1).integers(0, 1000, (1000, 1000))
big = floats.astype(">f8")
m200 = np.random.default_rng(2).integers(0, 100, (200, 200)).astype("<f8")
seed = np.random.default_rng(3).integers(1, 100, (100, 100, 100))

cases = {
    "copy: transposed 8 MB to C order": lambda: floats.T.copy(order="C"),
    "tobytes: [::2, ::2] of 8 MB float64": lambda: floats[::2, ::2].tobytes(),
    "copy: C-contiguous 8 MB": lambda: floats.copy(),
    "byteswap: 8 MB float64 to big-endian": lambda: floats.astype(">f8"),
    "big-endian 8 MB to native": lambda: big.astype("=f8"),
    "astype: int64 to float64, 1M": lambda: ints.astype("<f8"),
    "astype: float64 to float32, 1M": lambda: floats.astype("<f4"),
    "astype: float64 to int32, 1M": lambda: floats.astype("<i4"),
    "matmul: 200x200 float64 (BLAS)": lambda: m200 @ m200,
    "matmul: the seed's slices": lambda: seed[2:6, 4, 3:4] @ seed[8:9, 3, 4:8],
    "repr: the seed's arr[:2]": lambda: repr(seed[:2]),
    "repr: 1000 float64": lambda: repr(floats[0]),
}
for name, fn in cases.items():
    runs = timeit.repeat(fn, number=1, repeat=15)
    print(f"{name:45s} median {sorted(runs)[len(runs) // 2] * 1e3:9.3f} ms  min {min(runs) * 1e3:9.3f} ms")
