"""Makes the golden fixtures of @ndio/text with NumPy (run from any directory).

savetxt_cases.json: arrays (raw little-endian bytes, dtype descr, shape) with
np.savetxt keyword arguments; savetxt/<name>.txt holds what np.savetxt wrote.
loadtxt_cases.json: texts with np.loadtxt keyword arguments and the array
np.loadtxt returned (or the error it raised).
"""

import base64
import io
import json
import os
import warnings

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(20240601)


def encode_array(a):
    a = a.copy(order="C")
    descr = a.dtype.descr if a.dtype.names is not None else a.dtype.str
    return {
        "descr": descr,
        "shape": list(a.shape),
        "data": base64.b64encode(a.tobytes()).decode("ascii"),
    }


def random_doubles(n):
    bits = rng.integers(0, 2**64, size=n, dtype=np.uint64)
    x = bits.view(np.float64)
    return np.where(np.isfinite(x), x, 0.0)


def savetxt_cases():
    f = rng.standard_normal((6, 4))
    ints = rng.integers(-(2**40), 2**40, size=(5, 3))
    special = np.array([[np.nan, np.inf, -np.inf], [-0.0, 0.0, 5e-324], [1e308, -1e-308, 0.5]])
    cplx = (rng.standard_normal((3, 2)) + 1j * rng.standard_normal((3, 2)))
    cplx[0, 0] = complex(1.5, -0.0)
    cplx[1, 1] = complex(np.nan, np.inf)
    structured = np.array(
        [(1, 2.5, b"ab", "x\u00e9"), (-3, np.nan, b"", "long text")],
        dtype=[("i", "<i4"), ("f", "<f8"), ("s", "S3"), ("u", "<U9")],
    )
    cases = [
        ("ints_d", ints, {"fmt": "%d"}),
        ("ints_d_tab", ints, {"fmt": "%d", "delimiter": "\t"}),
        ("ints_width", ints, {"fmt": "%+015d"}),
        ("ints_hex", np.abs(ints), {"fmt": ["%x", "%#X", "%#o"]}),
        ("ints_default", ints, {}),
        ("int8", np.array([[-128, 127], [0, 5]], dtype="i1"), {"fmt": "%5d"}),
        ("uint64", np.array([2**64 - 1, 0, 2**63], dtype="u8"), {"fmt": "%d"}),
        ("int64_extremes", np.array([-(2**63), 2**63 - 1, 2**53 + 1], dtype="i8"), {"fmt": "%d"}),
        ("floats_default", f, {}),
        ("floats_g", f, {"fmt": "%g"}),
        ("floats_10_3f", f, {"fmt": "%10.3f"}),
        ("floats_plus_2e", f, {"fmt": "%+.2e"}),
        ("floats_list", f, {"fmt": ["%.3f", "%-12g", "%E", "%.0f"], "delimiter": ","}),
        ("floats_multispec", f, {"fmt": "%.1f|%.2f|%.3e:%G"}),
        ("floats_random_bits", random_doubles(200).reshape(40, 5), {}),
        ("floats_random_bits_g17", random_doubles(100).reshape(20, 5), {"fmt": "%.17g"}),
        ("floats_random_f", rng.standard_normal(50) * 1e6, {"fmt": "%.25f"}),
        ("float32", f.astype("f4"), {}),
        ("float32_s", f.astype("f4"), {"fmt": "%s"}),
        ("float16", f.astype("f2"), {"fmt": "%.5g"}),
        ("specials", special, {}),
        ("specials_g", special, {"fmt": "%08.3G"}),
        ("specials_f", special, {"fmt": "%-9.2f", "delimiter": ";"}),
        ("floats_s_r", special, {"fmt": "%s %r %s"}),
        ("complex_default", cplx, {}),
        ("complex_g", cplx, {"fmt": "%.3g"}),
        ("complex_multispec", cplx, {"fmt": "%.2f %.2f %.2f %.2f"}),
        ("strings_u", np.array([["a", "bb"], ["\u00e9t\u00e9", "d"]]), {"fmt": "%s"}),
        ("strings_u_width", np.array(["x", "yyy", "zz"]), {"fmt": "[%-4s]"}),
        ("strings_s", np.array([b"ab", b"c'd"]), {"fmt": "%s"}),
        ("bools", np.array([[True, False], [False, True]]), {"fmt": "%d"}),
        ("bools_s", np.array([True, False]), {"fmt": "%s"}),
        ("crlf", f[:3], {"newline": "\r\n"}),
        ("header_footer", f[:2], {"header": "first\nsecond", "footer": "the end", "fmt": "%.4f"}),
        ("header_comments", ints[:2], {"header": "x y z", "comments": "// ", "fmt": "%d", "footer": "a\nb"}),
        ("seed_header", rng.integers(1, 100, size=(4, 10)), {"fmt": "%d", "delimiter": "\t", "header": "Original shape: (100, 100, 100)", "comments": "# "}),
        ("one_d", np.arange(5.0), {}),
        ("one_d_ints", np.arange(-3, 3), {"fmt": "%i"}),
        ("structured", structured, {"fmt": "%d %.3f %s %s"}),
        ("structured_default_s", structured[["i", "f"]].copy(), {"fmt": "%s"}),
        ("empty_rows", np.zeros((0, 3)), {"header": "nothing"}),
        ("percent_literal", f[:2, :2], {"fmt": ["%.1f%%", "%.2e"]}),
        ("tab_newline", f[:2], {"delimiter": "\t", "newline": "\n\n"}),
    ]
    manifest = []
    os.makedirs(os.path.join(HERE, "savetxt"), exist_ok=True)
    for name, arr, kwargs in cases:
        # As np.savetxt writes a file by name in a UTF-8 locale.
        with open(os.path.join(HERE, "savetxt", name + ".txt"), "wb") as fh:
            fh.write(text_of(arr, kwargs))
        manifest.append({"name": name, "array": encode_array(arr), "kwargs": kwargs})
    with open(os.path.join(HERE, "savetxt_cases.json"), "w") as fh:
        json.dump(manifest, fh, indent=1)


def text_of(arr, kwargs):
    s = io.StringIO()
    np.savetxt(s, arr, **kwargs)
    return s.getvalue().encode("utf-8")


LOADTXT = [
    ("ints", "1 2\n3 4\n", {}),
    ("floats", "1.5 2\n3 -4e-3\n", {}),
    ("grammar", "1e5 .5 5. +inf -INF nan Infinity -0 +1.25E+2\n", {}),
    ("tabs", "1\t2\t3\n4\t5\t6\n", {"delimiter": "\t"}),
    ("csv_spaces", " 1 , 2 \n3,4\n", {"delimiter": ","}),
    ("comments", "# head\n1 2 # tail\n\n#x\n3 4\n", {}),
    ("comments_multi", "1;2//c\n3;4\n%z\n", {"delimiter": ";", "comments": ["//", "%"]}),
    ("no_comments", "1 #\n", {"comments": None, "dtype": "str"}),
    ("skiprows", "a b\n# c\n1 2\n3 4\n", {"skiprows": 2}),
    ("usecols", "1 2 3\n4 5 6\n", {"usecols": [0, -1]}),
    ("usecols_int", "1 2 3\n4 5 6\n", {"usecols": 1}),
    ("max_rows", "1 2\n#c\n3 4\n5 6\n", {"max_rows": 2}),
    ("quotes", '"1,5",2\n"3",4\n', {"delimiter": ",", "quotechar": '"', "dtype": "str"}),
    ("quotes_doubled", '"a""b",c\n', {"delimiter": ",", "quotechar": '"', "dtype": "str"}),
    ("quotes_newline", '"1\n2" 3\n', {"quotechar": '"', "dtype": "str"}),
    ("unpack", "1 2\n3 4\n5 6\n", {"unpack": True}),
    ("ndmin2_row", "1 2 3\n", {"ndmin": 2}),
    ("ndmin2_col", "1\n2\n3\n", {"ndmin": 2}),
    ("ndmin1_scalar", "5\n", {"ndmin": 1}),
    ("scalar", "5\n", {}),
    ("empty_ndmin2", "", {"ndmin": 2}),
    ("complex", "1+2j (3-4j) 2j 5 -1.5e3-2.5e-3j\n", {"dtype": "complex"}),
    ("bool", "2 0 -1\n", {"dtype": "bool"}),
    ("int8", "-128 127\n", {"dtype": "i1"}),
    ("uint64", "18446744073709551615 0\n", {"dtype": "u8"}),
    ("int64_extremes", "9223372036854775807 -9223372036854775808\n", {"dtype": "i8"}),
    ("float32", "0.1 1e38 3.4028235e38\n", {"dtype": "f4"}),
    ("float16", "0.1 65504 1e-7\n", {"dtype": "f2"}),
    ("big_endian", "1.5 2\n", {"dtype": ">f8"}),
    ("strings_u", "a bb ccc\n", {"dtype": "U"}),
    ("strings_s", "ab c\n", {"dtype": "S"}),
    ("strings_sized", "abc de\n", {"dtype": "U2"}),
    ("structured", "1 2.5 x\n-3 nan yy\n", {"dtype": [("i", "<i4"), ("f", "<f8"), ("s", "<U2")]}),
    ("structured_subarray", "1 2 3 4\n5 6 7 8\n", {"dtype": [("a", "<i8"), ("b", "<f4", (3,))]}),
    ("crlf", "1 2\r\n3 4\r\n", {}),
    ("seed_shape", "# Original shape: (2, 2, 3)\n1\t2\t3\n4\t5\t6\n7\t8\t9\n10\t11\t12\n", {"delimiter": "\t", "dtype": "i8"}),
    ("overflow_inf", "1e400 -1e400 1e-400\n", {}),
    ("subnormals", "4.9406564584124654e-324 2.2250738585072009e-308 1.7976931348623157e308\n", {}),
    ("long_digits", "0.1000000000000000055511151231257827021181583404541015625 123456789012345678901234567890\n", {}),
    ("ties", "9007199254740993 9007199254740995 2.5e-324\n", {}),
    ("errors_ragged", "1 2\n3\n", {}),
    ("errors_value", "1 2\n3 x\n", {}),
    ("errors_empty_field", "1,2\n3,\n", {"delimiter": ","}),
    ("errors_int_float", "1 2.5\n", {"dtype": "i8"}),
    ("errors_int_range", "300\n", {"dtype": "i1"}),
    ("errors_uint_negative", "-1\n", {"dtype": "u8"}),
    ("errors_int_overflow", "9223372036854775808\n", {"dtype": "i8"}),
    ("errors_usecols", "1 2 3\n4 5\n", {"usecols": [0, 2]}),
    ("errors_nan_int", "1 nan\n", {"dtype": "i8"}),
]


def loadtxt_cases():
    out = []
    for name, text, kwargs in LOADTXT:
        case = {"name": name, "text": text, "kwargs": kwargs}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                arr = np.loadtxt(io.StringIO(text), **kwargs)
                if isinstance(arr, list):
                    raise TypeError("list result")
                case["result"] = encode_array(arr)
            except ValueError as error:
                case["error"] = str(error)
        out.append(case)
    with open(os.path.join(HERE, "loadtxt_cases.json"), "w") as fh:
        json.dump(out, fh, indent=1)


if __name__ == "__main__":
    savetxt_cases()
    loadtxt_cases()
