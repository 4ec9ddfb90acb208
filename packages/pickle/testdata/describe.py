"""Describes a Python value as JSON, the form ndio's pickle tests compare.

Used by make_fixtures.py (golden expectations) and by the live tests, so
both sides of every comparison come from Python itself.
"""

import collections
import json

import numpy as np
from numpy.lib.format import dtype_to_descr


def _descr(dtype):
    d = dtype_to_descr(dtype)
    return json.loads(json.dumps(d))


def _hex(data):
    """Hex of short data; a 32-bit FNV-1a digest of long data keeps expected.json small."""
    if len(data) <= 256:
        return data.hex()
    h = 0x811C9DC5
    for b in data:
        h = ((h ^ b) * 0x01000193) & 0xFFFFFFFF
    return f"fnv1a:{len(data)}:{h:08x}"


def describe(v):
    if v is None:
        return ["None"]
    if isinstance(v, np.ndarray):
        if v.dtype.hasobject:
            return ["ndarray", "|O", list(v.shape), [describe(x) for x in v.ravel(order="C")]]
        return ["ndarray", _descr(v.dtype), list(v.shape), _hex(np.ascontiguousarray(v).tobytes())]
    if isinstance(v, np.generic):
        return ["scalar", _descr(v.dtype), _hex(v.tobytes())]
    if isinstance(v, bool):
        return ["bool", v]
    if isinstance(v, int):
        return ["int", str(v)]
    if isinstance(v, float):
        return ["float", repr(v)]
    if isinstance(v, complex):
        return ["complex", repr(v.real), repr(v.imag)]
    if isinstance(v, str):
        return ["str", v]
    if isinstance(v, bytes):
        return ["bytes", _hex(v)]
    if isinstance(v, bytearray):
        return ["bytearray", _hex(bytes(v))]
    if isinstance(v, list):
        return ["list", [describe(x) for x in v]]
    if isinstance(v, tuple):
        return ["tuple", [describe(x) for x in v]]
    if isinstance(v, (dict, collections.OrderedDict)):
        return ["dict", [[describe(k), describe(x)] for k, x in v.items()]]
    if isinstance(v, (set, frozenset)):
        items = sorted((describe(x) for x in v), key=json.dumps)
        return ["frozenset" if isinstance(v, frozenset) else "set", items]
    if isinstance(v, slice):
        return ["slice", describe(v.start), describe(v.stop), describe(v.step)]
    if isinstance(v, range):
        return ["range", str(v.start), str(v.stop), str(v.step)]
    raise TypeError(f"cannot describe {type(v)}")
