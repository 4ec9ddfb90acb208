"""The safetensors format with NumPy alone: the oracle of the plugin's tests.

Writes files the way the format's specification lays them out and reads them
back with its rules, independently of the TypeScript plugin:

- 8 bytes: N, the header length, little-endian u64
- N bytes: a UTF-8 JSON object {name: {"dtype", "shape", "data_offsets": [begin, end]}},
  with an optional "__metadata__" mapping strings to strings, padded with spaces
- the data: each tensor little-endian, C order, the ranges tiling the data with no gap

NumPy has no bfloat16 or float8 dtype; `widen` turns their raw bits into
float32 by bit tricks that do not share code with the plugin: a bfloat16 is
the top half of a float32, an E5M2 float8 is the top byte of a float16, and
an E4M3FN float8 is a float16 with its exponent rebiased (scaled by 2**8).

Usage as a script: `python3 safetensors_numpy.py describe FILE` prints a JSON
description of every tensor (dtype, shape, base64 of its little-endian C-order
bytes; the float8/bf16 ones widened to float32) and the metadata.
"""

import base64
import json
import struct
import sys

import numpy as np

DTYPES = {
    "BOOL": np.dtype("|b1"),
    "U8": np.dtype("|u1"),
    "I8": np.dtype("|i1"),
    "F8_E5M2": np.dtype("|u1"),
    "F8_E4M3": np.dtype("|u1"),
    "I16": np.dtype("<i2"),
    "U16": np.dtype("<u2"),
    "F16": np.dtype("<f2"),
    "BF16": np.dtype("<u2"),
    "I32": np.dtype("<i4"),
    "U32": np.dtype("<u4"),
    "F32": np.dtype("<f4"),
    "C64": np.dtype("<c8"),
    "F64": np.dtype("<f8"),
    "I64": np.dtype("<i8"),
    "U64": np.dtype("<u8"),
}

# The reference writer sorts tensors by this order, descending, then by name.
WRITE_ORDER = ["BOOL", "U8", "I8", "F8_E5M2", "F8_E4M3", "I16", "U16", "F16", "BF16",
               "I32", "U32", "F32", "C64", "F64", "I64", "U64"]


def bf16_bits(values):
    """float32 -> bfloat16 bits, rounding to nearest even (NaN kept quiet)."""
    bits = np.asarray(values, dtype="<f4").view("<u4").astype(np.uint64)
    rounded = ((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16).astype("<u2")
    nan = np.isnan(np.asarray(values, dtype="<f4"))
    rounded[nan] = ((bits[nan] >> 16) | 0x40).astype("<u2")
    return rounded


def widen(code, raw):
    """float32 values of BF16 / F8 raw bits, by NumPy bit tricks."""
    if code == "BF16":
        return (raw.astype("<u4") << 16).view("<f4")
    if code == "F8_E5M2":
        return (raw.astype("<u2") << 8).view("<f2").astype("<f4")
    if code == "F8_E4M3":
        magnitude = ((raw & 0x7F).astype("<u2") << 7).view("<f2").astype("<f4") * np.float32(256)
        out = np.where(raw & 0x80, -magnitude, magnitude).astype("<f4")
        out[(raw & 0x7F) == 0x7F] = np.nan
        return out
    raise ValueError(code)


def write(path, tensors, metadata=None):
    """tensors: list of (name, code, array) with array already in the code's storage dtype."""
    order = sorted(tensors, key=lambda t: (-WRITE_ORDER.index(t[1]), t[0]))
    header = {}
    if metadata:
        header["__metadata__"] = metadata
    offset = 0
    blobs = []
    for name, code, array in order:
        data = np.ascontiguousarray(array, dtype=DTYPES[code]).tobytes()
        header[name] = {"dtype": code, "shape": list(array.shape),
                        "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        blobs.append(data)
    text = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)


def read(path):
    """Reads and validates a file; returns (metadata, [(name, code, raw array)]) in header order."""
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    assert 8 + n <= len(data), "header longer than the file"
    text = data[8:8 + n]
    assert text[:1] == b"{", "header does not start with {"
    pairs = json.loads(text.decode("utf-8"), object_pairs_hook=lambda p: p)
    keys = [k for k, _ in pairs]
    assert len(keys) == len(set(keys)), "duplicate keys"
    metadata = {}
    tensors = []
    spans = []
    buffer = data[8 + n:]
    for name, info in pairs:
        if name == "__metadata__":
            metadata = dict(info)
            assert all(isinstance(v, str) for v in metadata.values())
            continue
        info = dict(info)
        assert set(info) == {"dtype", "shape", "data_offsets"}, info
        code = info["dtype"]
        dtype = DTYPES[code]
        shape = tuple(info["shape"])
        begin, end = info["data_offsets"]
        assert end - begin == int(np.prod(shape, dtype=np.int64)) * dtype.itemsize, name
        spans.append((begin, end))
        array = np.frombuffer(buffer[begin:end], dtype=dtype).reshape(shape)
        tensors.append((name, code, array))
    covered = 0
    for begin, end in sorted(spans):
        assert begin == covered, "ranges overlap or leave a gap"
        covered = end
    assert covered == len(buffer), "data not fully covered"
    return metadata, tensors


def describe(path):
    metadata, tensors = read(path)
    out = {}
    for name, code, raw in tensors:
        array = widen(code, raw) if code in ("BF16", "F8_E5M2", "F8_E4M3") else raw
        out[name] = {
            "code": code,
            "dtype": array.dtype.str,
            "shape": list(array.shape),
            "data": base64.b64encode(np.ascontiguousarray(array).tobytes()).decode("ascii"),
        }
    return {"metadata": metadata, "tensors": out, "order": [t[0] for t in tensors]}


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "describe":
        json.dump(describe(sys.argv[2]), sys.stdout)
    else:
        sys.exit("usage: safetensors_numpy.py describe FILE")
