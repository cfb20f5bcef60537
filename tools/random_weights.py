"""Seeded random weights for any manifest architecture, and their ONNX export by the model tool
(models/tool/build.py), for models whose trained weights are not here: the model-tool tests
(tests/models/test_zoo.py) check tract against onnxruntime on them, and `npm run bench:zoo`
times them (inference time does not depend on the weight values).

Usage: python tools/random_weights.py DIR ID ...   prints one JSON line per model: {id, file, bytes}
"""
import json
import sys
from collections import OrderedDict
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "models" / "tool"))

import arch  # noqa: E402
import build  # noqa: E402


def random_state(net: arch.Network, seed: int) -> "OrderedDict[str, np.ndarray]":
    """He-initialised convolutions and BatchNorm statistics far from identity, so folding is
    exercised; residual branches are damped so that 55 blocks (B7) keep activations O(1)."""
    rng = np.random.default_rng(seed)
    damped = {b.layers[-1].bn for b in net.blocks if b.skip}
    out = OrderedDict()
    for key, shape in net.params():
        prefix = key.rsplit(".", 1)[0]
        if key.endswith("running_mean"):
            v = rng.normal(0, 0.2, shape)
        elif key.endswith("running_var"):
            v = rng.uniform(0.5, 2.0, shape)
        elif len(shape) == 1 and key.endswith(".weight"):  # BatchNorm scale
            v = rng.uniform(0.5, 1.2, shape) * (0.2 if prefix in damped else 1.0)
        elif len(shape) == 4:
            v = rng.normal(0, np.sqrt(2.0 / np.prod(shape[1:])), shape)
        elif len(shape) == 2:
            v = rng.normal(0, 1 / np.sqrt(shape[1]), shape)
        else:
            v = rng.normal(0, 0.1, shape)
        out[key] = v.astype(np.float32)
    return out


def export_random(entry: dict, out: Path, seed: int = 0) -> Path:
    build.export_entry(entry, random_state(arch.build(entry["arch"]), seed), out / entry["file"])
    return out / entry["file"]


if __name__ == "__main__":
    out, ids = Path(sys.argv[1]), sys.argv[2:]
    manifest = json.loads((REPO / "models" / "manifest.json").read_text())
    for entry in manifest["models"]:
        if entry["id"] in ids:
            path = export_random(entry, out)
            print(json.dumps({"id": entry["id"], "file": path.name, "bytes": path.stat().st_size}), flush=True)
