#!/usr/bin/env python3
"""Writes the .npz fixtures of @ndio/npz with NumPy and Python's zipfile.

Run from anywhere: python3 packages/npz/testdata/make_fixtures.py
Deterministic: running it twice gives the same files (zipfile's default
member date is 1980-01-01 and every array is computed, not random).

Outputs (next to this script):
  good/*.npz            archives NumPy or zipfile wrote
  good/<name>/*.npy     for every member of good/<name>.npz, what it holds,
                        as np.save writes it (or the raw bytes, for members
                        that are not .npy), so the tests compare against the
                        already verified .npy reader
  good.json             for each archive: its member names in order and
                        which features it exercises
  bad/*.npz             broken archives; bad.json names the error class,
                        code and member expected for each
"""

import io
import json
import os
import shutil
import struct
import zipfile
import zlib

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
GOOD = os.path.join(HERE, "good")
BAD = os.path.join(HERE, "bad")


def seed_array():
    """The seed tutorial's array, smaller: random int64 values in [0, 100)."""
    return np.random.default_rng(2024).integers(0, 100, size=(20, 20, 20), dtype=np.int64)


def structured():
    dt = np.dtype([("name", "U5"), ("pos", "<f4", (2,)), ("id", ">i8")])
    out = np.zeros(3, dtype=dt)
    out["name"] = ["ab", "héllo", ""]
    out["pos"] = [[1.5, -2], [0, 3], [7, 8]]
    out["id"] = [1, -2, 2**40]
    return out


class Unseekable(io.RawIOBase):
    """A write-only stream without tell() or seek(): zipfile then writes data descriptors."""

    def __init__(self):
        self.buffer = bytearray()

    def writable(self):
        return True

    def write(self, b):
        self.buffer += b
        return len(b)


def writestr(z, name, data):
    """z.writestr with zipfile's default date (its own would be the current time)."""
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = z.compression
    z.writestr(info, data)


def write_expected(name, members):
    folder = os.path.join(GOOD, name)
    os.makedirs(folder, exist_ok=True)
    for member, value in members.items():
        path = os.path.join(folder, member if not member.endswith(".npy") else member)
        if isinstance(value, bytes):
            with open(path + ".raw", "wb") as f:
                f.write(value)
        else:
            np.save(path if path.endswith(".npy") else path + ".npy", value, allow_pickle=True)


def main():
    for folder in (GOOD, BAD):
        shutil.rmtree(folder, ignore_errors=True)
        os.makedirs(folder)
    manifest = {}

    def record(name, members, features):
        write_expected(name, members)
        manifest[name] = {"members": list(members), "features": features}

    # Positional arrays, stored.
    a = np.arange(10, dtype=np.int64)
    b = np.arange(6, dtype=np.float32).reshape(2, 3).T  # Fortran order
    np.savez(os.path.join(GOOD, "plain.npz"), a, b)
    record("plain", {"arr_0.npy": a, "arr_1.npy": b}, ["stored", "force_zip64"])

    # The seed's examples: np.savez('tmp/arr', arr, data['another_array']) and
    # np.savez_compressed('tmp/arr-compress', ...), with a smaller arr.
    seed = seed_array()
    another = np.arange(5.0)
    np.savez(os.path.join(GOOD, "seed.npz"), seed, another)
    record("seed", {"arr_0.npy": seed, "arr_1.npy": another}, ["stored", "force_zip64"])
    np.savez_compressed(os.path.join(GOOD, "seed_compressed.npz"), seed, another)
    record("seed_compressed", {"arr_0.npy": seed, "arr_1.npy": another}, ["deflate", "force_zip64"])
    # Named and positional together: NumPy puts the named ones first.
    np.savez_compressed(os.path.join(GOOD, "compressed.npz"), seed, x=np.linspace(0, 1, 11))
    record(
        "compressed",
        {"x.npy": np.linspace(0, 1, 11), "arr_0.npy": seed},
        ["deflate", "force_zip64", "named and positional"],
    )

    # Named arrays of many dtypes.
    named = {
        "ints": np.array([[1, -2], [3, 4]], dtype=">i4"),
        "floats": np.array([0.5, -0.0, np.inf, np.nan], dtype="<f2"),
        "complex": np.array([1 + 2j, -3.5j], dtype="<c16"),
        "text": np.array(["a", "héllo wörld"]),
        "bytes": np.array([b"ab", b"\x00\xff"]),
        "flags": np.array([True, False, True]),
        "when": np.array(["2024-01-02", "NaT"], dtype="datetime64[D]"),
        "scalar": np.float64(3.25),
        "records": structured(),
    }
    np.savez(os.path.join(GOOD, "named.npz"), **named)
    record("named", {k + ".npy": np.asanyarray(v) for k, v in named.items()}, ["stored", "dtypes"])

    # No members at all, and zero-size members.
    np.savez(os.path.join(GOOD, "empty.npz"))
    record("empty", {}, ["no members"])
    empties = {"none": np.zeros((0,), dtype="<f8"), "rows": np.zeros((0, 3), dtype="<i2")}
    np.savez_compressed(os.path.join(GOOD, "empty_members.npz"), **empties)
    record("empty_members", {k + ".npy": v for k, v in empties.items()}, ["deflate", "zero-size"])

    # An object array (its data is a pickle).
    obj = np.empty(3, dtype=object)
    obj[:] = [1, "two", [3.0]]
    np.savez(os.path.join(GOOD, "object.npz"), obj=obj, plain=np.arange(3))
    record("object", {"obj.npy": obj, "plain.npy": np.arange(3)}, ["stored", "pickle"])

    # Streamed: zipfile writing to an unseekable stream uses data descriptors.
    stream = Unseekable()
    streamed = {"a": np.arange(1000, dtype="<i4"), "b": np.eye(3)}
    with zipfile.ZipFile(stream, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for key, value in streamed.items():
            with z.open(key + ".npy", "w", force_zip64=True) as f:
                np.lib.format.write_array(f, value)
    stream2 = Unseekable()
    with zipfile.ZipFile(stream2, "w", compression=zipfile.ZIP_STORED) as z:
        for key, value in streamed.items():
            with z.open(key + ".npy", "w") as f:
                np.lib.format.write_array(f, value)
    with open(os.path.join(GOOD, "streamed.npz"), "wb") as f:
        f.write(stream.buffer)
    with open(os.path.join(GOOD, "streamed_stored.npz"), "wb") as f:
        f.write(stream2.buffer)
    record("streamed", {k + ".npy": v for k, v in streamed.items()}, ["deflate", "data descriptor", "zip64 descriptor"])
    record("streamed_stored", {k + ".npy": v for k, v in streamed.items()}, ["stored", "data descriptor"])

    # ZIP64 everywhere: with zipfile's limits lowered, the central directory
    # gets ZIP64 extra fields (sizes and offsets) and the archive a ZIP64 end
    # record and locator, as a member over 4 GiB would produce.
    saved = (zipfile.ZIP64_LIMIT, zipfile.ZIP_FILECOUNT_LIMIT)
    zipfile.ZIP64_LIMIT, zipfile.ZIP_FILECOUNT_LIMIT = 0, 0
    try:
        z64 = {"a": np.arange(100, dtype="<u2"), "b": np.ones((4, 4), dtype=">f8")}
        np.savez_compressed(os.path.join(GOOD, "zip64.npz"), **z64)
    finally:
        zipfile.ZIP64_LIMIT, zipfile.ZIP_FILECOUNT_LIMIT = saved
    record("zip64", {k + ".npy": v for k, v in z64.items()}, ["deflate", "zip64 end record", "zip64 central extra"])

    # Fortran order in more than two dimensions, stored and deflated: a
    # member read in blocks of rows gathers each block from all of its data.
    fortran = {
        "f3": np.asfortranarray(np.arange(7 * 5 * 3, dtype="<f4").reshape(7, 5, 3)),
        "f2": np.asfortranarray(np.arange(9 * 4, dtype=">i2").reshape(9, 4)),
        "c2": np.arange(6 * 4, dtype="<u8").reshape(6, 4),
    }
    np.savez(os.path.join(GOOD, "fortran.npz"), **fortran)
    record("fortran", {k + ".npy": v for k, v in fortran.items()}, ["stored", "fortran order"])
    np.savez_compressed(os.path.join(GOOD, "fortran_compressed.npz"), **fortran)
    record(
        "fortran_compressed",
        {k + ".npy": v for k, v in fortran.items()},
        ["deflate", "fortran order"],
    )

    # An archive comment, and a member that is not .npy.
    path = os.path.join(GOOD, "comment.npz")
    np.savez(path, x=np.arange(4, dtype="<i8"))
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as z:
        writestr(z, "notes.txt", b"written by make_fixtures.py\n" * 4)
        z.comment = b"an archive comment " * 20
    record(
        "comment",
        {"x.npy": np.arange(4, dtype="<i8"), "notes.txt": b"written by make_fixtures.py\n" * 4},
        ["stored", "deflate", "comment", "non-npy member"],
    )

    with open(os.path.join(HERE, "good.json"), "w") as f:
        json.dump(manifest, f, indent=2, sort_keys=True)
        f.write("\n")

    write_bad()


def member_layout(data, name):
    """(local header offset, data offset, compressed size) of a member."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        info = z.getinfo(name)
    offset = info.header_offset
    name_len, extra_len = struct.unpack_from("<HH", data, offset + 26)
    return offset, offset + 30 + name_len + extra_len, info.compress_size


def write_bad():
    bad = {}

    def save(name, data, error, code, member=None):
        with open(os.path.join(BAD, name + ".npz"), "wb") as f:
            f.write(data)
        bad[name] = {"error": error, "code": code, "member": member}

    buf = io.BytesIO()
    np.savez(buf, a=np.arange(100, dtype="<i8"), b=np.arange(5, dtype="<f4"))
    plain = buf.getvalue()
    buf = io.BytesIO()
    np.savez_compressed(buf, a=np.zeros(100_000, dtype="<i8"), b=np.arange(5, dtype="<f4"))
    deflated = buf.getvalue()

    # Cut inside member data: the central directory is gone too.
    save("truncated", plain[: len(plain) // 2], "TruncatedError", "truncated")
    # Cut after the end record's signature: the record itself is short.
    end = plain.rfind(b"PK\x05\x06")
    save("truncated_end", plain[: end + 10], "TruncatedError", "truncated")
    # A flipped data byte: the CRC no longer matches.
    _, start, size = member_layout(plain, "a.npy")
    broken = bytearray(plain)
    broken[start + size - 1] ^= 0xFF
    save("bad_crc", bytes(broken), "MalformedError", "zip-crc-mismatch", "a.npy")
    # A deflated member whose declared size is smaller than what it inflates
    # to (a zip bomb's lie): both in the central directory and the local ZIP64 extra.
    with zipfile.ZipFile(io.BytesIO(deflated)) as z:
        info = z.getinfo("a.npy")
    lying = bytearray(deflated)
    small = 1000
    central = deflated.find(b"PK\x01\x02")
    while central != -1:
        name_len = struct.unpack_from("<H", deflated, central + 28)[0]
        if deflated[central + 46 : central + 46 + name_len] == b"a.npy":
            struct.pack_into("<I", lying, central + 24, small)
        central = deflated.find(b"PK\x01\x02", central + 4)
    save("lying_size", bytes(lying), "MalformedError", "zip-size-mismatch", "a.npy")
    # A deflated member whose CRC-32 in the central directory is wrong.
    wrong_crc = bytearray(deflated)
    central = deflated.find(b"PK\x01\x02")
    assert deflated[central + 46 : central + 51] == b"a.npy"
    struct.pack_into("<I", wrong_crc, central + 16, info.CRC ^ 1)
    save("bad_crc_deflated", bytes(wrong_crc), "MalformedError", "zip-crc-mismatch", "a.npy")
    # b.npy (small, so the lie stays plausible for its compressed size)
    # inflates to fewer bytes than it declares.
    with zipfile.ZipFile(io.BytesIO(deflated)) as z:
        info_b = z.getinfo("b.npy")
    central_b = deflated.find(b"PK\x01\x02", central + 4)
    assert deflated[central_b + 46 : central_b + 51] == b"b.npy"
    short = bytearray(deflated)
    struct.pack_into("<I", short, central_b + 24, info_b.file_size + 1000)
    save("short_size", bytes(short), "MalformedError", "zip-size-mismatch", "b.npy")
    # A deflated member whose stream is cut in half, its sizes and offsets
    # rewritten to match: the archive is sound, but inflating the member runs
    # out of input before the stream's last block (zlib: "incomplete or
    # truncated stream").
    npy = io.BytesIO()
    np.save(npy, np.arange(20_000, dtype="<f8"))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as z:
        writestr(z, "a.npy", npy.getvalue())
    whole = buf.getvalue()
    local, start, size = member_layout(whole, "a.npy")
    cut = size // 2
    central = whole.find(b"PK\x01\x02")
    end = whole.rfind(b"PK\x05\x06")
    head = bytearray(whole[:start])
    struct.pack_into("<I", head, local + 18, cut)
    directory = bytearray(whole[central:end])
    struct.pack_into("<I", directory, 20, cut)
    record = bytearray(whole[end:])
    struct.pack_into("<I", record, 16, start + cut)
    cut_short = bytes(head) + whole[start : start + cut] + bytes(directory) + bytes(record)
    save("truncated_deflate", cut_short, "MalformedError", "zip-bad-deflate", "a.npy")
    # A stored member whose sizes point past the end of the archive.
    lying_stored = bytearray(plain)
    central = plain.find(b"PK\x01\x02")
    struct.pack_into("<II", lying_stored, central + 20, 10**9, 10**9)
    save("size_past_end", bytes(lying_stored), "TruncatedError", "truncated", "a.npy")
    # The same name twice (zipfile warns but writes it).
    buf = io.BytesIO()
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with zipfile.ZipFile(buf, "w") as z:
            writestr(z, "a.npy", b"first")
            writestr(z, "a.npy", b"second")
    save("duplicate", buf.getvalue(), "MalformedError", "zip-duplicate-member", "a.npy")
    # No central directory: the local records alone.
    first_central = plain.find(b"PK\x01\x02")
    save("no_central_directory", plain[:first_central], "TruncatedError", "truncated")
    # An end record whose central directory size is wrong, so the directory
    # is not where it says (zipfile locates it from the end record and size).
    end = plain.rfind(b"PK\x05\x06")
    moved = bytearray(plain)
    struct.pack_into("<I", moved, end + 12, struct.unpack_from("<I", plain, end + 12)[0] + 7)
    save("bad_central_size", bytes(moved), "MalformedError", "zip-bad-central-directory")
    # Not a zip at all.
    save("not_zip", b"\x93NUMPY" + bytes(200), "MalformedError", "zip-not-a-zip")
    # An encrypted member (flag bit 0).
    enc = bytearray(plain)
    central = plain.find(b"PK\x01\x02")
    struct.pack_into("<H", enc, central + 8, 1)
    save("encrypted", bytes(enc), "UnsupportedError", "zip-encrypted", "a.npy")
    # A compression method other than stored or deflate (12 = bzip2).
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_BZIP2) as z:
        writestr(z, "a.npy", b"x" * 100)
    save("bzip2", buf.getvalue(), "UnsupportedError", "zip-method", "a.npy")
    # A local header whose name differs from the central directory's.
    renamed = bytearray(plain)
    local_name = plain.find(b"b.npy", 0, plain.find(b"PK\x01\x02"))
    renamed[local_name] = ord("c")
    save("local_name_mismatch", bytes(renamed), "MalformedError", "zip-local-mismatch", "b.npy")

    with open(os.path.join(HERE, "bad.json"), "w") as f:
        json.dump(bad, f, indent=2, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
