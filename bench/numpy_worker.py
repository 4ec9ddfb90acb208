"""The NumPy side of `deno task bench:numpy` (bench/numpy_compare.ts).

One long-lived python3 process: it reads one JSON request per line on stdin
and answers one JSON line on stdout, so NumPy is timed in-process with no
interpreter start per repetition. It also makes every input file (the data
both sides read is written by NumPy) and times whole processes (the CLI
conversions) with os.wait4, which gives the child's peak RSS.

Requests (see bench/_protocol.ts): hello, make, open, drop, setup, run,
teardown, spawn, quit.
"""

import gc
import json
import os
import pickle
import platform
import subprocess
import sys
import time
import zlib

import numpy as np


def status_kib(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def reset_peak():
    # Writing 5 to clear_refs resets VmHWM to the current RSS (Linux >= 4.0).
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def make_array(kind, shape, seed):
    rng = np.random.default_rng(seed)
    if kind == "f8":
        return rng.standard_normal(shape)
    if kind == "i8":
        return rng.integers(1, 100, shape, dtype=np.int64)
    raise ValueError(f"unknown kind {kind!r}")


def text_options(array):
    # Ints as the seed's tutorial writes them; floats with savetxt's default.
    if array.dtype.kind == "i":
        return {"fmt": "%d", "delimiter": "\t"}, {"delimiter": "\t", "dtype": np.int64}
    return {}, {"dtype": np.float64}


def as_2d(array):
    # savetxt takes 2-D arrays: others as rows of 10, as the seed's tutorial does.
    return array if array.ndim == 2 else array.reshape(-1, 10)


def remove(paths):
    for p in paths:
        try:
            os.remove(p)
        except FileNotFoundError:
            pass


class Case:
    """The state of one operation on one dataset: inputs, outputs to remove."""

    def __init__(self, op, ds, directory):
        self.op = op
        self.ds = ds
        self.dir = directory
        self.outputs = []
        self.input = None
        self.buffer = None

    def out(self, k, ext):
        path = os.path.join(self.dir, f"np-{self.ds['id']}-{k}.{ext}")
        self.outputs.append(path)
        return path


datasets = {}  # id -> {"id", "array", "path"}
cases = {}  # (op, id) -> Case


def input_path(ds, suffix):
    return os.path.join(os.path.dirname(ds["path"]), f"{ds['id']}.{suffix}")


def ensure(path, write):
    if not os.path.exists(path):
        tmp = path + ".part"
        write(tmp)
        os.replace(tmp, path)
    return path


def write_with(fn, *args, **kwargs):
    def write(tmp):
        with open(tmp, "wb") as f:
            fn(f, *args, **kwargs)

    return write


def setup(op, ds, directory):
    """Makes the op's input file (NumPy writes every input both sides read)."""
    c = Case(op, ds, directory)
    a = ds["array"]
    if op == "npz.load_stored":
        c.input = ensure(input_path(ds, "stored.npz"), write_with(np.savez, a))
    elif op == "npz.load_compressed":
        c.input = ensure(input_path(ds, "compressed.npz"), write_with(np.savez_compressed, a))
    elif op.startswith("text.loadtxt"):
        fmt, _ = text_options(a)
        c.input = ensure(input_path(ds, "txt"), write_with(np.savetxt, as_2d(a), **fmt))
    elif op.startswith("pickle.loads"):
        protocol = int(op[-1])
        path = ensure(
            input_path(ds, f"p{protocol}.pkl"),
            write_with(lambda f: pickle.dump(a, f, protocol=protocol)),
        )
        with open(path, "rb") as f:
            c.input = f.read()
    elif op == "cli.tsv_to_npy":
        # The seed's own file: rows of 10, under its "Original shape" header.
        header = f"Original shape: {a.shape}"
        ensure(
            input_path(ds, "cli.tsv"),
            write_with(
                lambda f: np.savetxt(
                    f, as_2d(a), fmt="%d", delimiter="\t", header=header, comments="# "
                )
            ),
        )
    elif op == "cli.npz_to_npy":
        ensure(input_path(ds, "compressed.npz"), write_with(np.savez_compressed, a))
    elif op == "cli.pkl_to_npy":
        ensure(
            input_path(ds, "p4.pkl"),
            write_with(lambda f: pickle.dump(a, f, protocol=4)),
        )
    elif op == "ceiling.memcpy":
        c.buffer = np.empty_like(a)
        c.buffer[...] = 0  # touched, as a preallocated buffer is
    elif op == "ceiling.read":
        c.input = ds["path"]
        c.buffer = np.zeros(os.path.getsize(ds["path"]), dtype=np.uint8)
    elif op == "ceiling.inflate":
        co = zlib.compressobj(6, zlib.DEFLATED, -15)
        c.input = co.compress(memoryview(a).cast("B")) + co.flush()
    return c


def run_once(c, k):
    """Runs the operation once; returns the size of what it wrote or made (bytes), or None."""
    op, a = c.op, c.ds["array"]
    if op == "npy.save":
        path = c.out(k, "npy")
        np.save(path, a)
        return os.path.getsize(path)
    if op == "npy.load":
        np.load(c.ds["path"])
        return None
    if op == "npz.save_stored":
        path = c.out(k, "npz")
        np.savez(path, a)
        return os.path.getsize(path)
    if op == "npz.save_compressed":
        path = c.out(k, "npz")
        np.savez_compressed(path, a)
        return os.path.getsize(path)
    if op in ("npz.load_stored", "npz.load_compressed"):
        with np.load(c.input) as z:
            z["arr_0"]
        return None
    if op.startswith("text.savetxt"):
        path = c.out(k, "txt")
        fmt, _ = text_options(a)
        np.savetxt(path, as_2d(a), **fmt)
        return os.path.getsize(path)
    if op.startswith("text.loadtxt"):
        _, load = text_options(a)
        np.loadtxt(c.input, **load)
        return None
    if op.startswith("pickle.dumps"):
        return len(pickle.dumps(a, protocol=int(op[-1])))
    if op.startswith("pickle.loads"):
        pickle.loads(c.input)
        return None
    if op == "ceiling.memcpy":
        np.copyto(c.buffer, a)
        return None
    if op == "ceiling.first_touch":
        fresh = np.empty(a.nbytes, dtype=np.uint8)
        fresh[::4096] = 1
        return None
    if op == "ceiling.read":
        with open(c.input, "rb", buffering=0) as f:
            view = memoryview(c.buffer)
            done = 0
            while done < len(view):
                n = f.readinto(view[done:])
                if not n:
                    break
                done += n
        return None
    if op == "ceiling.write":
        path = c.out(k, "bin")
        with open(path, "wb", buffering=0) as f:
            f.write(memoryview(a).cast("B"))
        return None
    if op == "ceiling.write_atomic":
        path = c.out(k, "bin")
        with open(path + ".tmp", "wb", buffering=0) as f:
            f.write(memoryview(a).cast("B"))
        os.replace(path + ".tmp", path)
        return None
    if op == "ceiling.deflate":
        co = zlib.compressobj(6, zlib.DEFLATED, -15)
        return len(co.compress(memoryview(a).cast("B")) + co.flush())
    if op == "ceiling.inflate":
        zlib.decompress(c.input, -15)
        return None
    raise ValueError(f"unknown operation {op!r}")


def run(c, inner):
    remove(c.outputs)
    c.outputs = []
    gc.collect()
    measured = reset_peak()
    rss0 = status_kib("VmRSS")
    cpu = time.process_time()
    t = time.perf_counter()
    size = None
    for k in range(inner):
        size = run_once(c, k)
    wall = time.perf_counter() - t
    cpu = time.process_time() - cpu
    hwm = status_kib("VmHWM")
    return {
        "ms": wall * 1000 / inner,
        "cpuMs": cpu * 1000 / inner,
        "rssBytes": rss0 * 1024 if measured else None,
        "peakBytes": hwm * 1024 if measured else None,
        "outputBytes": size,
    }


def spawn(argv, cwd, remove_first):
    """Times a whole process; peak RSS of the child from wait4's rusage."""
    remove(remove_first)
    t = time.perf_counter()
    child = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    # Read stderr before waiting (a full pipe would block the child).
    err = child.stderr.read()
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - t
    child.returncode = os.waitstatus_to_exitcode(status)
    child.stderr.close()
    return {
        "ms": wall * 1000,
        "cpuMs": (usage.ru_utime + usage.ru_stime) * 1000,
        "peakBytes": usage.ru_maxrss * 1024,
        "code": child.returncode,
        "stderr": err.decode("utf-8", "replace")[-2000:],
    }


def handle(req):
    cmd = req["cmd"]
    if cmd == "hello":
        return {
            "runtime": f"Python {platform.python_version()}",
            "numpy": np.__version__,
            "zlib": zlib.ZLIB_RUNTIME_VERSION,
        }
    if cmd == "make":
        path = req["path"]
        if not os.path.exists(path):
            a = make_array(req["kind"], tuple(req["shape"]), req.get("seed", 0))
            np.save(path + ".part.npy", a)
            os.replace(path + ".part.npy", path)
        return {"bytes": os.path.getsize(path)}
    if cmd == "open":
        datasets[req["id"]] = {"id": req["id"], "path": req["path"], "array": np.load(req["path"])}
        return {}
    if cmd == "drop":
        datasets.pop(req["id"], None)
        gc.collect()
        return {}
    if cmd == "setup":
        c = setup(req["op"], datasets[req["id"]], req["dir"])
        cases[(req["op"], req["id"])] = c
        return {}
    if cmd == "run":
        return run(cases[(req["op"], req["id"])], int(req.get("inner", 1)))
    if cmd == "teardown":
        c = cases.pop((req["op"], req["id"]), None)
        if c is not None:
            remove(c.outputs)
        gc.collect()
        return {}
    if cmd == "spawn":
        return spawn(req["argv"], req.get("cwd"), req.get("remove", []))
    raise ValueError(f"unknown command {cmd!r}")


def main():
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        req = json.loads(line)
        if req.get("cmd") == "quit":
            break
        try:
            reply = handle(req)
        except Exception as e:  # reported to the orchestrator, which records it
            reply = {"error": f"{type(e).__name__}: {e}"}
        print(json.dumps(reply), flush=True)


if __name__ == "__main__":
    main()
