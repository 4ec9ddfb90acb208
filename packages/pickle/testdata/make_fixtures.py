"""Writes ndio's pickle fixtures and their golden descriptions.

Run from this directory with NumPy 2.x: python3 make_fixtures.py
Writes <name>.p<protocol>.pkl files, expected.json (name -> description of
what pickle.loads returns, from describe.py) and malicious/*.pkl with
malicious.json (name -> the error ndio must raise).
"""

import collections
import io
import json
import os
import pickle
import pickletools
import struct
import sys
import warnings

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from describe import describe  # noqa: E402

warnings.simplefilter("ignore")
if os.environ.get("PYTHONHASHSEED") != "0":  # set order depends on str hashes
    os.execve(sys.executable, [sys.executable] + sys.argv, {**os.environ, "PYTHONHASHSEED": "0"})
HERE = os.path.dirname(os.path.abspath(__file__))


def arrays():
    out = {}
    for code in ["?", "i1", "u1", "<i2", ">i2", "<u2", "<i4", ">i4", "<u4", "<i8", ">u8",
                 "<f2", "<f4", ">f4", "<f8", ">f8", "<c8", "<c16", ">c16", "<f16"]:
        a = np.arange(6).astype(code).reshape(2, 3)
        if code == "<f16":  # x87 long doubles: zero the 6 padding bytes NumPy leaves unset
            a.view(np.uint8).reshape(6, 16)[:, 10:] = 0
        out["dtype_" + code.replace("<", "le_").replace(">", "be_").replace("?", "bool")] = a
    out["dtype_S3"] = np.array([b"ab", b"xyz", b""], dtype="S3")
    out["dtype_U4"] = np.array(["ab", "é€😀", ""], dtype="<U4")
    out["dtype_be_U2"] = np.array(["ab", "c"], dtype=">U2")
    out["dtype_V3"] = np.array([b"abc", b"\x00\x01\x02"], dtype="V3")
    out["dtype_M8_ns"] = np.array(["2020-01-01T00:00:00.5", "NaT"], dtype="<M8[ns]")
    out["dtype_M8_D"] = np.array(["1970-01-02", "2038-01-19"], dtype="M8[D]")
    out["dtype_be_M8_s"] = np.array([0, 86400], dtype=">M8[s]")
    out["dtype_m8_10ms"] = np.array([1, -2, 3], dtype="m8[10ms]")
    out["dtype_M8_generic"] = np.array(["NaT"], dtype="M8")
    out["structured"] = np.array([(1, 2.5, b"ab"), (-3, 4.0, b"c")],
                                 dtype=[("x", "<i4"), ("y", ">f8"), ("s", "S2")])
    out["structured_nested"] = np.zeros(2, dtype=[("a", [("b", "<u2"), ("c", "<f4", (2,))]),
                                                  ("d", "|i1")])
    out["structured_aligned"] = np.zeros(3, dtype=np.dtype([("a", "u1"), ("b", "<i8")], align=True))
    out["structured_titles"] = np.zeros(2, dtype=[(("Title", "t"), "<i2"), ("u", "<f4")])
    out["structured_offsets"] = np.zeros(2, dtype={"names": ["a", "b"], "formats": ["<i2", "<i2"],
                                                   "offsets": [0, 6], "itemsize": 10})
    out["subarray_field"] = np.arange(12, dtype="<i2").view([("m", "<i2", (2, 3))])
    out["fortran"] = np.asfortranarray(np.arange(12, dtype="<f8").reshape(3, 4))
    out["fortran_3d"] = np.asfortranarray(np.arange(24, dtype="<i4").reshape(2, 3, 4))
    out["permuted"] = np.arange(24, dtype="<i2").reshape(2, 3, 4).transpose(1, 0, 2)
    out["permuted_201"] = np.arange(24, dtype="<u1").reshape(2, 3, 4).transpose(2, 0, 1)
    out["strided_view"] = np.arange(20, dtype="<f4").reshape(4, 5)[::2, 1::2]
    out["reversed_view"] = np.arange(5, dtype="<i8")[::-1]
    out["zero_d"] = np.array(3.25)
    out["empty"] = np.zeros((0, 3), dtype="<f8")
    out["empty_1d"] = np.array([], dtype="<i4")
    out["object_array"] = np.array([1, "two", None, [3.5]], dtype=object)
    out["object_2d"] = np.array([[1, 2], [3, (4,)]], dtype=object)
    out["object_fortran"] = np.asfortranarray(np.array([[1, "a"], [None, 2.5]], dtype=object))
    out["big"] = np.arange(9000, dtype="<f8")  # more than one 64 KiB frame
    return out


def values():
    v = {}
    rng = np.random.default_rng(0)
    v["seed"] = {
        "array": rng.integers(1, 100, (3, 4, 5)),
        "description": "An array of random ints and some floats",
        "list": [5.4, 9.1, 3.4],
        "another_array": np.linspace(0, 1, 7),
    }
    v["list_of_arrays"] = [np.arange(3), np.ones((2, 2), dtype="<f4"), np.array([True, False])]
    v["tuple_of_arrays"] = (np.arange(4, dtype=">i2"), np.zeros(0), "tag")
    v["dict_of_arrays"] = {"a": np.arange(3), "b": {"c": np.eye(2)}, 3: np.array(["x"])}
    v["shared_array"] = [np.arange(3)] * 3
    v["scalars"] = [np.float64(2.5), np.float32(-1.25), np.int8(-7), np.uint64(2**64 - 1),
                    np.bool_(True), np.complex64(1 - 2j), np.float16(0.5), np.int64(-2**63),
                    np.datetime64("2020-02-29"), np.timedelta64(5, "ms"), np.str_("héllo"),
                    np.bytes_(b"ab\x00c"), np.void(b"\x01\x02"), np.longdouble(1) / 3]
    v["ints"] = [0, 1, -1, 255, 256, 65535, 65536, 2**31 - 1, -2**31, 2**31, 2**53, 2**53 + 1,
                 -2**53 - 1, 2**63, -2**64, 10**40, -(10**40)]
    v["floats"] = [0.0, -0.0, 1.0, 0.1, -2.5, 1e300, 5e-324, float("inf"), float("-inf"),
                   float("nan"), 1e16]
    v["strings"] = ["", "ascii", "é", "€", "😀", "a\nb\\c'\"", "\ud800", "x" * 300]
    v["bytes"] = [b"", b"\x00\xff", bytes(range(256)), b"y" * 300]
    v["bytearrays"] = [bytearray(), bytearray(b"\x00abc\xff")]
    v["sets"] = [set(), {1, 2, 3}, frozenset(), frozenset({"a", (1, 2)}), {("t", 1)}]
    v["complex"] = [1 + 2j, -0.5j, complex(float("inf"), -0.0)]
    v["ordered_dict"] = collections.OrderedDict([("z", 1), ("a", [2]), ("__proto__", 3)])
    v["proto_key"] = {"__proto__": {"polluted": True}, "constructor": 1}
    v["slices"] = [slice(3), slice(1, None, 2), slice(None, None, -1), slice("a", 1.5, None)]
    v["ranges"] = [range(5), range(1, 10, 3), range(10, 0, -2), range(2**70)]
    v["none_bool"] = [None, True, False]
    v["nested"] = {"l": [[1, [2, [3, []]]]], "t": ((),), "d": {(1, 2): {"x": None}}}
    v["recursive_shared"] = (lambda s: [s, s, {"k": s}])([1, 2])
    return v


def dtype_state_variants():
    """Arrays whose dtypes are pickled with the older __setstate__ layouts."""
    out = {}
    base = np.array([(1, 2.5), (3, -4.0)], dtype=[("a", "<i4"), ("b", ">f8")])
    out["dtype_state_7"] = (base, 7)
    out["dtype_state_6"] = (base, 6)
    out["dtype_state_5"] = (base, 5)
    out["dtype_state_5_simple"] = (np.arange(3, dtype=">f8"), 5)
    out["dtype_state_6_simple"] = (np.arange(3, dtype="<i2"), 6)
    out["dtype_state_7_simple"] = (np.arange(3, dtype="<u4"), 7)
    return out


def old_state(dtype, fields):
    state = dtype.__reduce__()[2]
    version, endian, sub, names, flds, elsize, align = state[:7]
    if fields == 7:
        return (2, endian, sub, names, flds, elsize, align)
    if flds is not None:
        flds = dict(flds)
        flds[-1] = names
    if fields == 6:
        return (1, endian, sub, flds, elsize, align)
    return (endian, sub, flds, elsize, align)


class OldDTypePickler(pickle._Pickler):
    fields = 8

    def reducer_override(self, obj):
        if isinstance(obj, np.dtype) and self.fields < 8:
            f, args, _ = obj.__reduce__()
            return f, args, old_state(obj, self.fields)
        return NotImplemented


def numpy1_names(obj, protocol):
    """Pickles as NumPy 1.x does: numpy.core.* module names."""
    original = pickle.whichmodule

    def which(o, name):
        module = getattr(o, "__module__", None) or original(o, name)
        if module.startswith("numpy._core"):
            return "numpy.core" + module[len("numpy._core"):]
        return module

    pickle.whichmodule = which
    try:
        f = io.BytesIO()
        pickle._Pickler(f, protocol=protocol).dump(obj)
        return f.getvalue()
    finally:
        pickle.whichmodule = original


def out_of_band(obj):
    buffers = []
    data = pickle.dumps(obj, protocol=5, buffer_callback=buffers.append)
    return data, [bytes(b.raw()) for b in buffers]


def main():
    expected = {}

    def write(name, data, value=None, buffers=None):
        with open(os.path.join(HERE, name), "wb") as f:
            f.write(data)
        loaded = pickle.loads(data, buffers=buffers) if buffers is not None else pickle.loads(data)
        entry = {"value": describe(loaded)}
        if buffers is not None:
            entry["buffers"] = []
            for i, b in enumerate(buffers):
                bname = f"{name}.buffer{i}"
                with open(os.path.join(HERE, bname), "wb") as f:
                    f.write(b)
                entry["buffers"].append(bname)
        expected[name] = entry

    for name, a in arrays().items():
        protocols = [2, 3, 4, 5] if name == "big" else range(6)
        for p in protocols:
            write(f"{name}.p{p}.pkl", pickle.dumps(a, protocol=p))
    for name, v in values().items():
        for p in range(6):
            write(f"{name}.p{p}.pkl", pickle.dumps(v, protocol=p))
    for p in range(6):
        seed = values()["seed"]
        write(f"numpy1_seed.p{p}.pkl", numpy1_names(seed, p))
        write(f"numpy1_arrays.p{p}.pkl", numpy1_names(
            [np.arange(3), np.asfortranarray(np.eye(2)), np.float32(3), np.arange(6)[::2]], p))
    # The oldest name of _reconstruct, from before NumPy 1.0.
    for p in range(3):
        data = pickle.dumps(np.arange(4, dtype="<i2"), protocol=p)
        data = data.replace(b"numpy._core.multiarray\n_reconstruct",
                            b"numpy.core._internal\n_reconstruct")
        write(f"internal_reconstruct.p{p}.pkl", data)
    for name, (a, fields) in dtype_state_variants().items():
        for p in (0, 2, 4):
            f = io.BytesIO()
            pickler = OldDTypePickler(f, protocol=p)
            pickler.fields = fields
            pickler.dump(a)
            write(f"{name}.p{p}.pkl", f.getvalue())
    data, buffers = out_of_band([np.arange(5, dtype="<f8"), np.asfortranarray(np.eye(3)),
                                 pickle.PickleBuffer(b"raw")])
    write("out_of_band.p5.pkl", data, buffers=buffers)
    ro = np.arange(4, dtype="<i4")
    ro.flags.writeable = False
    data, buffers = out_of_band(ro)
    write("out_of_band_readonly.p5.pkl", data, buffers=buffers)
    with open(os.path.join(HERE, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True)
        f.write("\n")
    malicious()


def malicious():
    out = {}
    mdir = os.path.join(HERE, "malicious")
    os.makedirs(mdir, exist_ok=True)

    def write(name, data, error, code, message=None):
        with open(os.path.join(mdir, name), "wb") as f:
            f.write(data)
        out[name] = {"error": error, "code": code}
        if message is not None:
            out[name]["message"] = message

    class Evil:
        def __reduce__(self):
            return (os.system, ("echo pwned",))

    for p in range(6):
        data = pickle.dumps(Evil(), protocol=p)
        module = "posix" if b"posix" in data else "os"
        write(f"os_system.p{p}.pkl", data, "ForbiddenError", "pickle-forbidden-global",
              f'pickle references "{module}.system", which is not allowed')

    class Eval:
        def __reduce__(self):
            return (eval, ("__import__('os').system('echo pwned')",))

    write("builtins_eval.p4.pkl", pickle.dumps(Eval(), protocol=4), "ForbiddenError",
          "pickle-forbidden-global", 'pickle references "builtins.eval", which is not allowed')
    write("builtin_eval.p2.pkl", pickle.dumps(Eval(), protocol=2), "ForbiddenError",
          "pickle-forbidden-global", 'pickle references "__builtin__.eval", which is not allowed')
    # getattr(numpy, "__builtins__") style chains, hand-assembled.
    write("getattr_chain.p2.pkl",
          b"\x80\x02cbuiltins\ngetattr\ncnumpy\nndarray\nX\x0b\x00\x00\x00__globals__\x86R.",
          "ForbiddenError", "pickle-forbidden-global",
          'pickle references "builtins.getattr", which is not allowed')
    write("numpy_builtins.p4.pkl",
          b"\x80\x04\x8c\x05numpy\x8c\x0c__builtins__\x93.",
          "ForbiddenError", "pickle-forbidden-global",
          'pickle references "numpy.__builtins__", which is not allowed')
    write("dotted_name.p4.pkl",
          b"\x80\x04\x8c\x05numpy\x8c\x1cndarray.__init__.__globals__\x93.",
          "ForbiddenError", "pickle-forbidden-global",
          'pickle references "numpy.ndarray.__init__.__globals__", which is not allowed')
    write("reconstruct_other_class.p2.pkl",
          b"\x80\x02cnumpy._core.multiarray\n_reconstruct\ncos\nsystem\nK\x00\x85C\x01b\x87R.",
          "ForbiddenError", "pickle-forbidden-global",
          'pickle references "os.system", which is not allowed')
    write("deep_marks.p2.pkl", b"\x80\x02" + b"(" * 5000 + b"t" * 5000 + b".", "LimitError",
          "limit-exceeded")
    write("deep_lists.p2.pkl",
          b"\x80\x02" + b"]" * 5000 + b"a" * 4999 + b".", "LimitError", "limit-exceeded")
    write("huge_binbytes8.p4.pkl", b"\x80\x04\x8e" + struct.pack("<Q", 2**62) + b"ab.",
          "TruncatedError", "truncated")
    write("huge_binunicode.p2.pkl", b"\x80\x02X" + struct.pack("<I", 2**31) + b"ab.",
          "TruncatedError", "truncated")
    write("huge_frame.p4.pkl", b"\x80\x04\x95" + struct.pack("<Q", 2**40) + b"N.",
          "TruncatedError", "truncated")
    full = pickle.dumps(values()["seed"], protocol=4)
    write("truncated.p4.pkl", full[: len(full) // 2], "TruncatedError", "truncated")
    write("no_stop.p2.pkl", b"\x80\x02K\x01", "TruncatedError", "truncated")
    write("bad_opcode.p2.pkl", b"\x80\x02K\x01\xff.", "MalformedError", "pickle-bad-opcode")
    write("array_size_lie.p2.pkl",
          pickle.dumps(np.arange(4, dtype="<i8"), protocol=2).replace(b"K\x04\x85", b"M\x00\x01\x85"),
          "MalformedError", "pickle-bad-argument")
    write("ext1.p2.pkl", b"\x80\x02\x82\x01.", "ForbiddenError", "pickle-extension")
    write("persid.p0.pkl", b"Pabc\n.", "ForbiddenError", "pickle-persistent-id")
    write("binpersid.p2.pkl", b"\x80\x02K\x01Q.", "ForbiddenError", "pickle-persistent-id")
    write("protocol_6.pkl", b"\x80\x06N.", "UnsupportedError", "pickle-protocol")
    write("codecs_utf7.p2.pkl", b"\x80\x02c_codecs\nencode\nX\x01\x00\x00\x00aX\x05\x00\x00\x00utf-7\x86R.",
          "MalformedError", "pickle-bad-argument")
    with open(os.path.join(mdir, "malicious.json"), "w") as f:
        json.dump(out, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
