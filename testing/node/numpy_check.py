"""Checks the files the Node.js test wrote (argv[1]) with NumPy; prints
{file: "ok" or what differs} as JSON."""

import io
import json
import os
import sys

import numpy as np

d = sys.argv[1]
report = {}


def check(name, fn):
    try:
        problem = fn()
        report[name] = "ok" if problem is None else problem
    except Exception as e:  # noqa: BLE001 - every failure is reported
        report[name] = f"{type(e).__name__}: {e}"


NPY = {
    "f2": ("<f2", (2, 2), False, "[[0.5, 65504.0], [-1.1920928955078125e-07, 3.0]]"),
    "i8_be": (">i8", (3,), False, "[-9223372036854775808, 1, 2]"),
    "fortran": ("<f8", (2, 3), True, "[[0.0, 2.0, 4.0], [1.0, 3.0, 5.0]]"),
    "records": ([("x", "<i4"), ("y", "<f8")], (2,), False, "[(1, 2.5), (3, -4.0)]"),
    "text": ("<U7", (3,), False, "['ndio', 'runs', 'in node']"),
}


def npy(name, want):
    def run():
        a = np.load(os.path.join(d, f"{name}.npy"))
        got = (a.dtype.str if a.dtype.names is None else a.dtype.descr, a.shape,
               bool(a.flags.f_contiguous and not a.flags.c_contiguous), repr(a.tolist()))
        return None if got == want else f"got {got}"
    return run


for name, want in NPY.items():
    check(f"{name}.npy", npy(name, want))

# savetxt: Node's text is byte for byte np.savetxt's for the same array (sent as .npy).
TEXT = {
    "text_floats.txt": ("text_floats.npy", {}),
    "text_ints.csv": ("text_ints.npy", {"fmt": "%d", "delimiter": ",",
                                        "header": "Original shape: (10, 10, 10)"}),
}


def text(name, source, kwargs):
    def run():
        a = np.load(os.path.join(d, source))
        buf = io.BytesIO()
        np.savetxt(buf, a, **kwargs)
        with open(os.path.join(d, name), "rb") as f:
            ours = f.read()
        if ours != buf.getvalue():
            return f"differs from np.savetxt: {ours[:80]!r} vs {buf.getvalue()[:80]!r}"
        back = np.loadtxt(os.path.join(d, name), delimiter=kwargs.get("delimiter"),
                          dtype=a.dtype)
        return None if np.array_equal(back, a) else "np.loadtxt reads other values"
    return run


for name, (source, kwargs) in TEXT.items():
    check(name, text(name, source, kwargs))


def pickled(name):
    def run():
        import pickle
        with open(os.path.join(d, name), "rb") as f:
            v = pickle.load(f)
        want = {"array": np.arange(6, dtype="<f8").reshape(2, 3), "list": [5.4, 9.1, 3.4],
                "big": 2**70}
        if sorted(v) != sorted(want) or v["list"] != want["list"] or v["big"] != want["big"]:
            return f"got {v!r}"
        a = v["array"]
        return None if a.dtype == want["array"].dtype and np.array_equal(a, want["array"]) \
            else f"got {a!r}"
    return run


for protocol in (2, 5):
    check(f"node.p{protocol}.pkl", pickled(f"node.p{protocol}.pkl"))

# npz: the archives Node wrote (stored, compressed, streamed with data
# descriptors) load in NumPy with the names, dtypes, shapes and values written.
NPZ_WANT = {
    "arr_0": ("<i8", (10, 10, 10)),
    "arr_1": ("<f8", (5,)),
    "label": ("<U1", (1,)),
}


def npz(name):
    def run():
        with np.load(os.path.join(d, name)) as f:
            files = sorted(f.files)
            if files != sorted(NPZ_WANT):
                return f"members {files}"
            for key, (dtype, shape) in NPZ_WANT.items():
                a = f[key]
                if (a.dtype.str, a.shape) != (dtype, shape):
                    return f"{key}: {a.dtype.str} {a.shape}"
            if f["arr_1"].tolist() != [0.0, 1.0, 2.0, 3.0, 4.0] or f["arr_0"].sum() <= 0:
                return "values differ"
        return None
    return run


for name in ("node_stored.npz", "node_compressed.npz", "node_streamed.npz"):
    check(name, npz(name))

json.dump(report, sys.stdout)
