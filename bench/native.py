"""`npm run bench:native`: tract (the effnet CLI) against onnxruntime on the same ONNX file,
one thread each, same machine, same input size. Prints figures; asserts nothing.
"""
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import onnxruntime as ort

REPO = Path(__file__).resolve().parent.parent
MODELS = sys.argv[1:] or ["efficientnet-lite0"]
RUNS, WARMUP = 50, 5
target = Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target"))
effnet = target / "release" / "effnet"
manifest = json.loads((REPO / "models" / "manifest.json").read_text())


def cpu():
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor()


def ort_times(entry):
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1
    opts.inter_op_num_threads = 1
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    t0 = time.perf_counter()
    sess = ort.InferenceSession(str(REPO / "models" / entry["file"]), opts, providers=["CPUExecutionProvider"])
    load = (time.perf_counter() - t0) * 1e3
    x = np.random.default_rng(0).standard_normal(entry["input"]["shape"]).astype(np.float32)
    feed = {entry["input"]["name"]: x}
    for _ in range(WARMUP):
        sess.run(None, feed)
    ms = []
    for _ in range(RUNS):
        t = time.perf_counter()
        sess.run(None, feed)
        ms.append((time.perf_counter() - t) * 1e3)
    ms.sort()
    return load, statistics.median(ms), ms[int(round((len(ms) - 1) * 0.9))]


print(f"CPU: {cpu()}; onnxruntime {ort.__version__}; {RUNS} runs after {WARMUP} warm-ups, 1 thread each\n")
print("| model | tract median ms | tract p90 | onnxruntime median ms | onnxruntime p90 | tract / onnxruntime | tract load ms | preprocess 4000x3000 ms |")
print("|---|---|---|---|---|---|---|---|")
for model_id in MODELS:
    entry = next(m for m in manifest["models"] if m["id"] == model_id)
    out = subprocess.run([str(effnet), "bench", "--model", model_id, "--runs", str(RUNS), "--warmup", str(WARMUP), "--json"],
                         cwd=REPO, check=True, capture_output=True, text=True)
    ours = json.loads(out.stdout)
    _, med, p90 = ort_times(entry)
    i = ours["inference"]
    print(f"| {model_id} | {i['median_ms']:.2f} | {i['p90_ms']:.2f} | {med:.2f} | {p90:.2f} | "
          f"{i['median_ms'] / med:.2f} | {ours['load_ms']:.0f} | {ours['preprocess_4000x3000']['median_ms']:.1f} |")
