#!/usr/bin/env python3
"""Writes the golden .npy fixtures of @ndio/npy with NumPy, and a manifest.

Run from anywhere: python3 packages/npy/testdata/make_fixtures.py
Deterministic: running it twice gives the same files.

Outputs (next to this script):
  golden/*.npy        files written by np.save (or np.lib.format with a forced version)
  golden.json         for each file: descr, dtype.str, shape, fortran_order, version,
                      and the elements as little-endian C-order bytes (hex)
  stream.npy, .json   a file np.save wrote to repeatedly through one handle, and its parts
  tolerant/*.npy      headers NumPy reads but no longer writes (legacy alignment, L suffixes...)
  tolerant.json       for each: the header text, version, alignment and the values np.load gives
  bad/*.npy           malformed files, each expected to fail with a specific error
  bad.json            for each bad file: the error class and code expected
"""

import io
import json
import os
import pickle
import struct

import numpy as np
from numpy.lib import format as npformat

HERE = os.path.dirname(os.path.abspath(__file__))
GOLDEN = os.path.join(HERE, "golden")
BAD = os.path.join(HERE, "bad")
TOLERANT = os.path.join(HERE, "tolerant")


def values_for(dtype, n):
    """n deterministic elements of dtype, covering signs and extremes where it matters."""
    kind = dtype.kind
    if dtype.names is not None:
        out = np.zeros(n, dtype=dtype)
        for k, name in enumerate(dtype.names):
            sub = dtype.fields[name][0]
            field_values = values_for(sub.base, n * max(1, int(np.prod(sub.shape))))
            out[name] = field_values.reshape((n,) + sub.shape)
        return out
    if kind == "b":
        return np.array([(i % 3) == 0 for i in range(n)], dtype=dtype)
    if kind == "i":
        info = np.iinfo(dtype)
        base = [info.min, -1, 0, 1, info.max, 7, -100 if info.bits > 8 else -100, 42]
        return np.array([base[i % len(base)] for i in range(n)], dtype=dtype)
    if kind == "u":
        info = np.iinfo(dtype)
        base = [0, 1, info.max, 200, 7, 42]
        return np.array([base[i % len(base)] for i in range(n)], dtype=dtype)
    if (kind, dtype.itemsize) in (("f", 16), ("c", 32)):
        # x87 long doubles use 10 of every 16 bytes; zero the other 6, which
        # NumPy leaves uninitialised, so the fixtures are deterministic.
        double = np.dtype("f8" if kind == "f" else "c16")
        native = values_for(double, n).astype(dtype.newbyteorder("="))
        raw = native.view(np.uint8).reshape(-1, 16)
        raw[:, 10:] = 0
        return native if dtype.isnative else native.byteswap().view(dtype)
    if kind == "f":
        base = [0.0, -0.0, 1.5, -2.25, np.inf, -np.inf, np.nan, 1e-3, 65504.0, 3.0]
        return np.array([base[i % len(base)] for i in range(n)], dtype=dtype)
    if kind == "c":
        base = [0, 1 + 2j, -1.5 - 0.5j, complex(np.inf, 1), 1j, 2.5]
        return np.array([base[i % len(base)] for i in range(n)], dtype=dtype)
    if kind == "S":
        base = [b"", b"a", b"hello", b"x\x00y", b"\xff\x80"]
        return np.array([base[i % len(base)] for i in range(n)], dtype=dtype)
    if kind == "U":
        base = ["", "a", "h\u00e9", "\u4e2d\u6587", "\U0001f600"]
        return np.array([base[i % len(base)] for i in range(n)], dtype=dtype)
    if kind == "V":
        raw = bytes((i * 37 + 11) % 256 for i in range(n * dtype.itemsize))
        return np.frombuffer(raw, dtype=dtype).copy()
    if kind in "Mm":
        base = [0, 1, -1, 1000000, np.iinfo(np.int64).min, 86400]  # min is NaT
        return np.array(base * n, dtype=np.int64)[:n].view(dtype)
    raise ValueError(dtype)


SIMPLE = [
    "b1", "i1", "u1", "i2", "u2", "i4", "u4", "i8", "u8", "f2", "f4", "f8", "f16",
    "c8", "c16", "c32", "S5", "U3", "V4", "M8[ns]", "M8[D]", "M8[10ms]", "m8[s]", "M8",
]

STRUCTURED = {
    "point": [("x", "<i4"), ("y", ">f8", (2,))],
    "nested": [("id", "<u2"), ("pos", [("x", "<f4"), ("y", "<f4")]), ("tag", "S3")],
    "titled": [(("Title", "name"), "<i2"), ("b", "|u1")],
    "aligned": {"names": ["a", "b"], "formats": ["u1", "<i4"], "align": True},
    "padded": {"names": ["a", "b"], "formats": ["u1", ">i4"], "offsets": [0, 4], "itemsize": 12},
    "subarray2d": [("m", "<f4", (2, 3)), ("flag", "?")],
    "unicode_field": [("\u00e9t\u00e9", "<i4"), ("b", "<f4")],
    "cjk_field": [("\u4e2d", "<i4")],
}


def save(name, array, version=None):
    buffer = io.BytesIO()
    if version is None:
        np.save(buffer, array)
    else:
        npformat.write_array(buffer, array, version=version)
    data = buffer.getvalue()
    with open(os.path.join(GOLDEN, name + ".npy"), "wb") as f:
        f.write(data)
    return data


def describe(name, array, data, version_forced):
    version = data[6]
    elements = np.ascontiguousarray(array)
    if array.dtype.names is None and array.dtype.byteorder == ">":
        elements = elements.byteswap()  # bytes only: no conversion of values
    elements = elements.tobytes(order="C")
    entry = {
        "file": name + ".npy",
        "descr": repr(npformat.dtype_to_descr(array.dtype)),
        "str": array.dtype.str,
        "shape": list(array.shape),
        "fortran_order": bool(array.flags.f_contiguous and not array.flags.c_contiguous),
        "version": version,
        "forced_version": version_forced,
        "elements_le_hex": elements.hex() if array.dtype.names is None else None,
        "elements_hex": np.ascontiguousarray(array).tobytes(order="C").hex(),
        "nbytes": int(array.nbytes),
    }
    if array.dtype.kind in "biu" and array.dtype.names is None:
        entry["values"] = [str(v) for v in np.ascontiguousarray(array).ravel().tolist()]
    return entry


def main():
    os.makedirs(GOLDEN, exist_ok=True)
    os.makedirs(BAD, exist_ok=True)
    for d in (GOLDEN, BAD):
        for f in os.listdir(d):
            os.remove(os.path.join(d, f))
    manifest = []

    def add(name, array, version=None):
        data = save(name, array, version)
        manifest.append(describe(name, array, data, version))

    for code in SIMPLE:
        orders = ["<", ">"]
        probe = np.dtype(code)
        if probe.byteorder == "|":
            orders = [""]
        for order in orders:
            dtype = np.dtype(order + code if order else code)
            tag = code.replace("[", "_").replace("]", "") + {"<": "_le", ">": "_be", "": ""}[order]
            flat = values_for(dtype, 6)
            add(f"{tag}_c", flat.reshape(2, 3))
            add(f"{tag}_f", np.asfortranarray(flat.reshape(2, 3)))
            add(f"{tag}_0d", flat[1:2].reshape(()))
            add(f"{tag}_empty", flat[:0])

    for tag, spec in STRUCTURED.items():
        dtype = np.dtype(spec)
        flat = values_for(dtype, 4)
        add(f"struct_{tag}_c", flat.reshape(2, 2))
        if tag in ("point", "nested"):
            add(f"struct_{tag}_f", np.asfortranarray(flat.reshape(2, 2)))

    # Forced versions, as np.lib.format.write_array(version=...) writes them.
    base = values_for(np.dtype("<f8"), 6).reshape(3, 2)
    for version in [(1, 0), (2, 0), (3, 0)]:
        add(f"version_{version[0]}_f8", base, version)
        add(f"version_{version[0]}_f8_f", np.asfortranarray(base), version)
    add("version_2_point", values_for(np.dtype(STRUCTURED["point"]), 2), (2, 0))
    # np.save itself picks 2.0 for a header over 65535 bytes and 3.0 for a
    # field name outside latin-1.
    wide = np.dtype([(f"f{i:04d}", "u1") for i in range(4000)])
    add("version_2_auto_wide_header", values_for(wide, 2))
    add("version_3_auto_cjk_name", values_for(np.dtype([("\u4e2d\u6587", ">f4"), ("b", "<i2")]), 3))

    # Shapes: 1-D, 3-D, empty in various axes, long first axis (growth spaces).
    add("shape_1d", np.arange(5, dtype="<i2"))
    add("shape_3d_c", np.arange(24, dtype="<i4").reshape(2, 3, 4))
    add("shape_3d_f", np.asfortranarray(np.arange(24, dtype="<i4").reshape(2, 3, 4)))
    add("shape_empty_2d", np.zeros((2, 0), dtype="<f8"))
    add("shape_empty_f", np.asfortranarray(np.zeros((0, 3), dtype=">i8")))
    add("shape_unit_axes", np.arange(3, dtype="u1").reshape(1, 3, 1))
    add("shape_big_dim", np.zeros((12345678901, 0), dtype="<f4"))

    with open(os.path.join(HERE, "golden.json"), "w") as f:
        json.dump(manifest, f, indent=1, ensure_ascii=True)
        f.write("\n")

    # Object array: a pickle after the header (protocol 4, as np.save writes).
    objects = np.array([1, "two", None, [3.5]], dtype=object)
    buffer = io.BytesIO()
    np.save(buffer, objects, allow_pickle=True)
    with open(os.path.join(HERE, "object.npy"), "wb") as f:
        f.write(buffer.getvalue())

    write_stream()
    write_tolerant()
    write_bad()


def write_stream():
    """A file np.save wrote to repeatedly through one handle, and its parts."""
    arrays = [
        np.arange(5, dtype="<i8"),
        np.asfortranarray(np.arange(6, dtype=">f4").reshape(2, 3)),
        np.array("text", dtype="<U4"),
        np.zeros((0, 2), dtype="<c8"),
        values_for(np.dtype(STRUCTURED["nested"]), 3),
        values_for(np.dtype(STRUCTURED["cjk_field"]), 2),
        np.arange(3, dtype=">u2"),
    ]
    parts = []
    with open(os.path.join(HERE, "stream.npy"), "wb") as f:
        for a in arrays:
            start = f.tell()
            np.save(f, a)
            parts.append({"start": start, "end": f.tell(), "str": a.dtype.str,
                          "shape": list(a.shape),
                          "elements_hex": np.ascontiguousarray(a).tobytes(order="C").hex()})
    with open(os.path.join(HERE, "stream.npy"), "rb") as f:
        for a in arrays:
            b = np.load(f)
            assert b.dtype == a.dtype and b.shape == a.shape and b.tobytes() == a.tobytes()
    with open(os.path.join(HERE, "stream.json"), "w") as f:
        json.dump(parts, f, indent=1)
        f.write("\n")


def write_tolerant():
    """Headers NumPy reads but no longer writes: other key orders, no trailing
    comma, double quotes, Python 2 long suffixes, 16-byte alignment (NumPy
    before 1.9, no growth spaces). Each is checked with np.load here."""
    os.makedirs(TOLERANT, exist_ok=True)
    for f in os.listdir(TOLERANT):
        os.remove(os.path.join(TOLERANT, f))
    data = np.arange(6, dtype="<i4").reshape(2, 3)
    cases = [
        ("align16", "{'descr': '<i4', 'fortran_order': False, 'shape': (2, 3), }", 1, 16),
        ("align16_v2", "{'descr': '<i4', 'fortran_order': False, 'shape': (2, 3), }", 2, 16),
        ("long_suffix", "{'descr': '<i4', 'fortran_order': False, 'shape': (2L, 3L), }", 1, 16),
        ("long_suffix_v2", "{'descr': '<i4', 'fortran_order': False, 'shape': (2L, 3L)}", 2, 64),
        ("key_order", "{'shape': (2, 3), 'fortran_order': False, 'descr': '<i4'}", 1, 64),
        ("double_quotes", '{"descr": "<i4", "fortran_order": False, "shape": (2, 3)}', 1, 64),
        ("spacing", "{ 'descr' :'<i4',\t'fortran_order' : False ,'shape':(2,3) ,}", 1, 64),
        ("fortran_key_first",
         "{'fortran_order': True, 'shape': (3, 2), 'descr': '<i4', }", 1, 64),
        ("version_3_plain", "{'descr': '<i4', 'fortran_order': False, 'shape': (2, 3), }", 3, 64),
    ]
    manifest = []
    for name, text, version, align in cases:
        raw = data.tobytes() if "fortran" not in name else data.T.tobytes(order="F")
        blob = header_bytes(text, version, align) + raw
        path = os.path.join(TOLERANT, name + ".npy")
        with open(path, "wb") as f:
            f.write(blob)
        loaded = np.load(path)
        expected = data if "fortran" not in name else data.T
        assert loaded.dtype == expected.dtype and (loaded == expected).all(), name
        manifest.append({"file": name + ".npy", "header": text, "version": version,
                         "align": align, "str": loaded.dtype.str, "shape": list(loaded.shape),
                         "fortran_order": bool(loaded.flags.f_contiguous
                                               and not loaded.flags.c_contiguous),
                         "values": np.ascontiguousarray(loaded).ravel().tolist()})
    with open(os.path.join(HERE, "tolerant.json"), "w") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")


def header_bytes(header_text, version=1, pad_to=64):
    body = header_text.encode("latin1" if version < 3 else "utf8")
    prefix = 10 if version == 1 else 12
    total = prefix + len(body) + 1
    pad = (-total) % pad_to
    body = body + b" " * pad + b"\n"
    length = struct.pack("<H" if version == 1 else "<I", len(body))
    return b"\x93NUMPY" + bytes([version, 0]) + length + body


def write_bad():
    good = io.BytesIO()
    np.save(good, np.arange(6, dtype="<f8").reshape(2, 3))
    good = good.getvalue()
    header_end = good.index(b"\n") + 1
    cases = []

    def bad(name, data, error, code, note):
        with open(os.path.join(BAD, name + ".npy"), "wb") as f:
            f.write(data)
        cases.append({"file": name + ".npy", "error": error, "code": code, "note": note})

    bad("truncated_data", good[:-5], "TruncatedError", "truncated",
        "the data ends 5 bytes early")
    bad("truncated_header", good[:60], "TruncatedError", "truncated",
        "the file ends inside the header")
    bad("truncated_magic", good[:4], "TruncatedError", "truncated",
        "the file ends inside the magic string")
    bad("empty", b"", "TruncatedError", "truncated", "an empty file")
    bad("bad_magic", b"\x93NUMPZ" + good[6:], "MalformedError", "npy-bad-magic",
        "the magic string is wrong")
    bad("not_npy", b"PK\x03\x04" + good[4:], "MalformedError", "npy-bad-magic",
        "a zip signature")
    bad("bad_version", good[:6] + b"\x04\x00" + good[8:], "UnsupportedError",
        "npy-unsupported-version", "version 4.0")
    bad("bad_minor_version", good[:6] + b"\x01\x01" + good[8:], "UnsupportedError",
        "npy-unsupported-version", "version 1.1")
    short = bytearray(good)
    struct.pack_into("<H", short, 8, 40)
    bad("header_length_short", bytes(short), "MalformedError", "npy-bad-header-length",
        "the header length ends the header inside the dict")
    long_ = bytearray(good)
    struct.pack_into("<H", long_, 8, header_end - 10 + 16)
    bad("header_length_long", bytes(long_), "MalformedError", "npy-bad-header-length",
        "the header length runs into the data")
    huge = bytearray(header_bytes("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }", 2))
    struct.pack_into("<I", huge, 8, 2**31)
    bad("header_over_limit", bytes(huge) + b"\0" * 8, "LimitError", "limit-exceeded",
        "the header length is 2**31, over the 1 MiB default limit")
    past = bytearray(good)
    struct.pack_into("<H", past, 8, 60000)
    bad("header_length_past_end", bytes(past), "TruncatedError", "truncated",
        "the header length runs past the end of the file")
    bad("shape_overflow",
        header_bytes("{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 4294967296), }"),
        "OutOfRangeError", "npy-size-overflow", "shape x itemsize overflows 2**53")
    bad("shape_exceeds_file",
        header_bytes("{'descr': '<f8', 'fortran_order': False, 'shape': (1000000000,), }")
        + b"\0" * 16,
        "TruncatedError", "truncated", "the shape needs 8 GB but the file has 16 bytes")
    bad("unknown_dtype",
        header_bytes("{'descr': '<x9', 'fortran_order': False, 'shape': (1,), }") + b"\0" * 8,
        "MalformedError", "npy-unknown-dtype", "descr '<x9'")
    bad("malformed_dict",
        header_bytes("{'descr': '<f8', 'fortran_order': False, 'shape': (1,) }}") + b"\0" * 8,
        "MalformedError", "npy-bad-header", "a stray closing brace")
    bad("malformed_syntax",
        header_bytes("{'descr': '<f8' 'fortran_order': False, 'shape': (1,), }") + b"\0" * 8,
        "MalformedError", "npy-bad-header", "a missing comma")
    bad("not_a_dict", header_bytes("['<f8', False, (1,)]") + b"\0" * 8,
        "MalformedError", "npy-bad-header", "a list instead of a dict")
    bad("missing_key", header_bytes("{'descr': '<f8', 'shape': (1,), }") + b"\0" * 8,
        "MalformedError", "npy-header-keys", "no fortran_order")
    bad("extra_key",
        header_bytes("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), 'x': 1}") + b"\0" * 8,
        "MalformedError", "npy-header-keys", "an extra key")
    bad("bad_fortran_order",
        header_bytes("{'descr': '<f8', 'fortran_order': 0, 'shape': (1,), }") + b"\0" * 8,
        "MalformedError", "npy-bad-header", "fortran_order is 0")
    bad("bad_shape",
        header_bytes("{'descr': '<f8', 'fortran_order': False, 'shape': [1], }") + b"\0" * 8,
        "MalformedError", "npy-bad-header", "shape is a list")
    bad("negative_shape",
        header_bytes("{'descr': '<f8', 'fortran_order': False, 'shape': (-1,), }") + b"\0" * 8,
        "MalformedError", "npy-bad-header", "a negative dimension")
    bad("code_in_header",
        header_bytes("{'descr': __import__('os').system('true'), 'fortran_order': False, "
                     "'shape': (1,), }") + b"\0" * 8,
        "MalformedError", "npy-bad-header", "a function call is not a literal")
    bad("deep_nesting", header_bytes("{'descr': " + "[" * 500 + "]" * 500
                                     + ", 'fortran_order': False, 'shape': (1,), }"),
        "MalformedError", "npy-bad-header", "nesting over the depth limit")
    bad("object_array", open(os.path.join(HERE, "object.npy"), "rb").read(),
        "ForbiddenError", "npy-pickle-forbidden", "an object array without allowPickle")
    with open(os.path.join(HERE, "bad.json"), "w") as f:
        json.dump(cases, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
