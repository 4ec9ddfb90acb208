#!/usr/bin/env python3
"""Writes the size corpus of @ndio/npz: varied arrays, and the size of each
as NumPy's np.savez_compressed deflates it (Python's zlib, level 6).

Usage: python3 packages/npz/testdata/make_size_corpus.py OUT_DIR [CASE...]

Writes OUT_DIR/<case>.npy for every case (or the ones named) and
OUT_DIR/numpy_sizes.json: for each case, the compressed size of its one
member in NumPy's archive and the archive's size. The tests save every
.npy with savezCompressed and compare (packages/npz/size_corpus_test.ts).
Deterministic: the arrays come from fixed seeds.

The cases cover what string matching and Huffman coding see differently:
smooth images (repeats a row apart, at shifts), small or sorted integers in
wide types, mostly-zero data, booleans, periodic data with periods around
zlib's 32 KiB window, random floats, text, structured records — each small
(one piece, under 1 MiB) and large (several 4 MiB pieces).
"""

import json
import os
import sys

import numpy as np

MIB = 1 << 20


def rng(seed):
    return np.random.default_rng(seed)


def gradient_rgb(h, w):
    y, x = np.mgrid[0:h, 0:w]
    r = (x * 255 // max(w - 1, 1)).astype(np.uint8)
    g = (y * 255 // max(h - 1, 1)).astype(np.uint8)
    b = ((x + y) * 255 // max(h + w - 2, 1)).astype(np.uint8)
    return np.stack([r, g, b], axis=-1)


def gradient_wrap(h, w):
    """Rows that repeat with a shift of one: (row + column) mod 256."""
    y, x = np.mgrid[0:h, 0:w]
    return ((x + y) & 255).astype(np.uint8)


def gradient_u16(h, w):
    y, x = np.mgrid[0:h, 0:w]
    return ((x * 37 + y * 11) % 65536).astype(np.uint16)


def smooth_u16(h, w):
    y, x = np.mgrid[0:h, 0:w].astype(np.float64)
    z = 30000 + 20000 * np.sin(x / 97.0) * np.cos(y / 61.0)
    return z.astype(np.uint16)


def smooth_f32(h, w):
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    return (np.sin(x / 50) * np.cos(y / 70)).astype(np.float32)


def noisy_image(h, w, seed):
    img = gradient_rgb(h, w).astype(np.int16)
    img += rng(seed).integers(-3, 4, size=img.shape, dtype=np.int16)
    return np.clip(img, 0, 255).astype(np.uint8)


def small_ints(n, seed):
    return rng(seed).integers(0, 100, size=n, dtype=np.int64)


def sorted_ints(n, seed):
    return np.cumsum(rng(seed).integers(0, 10, size=n, dtype=np.int64))


def sparse(n, seed):
    a = np.zeros(n, dtype=np.float64)
    r = rng(seed)
    idx = r.integers(0, n, size=n // 100)
    a[idx] = r.standard_normal(idx.size)
    return a


def bools(n, seed):
    return rng(seed).random(n) < 0.5


def bool_runs(n, seed):
    """Booleans in runs of random lengths (a mask)."""
    r = rng(seed)
    lengths = r.integers(1, 200, size=n // 50)
    values = np.arange(lengths.size) % 2 == 0
    return np.repeat(values, lengths)[:n]


def periodic(n_bytes, period, seed):
    """A random block of `period` bytes repeated: beyond 32 KiB, zlib's window misses it."""
    block = rng(seed).integers(0, 256, size=period, dtype=np.uint8)
    return np.tile(block, n_bytes // period + 1)[:n_bytes]


def periodic_i32(n, period, seed):
    block = rng(seed).integers(0, 1000, size=period, dtype=np.int32)
    return np.tile(block, n // period + 1)[:n]


def normals(n, seed):
    return rng(seed).standard_normal(n)


def uniform_f32(n, seed):
    return rng(seed).random(n, dtype=np.float32)


def random_bytes(n, seed):
    return rng(seed).integers(0, 256, size=n, dtype=np.uint8)


WORDS = (
    "the of and to in is was for on that with as by at from his her an "
    "which have are were this be not or had has but their one all they "
    "alpha beta gamma delta epsilon zeta theta kappa lambda sigma omega"
).split()


def words(n, seed):
    r = rng(seed)
    return np.array([WORDS[i] for i in r.integers(0, len(WORDS), size=n)])


def text_s(n, seed):
    r = rng(seed)
    a = words(n, seed).astype("S16")
    # Some longer, numbered names.
    a[r.integers(0, n, size=n // 10)] = b"item_%d" % seed
    return a


def text_u(n, seed):
    return words(n, seed + 1).astype("U12")


def records(n, seed):
    r = rng(seed)
    a = np.zeros(n, dtype=[("id", "<i4"), ("x", "<f8"), ("flag", "?"), ("name", "S8")])
    a["id"] = np.arange(n)
    a["x"] = np.round(r.standard_normal(n), 3)
    a["flag"] = r.random(n) < 0.1
    a["name"] = words(n, seed).astype("S8")
    return a


def linspace_f64(n):
    return np.linspace(0.0, 1.0, n)


def seed_like(n):
    """The benchmark's seed data: an arange in int64."""
    return np.arange(n, dtype=np.int64)


CASES = {
    # Smooth images: the case zlib-ng's level 6 is weak on.
    "gradient_rgb_small": lambda: gradient_rgb(256, 256),
    "gradient_rgb_large": lambda: gradient_rgb(1024, 2048),
    "gradient_wrap_small": lambda: gradient_wrap(512, 1024),
    "gradient_wrap_large": lambda: gradient_wrap(4096, 2048),
    "gradient_u16_small": lambda: gradient_u16(256, 512),
    "gradient_u16_large": lambda: gradient_u16(2048, 2048),
    "smooth_u16_small": lambda: smooth_u16(256, 512),
    "smooth_u16_large": lambda: smooth_u16(2048, 2048),
    "smooth_f32_small": lambda: smooth_f32(256, 512),
    "smooth_f32_large": lambda: smooth_f32(2048, 2048),
    "noisy_rgb_small": lambda: noisy_image(256, 256, 1),
    "noisy_rgb_large": lambda: noisy_image(1024, 2048, 2),
    # Integers in wide types.
    "small_ints_small": lambda: small_ints(64_000, 3),
    "small_ints_large": lambda: small_ints(1_200_000, 4),
    "sorted_ints_small": lambda: sorted_ints(64_000, 5),
    "sorted_ints_large": lambda: sorted_ints(1_200_000, 6),
    "arange_small": lambda: seed_like(64_000),
    "arange_large": lambda: seed_like(1_200_000),
    # Mostly zeros, booleans.
    "sparse_small": lambda: sparse(64_000, 7),
    "sparse_large": lambda: sparse(1_200_000, 8),
    "bools_small": lambda: bools(500_000, 9),
    "bools_large": lambda: bools(10_000_000, 10),
    "bool_runs_small": lambda: bool_runs(500_000, 11),
    "bool_runs_large": lambda: bool_runs(10_000_000, 12),
    # Periodic data, periods inside and beyond the 32 KiB window.
    "period_20k_small": lambda: periodic(600_000, 20_000, 13),
    "period_20k_large": lambda: periodic(10 * MIB, 20_000, 14),
    "period_40k_large": lambda: periodic(10 * MIB, 40_000, 15),
    "period_i32_large": lambda: periodic_i32(2_500_000, 7_000, 16),
    # Random floats and bytes.
    "normals_small": lambda: normals(64_000, 17),
    "normals_large": lambda: normals(1_200_000, 18),
    "uniform_f32_large": lambda: uniform_f32(2_500_000, 19),
    "random_bytes_large": lambda: random_bytes(5 * MIB, 20),
    "linspace_large": lambda: linspace_f64(1_200_000),
    # Text and records.
    "text_s_small": lambda: text_s(20_000, 21),
    "text_s_large": lambda: text_s(600_000, 22),
    "text_u_small": lambda: text_u(10_000, 23),
    "text_u_large": lambda: text_u(300_000, 24),
    "records_small": lambda: records(20_000, 25),
    "records_large": lambda: records(600_000, 26),
    # Members of one small piece (under 64 KiB).
    "tiny": lambda: np.arange(10, dtype=np.int16),
    "linspace_16k": lambda: linspace_f64(2_000),
    "records_21k": lambda: records(1_000, 27),
    "gradient_wrap_8k": lambda: gradient_wrap(64, 128),
    "smooth_u16_32k": lambda: smooth_u16(128, 128),
    "normals_8k": lambda: normals(1_000, 28),
}


def main():
    out = sys.argv[1]
    names = sys.argv[2:] or list(CASES)
    os.makedirs(out, exist_ok=True)
    sizes = {}
    for name in names:
        a = CASES[name]()
        np.save(os.path.join(out, name + ".npy"), a)
        path = os.path.join(out, name + ".numpy.npz")
        np.savez_compressed(path, a)
        import zipfile

        with zipfile.ZipFile(path) as z:
            (info,) = z.infolist()
            sizes[name] = {"member": info.compress_size, "file": os.path.getsize(path)}
        os.remove(path)
    with open(os.path.join(out, "numpy_sizes.json"), "w") as f:
        json.dump(sizes, f, indent=1)


if __name__ == "__main__":
    main()
