"""Files NumPy writes for the Node.js test to read (argv[1]: the directory),
with the values Node must find in them (expected.json)."""

import json
import os
import sys

import numpy as np

d = sys.argv[1]
rng = np.random.default_rng(0)

# The seed's savetxt: a 3-D array as 2-D tab-separated ints under a shape header.
seed = rng.integers(1, 100, (10, 10, 10))
np.savetxt(os.path.join(d, "seed_ints.txt"), seed.reshape(100, 10), fmt="%d", delimiter="\t",
           header="Original shape: (10, 10, 10)")

floats = np.array([[0.1, -2.5e-300, 1e300], [np.pi, -0.0, 12345.678]])
np.savetxt(os.path.join(d, "floats.txt"), floats)

# The seed's savez and savez_compressed examples.
another = np.arange(5.0)
np.savez(os.path.join(d, "seed.npz"), seed, another)
np.savez_compressed(os.path.join(d, "seed_compressed.npz"), seed, another, label=np.array(["x"]))

with open(os.path.join(d, "expected.json"), "w") as f:
    json.dump({"seed_ints": seed.tolist(), "floats": floats.tolist()}, f)
