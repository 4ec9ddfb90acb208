"""Builds the safetensors fixtures of the plugin's tests, byte by byte as the
specification lays them out (see safetensors_numpy.py), with NumPy making the
values. Run from anywhere: python3 make_fixtures.py

If the `safetensors` Python package is importable, it also checks that its
reader loads every fixture with the same values; it usually is not installed
on ndio's machines (and PyPI is not reachable), so that check is skipped with
a message.
"""

import os

import numpy as np

from safetensors_numpy import bf16_bits, read, write

HERE = os.path.dirname(os.path.abspath(__file__))


def path(name):
    return os.path.join(HERE, name)


def main():
    rng = np.random.default_rng(20240611)

    # Every dtype NumPy has, scalars and empty tensors, and metadata.
    tensors = [
        ("embed.weight", "F32", rng.standard_normal((4, 3)).astype("<f4")),
        ("embed.bias", "F32", np.array([0.5, -0.25, np.inf], dtype="<f4")),
        ("scale", "F32", np.array(3.5, dtype="<f4")),
        ("nothing", "F32", np.zeros((0, 3), dtype="<f4")),
        ("f64", "F64", np.array([[np.pi, -0.0], [1e300, np.nan]], dtype="<f8")),
        ("f16", "F16", np.array([1.0, 65504.0, 6e-8, -2.5], dtype="<f2")),
        ("c64", "C64", np.array([1 + 2j, -3.5j], dtype="<c8")),
        ("i64", "I64", np.array([-(2**63), 2**63 - 1, 0], dtype="<i8")),
        ("u64", "U64", np.array([2**64 - 1, 1], dtype="<u8")),
        ("i32", "I32", np.arange(-6, 6, dtype="<i4").reshape(2, 3, 2)),
        ("u32", "U32", np.array([2**32 - 1, 7], dtype="<u4")),
        ("i16", "I16", np.array([-32768, 32767], dtype="<i2")),
        ("u16", "U16", np.array([65535, 0, 1], dtype="<u2")),
        ("i8", "I8", np.array([-128, 127, 0], dtype="|i1")),
        ("u8", "U8", np.arange(5, dtype="|u1")),
        ("mask", "BOOL", np.array([True, False, True], dtype="|b1")),
        ("\u00e9t\u00e9/\u6f22\u5b57", "I8", np.array([1], dtype="|i1")),
    ]
    write(path("weights.safetensors"), tensors,
          metadata={"format": "pt", "note": "made by make_fixtures.py"})

    # bfloat16: ties to even, NaN, infinities, subnormals, the largest finite float32.
    source = np.array([1.0, 1.00390625, 1.01171875, 1.0078125 + 2**-24, -3.14159, np.nan,
                       np.inf, -np.inf, 1e-40, 3.4028235e38, 0.0, -0.0, 65504.0],
                      dtype="<f4")
    write(path("bfloat16.safetensors"), [
        ("source", "F32", source),
        ("x", "BF16", bf16_bits(source)),
    ])

    # Every byte of both float8 formats.
    every_byte = np.arange(256, dtype="|u1")
    write(path("float8.safetensors"), [
        ("e4m3", "F8_E4M3", every_byte),
        ("e5m2", "F8_E5M2", every_byte.reshape(16, 16)),
    ])

    # No tensors at all, as the reference writer's own tests show it: "{}" and 6 spaces.
    write(path("empty.safetensors"), [])

    for name in ("weights", "bfloat16", "float8", "empty"):
        read(path(f"{name}.safetensors"))  # self-check against the specification's rules

    try:
        import safetensors.numpy as st  # noqa: PLC0415
    except ImportError:
        print("safetensors is not installed: skipped the check against its reader "
              "(the fixtures follow the specification; NumPy made and checked them)")
        return
    for name in ("weights", "empty"):
        loaded = st.load_file(path(f"{name}.safetensors"))
        _, ours = read(path(f"{name}.safetensors"))
        for tensor_name, _, array in ours:
            np.testing.assert_array_equal(loaded[tensor_name], array)
    print("checked against the safetensors package")


if __name__ == "__main__":
    main()
