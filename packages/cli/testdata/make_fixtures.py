"""Writes the NumPy-made files the CLI tests read, and what NumPy says of them.

Run from anywhere: python3 packages/cli/testdata/make_fixtures.py
Outputs go to packages/cli/testdata/numpy/ (checked in). expected.json holds,
for each file, NumPy's own answers: repr(np.load(f)) (or of dict(np.load(f))
for .npz, pickle.load(f) for pickles), the header fields `ndio info --json`
must report, and a few reprs of index expressions.
"""

import io
import json
import os
import pickle
import zipfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "numpy")
os.makedirs(OUT, exist_ok=True)

rng = np.random.default_rng(0)
# The seed's array, at a thousandth of the size.
arr = rng.integers(1, 100, 1_000).reshape(10, 10, 10)


class Evil:
    """Pickles as a call of os.system: the pickle a scanner must flag (never loaded here)."""

    def __reduce__(self):
        return (os.system, ("echo pwned",))


def path(name):
    return os.path.join(OUT, name)


arrays = {
    "seed_small.npy": arr,
    "big_endian.npy": (np.arange(6, dtype=">f4").reshape(2, 3) / 3).astype(">f4"),
    "fortran.npy": np.asfortranarray(np.arange(12, dtype="<i2").reshape(3, 4)),
    "structured.npy": np.array(
        [(1, 2.5, b"ab"), (3, -1.0, b"c")],
        dtype=[("x", "<i4"), ("y", ">f8"), ("s", "S2")],
    ),
    "unicode.npy": np.array(["héllo", "wörld", ""]),
    "datetime.npy": np.array(["2024-01-01", "2024-06-30"], dtype="M8[D]"),
    "complex.npy": np.array([1 + 2j, -0.5j, np.nan], dtype="<c16"),
    "bool.npy": np.array([[True, False], [False, True]]),
    "scalar.npy": np.array(3.5),
    "empty.npy": np.zeros((0, 3)),
    "floats.npy": np.array([0.1, -0.0, np.nan, np.inf, 1e-310, 1e20, 2.5]),
    "summarized.npy": np.arange(2000, dtype="<i2").reshape(40, 50),
    "objects.npy": np.array([1, "two", [3]], dtype=object),
    "evil_objects.npy": np.array([Evil()], dtype=object),
}
for name, a in arrays.items():
    np.save(path(name), a)

# An .npy cut short: the header promises more data than the file has.
with open(path("seed_small.npy"), "rb") as f:
    whole = f.read()
with open(path("truncated.npy"), "wb") as f:
    f.write(whole[:-8])

np.savez(path("arrays.npz"), arr, np.arange(5.0))
np.savez_compressed(path("compressed.npz"), arr, np.arange(5.0))
np.savez(
    path("named.npz"),
    temperature=np.linspace(0, 1, 60).reshape(3, 4, 5),
    pressure=np.array([1, 2, 3], dtype=">u2"),
)
np.savez(path("one.npz"), np.arange(3))
np.savez(path("objects.npz"), a=np.array([None, {"k": 1}], dtype=object), b=np.arange(3))
np.savez(path("evil_objects.npz"), ok=np.arange(2), bad=np.array([Evil()], dtype=object))

data = {
    "array": arr,
    "description": "A million random integers",
    "list": [5.4, 9.1, 3.4],
    "another_array": np.arange(5.0),
}
with open(path("data.pkl"), "wb") as f:
    pickle.dump(data, f, protocol=4)
for protocol in (2, 4, 5):
    with open(path(f"arr_p{protocol}.pkl"), "wb") as f:
        pickle.dump(arr, f, protocol=protocol)
with open(path("nested.pkl"), "wb") as f:
    pickle.dump([{"x": np.arange(3, dtype="<i4")}, (np.eye(2), "t"), {1, 2}, b"\x00b", None, 2**70], f, protocol=4)
with open(path("evil.pkl"), "wb") as f:
    pickle.dump({"payload": Evil(), "fine": np.arange(2)}, f, protocol=4)

np.savetxt(
    path("arr-txt.tsv"),
    arr.reshape(100, 10),
    delimiter="\t",
    fmt="%d",
    header="Original shape: (10, 10, 10)",
    comments="# ",
)
np.savetxt(path("floats.csv"), np.array([[1.5, -2.0], [3.25, 1e-3]]), delimiter=",")


def descr_json(dtype):
    return json.loads(json.dumps(np.lib.format.dtype_to_descr(dtype)))


def read_header(f):
    version = np.lib.format.read_magic(f)
    if version == (1, 0):
        return np.lib.format.read_array_header_1_0(f)
    return np.lib.format.read_array_header_2_0(f)


def npy_info(file):
    with open(file, "rb") as f:
        shape, fortran, dtype = read_header(f)
    return {
        "name": None,
        "dtype": dtype.str,
        "descr": descr_json(dtype),
        "shape": list(shape),
        "fortran_order": fortran,
    }


expected = {}
for name in sorted(os.listdir(OUT)):
    file = path(name)
    entry = {}
    if name.endswith(".npy") and name != "truncated.npy":
        entry["info"] = {"format": "npy", "arrays": [npy_info(file)]}
        if "objects" not in name:
            entry["repr"] = repr(np.load(file))
    elif name.endswith(".npz"):
        infos = []
        with zipfile.ZipFile(file) as z:
            for member in z.namelist():
                with z.open(member) as f:
                    shape, fortran, dtype = read_header(f)
                infos.append({
                    "name": member[:-4],
                    "dtype": dtype.str,
                    "descr": descr_json(dtype),
                    "shape": list(shape),
                    "fortran_order": fortran,
                })
        entry["info"] = {"format": "npz", "arrays": infos}
        if "objects" not in name:
            entry["repr"] = repr(dict(np.load(file)))
    elif name.endswith(".pkl") and name != "evil.pkl":
        with open(file, "rb") as f:
            entry["repr"] = repr(pickle.load(f))
    if entry:
        expected[name] = entry

expected["index"] = {
    expression: repr(arr[eval(f"np.s_[{expression}]")])
    for expression in ["2:6, 4, 3:4", "::-1, 0, ::3", "..., -1", "5", "1:3, None, 2", "-1, -1, -1"]
}
expected["summarized_threshold"] = {}
big = arrays["summarized.npy"]
with np.printoptions(threshold=3000):
    expected["summarized_threshold"]["3000"] = repr(big)
with np.printoptions(threshold=10):
    expected["summarized_threshold"]["10"] = repr(big[:2, :3])

with open(path("expected.json"), "w", encoding="utf-8") as f:
    json.dump(expected, f, indent=1, ensure_ascii=False, sort_keys=True)
    f.write("\n")
