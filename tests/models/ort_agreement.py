"""A quantised variant against its fp32 model under onnxruntime, on the four fixture photos:
prints {"photo": [top1 of variant, top1 of fp32], ..., "maxAbsDp": float} as JSON.

Run by test_variants.py under `qemu-x86_64 -cpu Haswell` so that onnxruntime's CPU dispatch
picks the same integer kernels on every machine (see the test).
    python ort_agreement.py VARIANT.onnx FP32.onnx [--no-fused-int8]
"""
import json
import sys
from pathlib import Path

import numpy as np
import onnxruntime as ort
from PIL import Image

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "models" / "tool"))
import reference  # noqa: E402

PHOTOS = ["astronaut.png", "chelsea.png", "coffee.png", "rocket.jpg"]


def probabilities(path: str, xs: dict, fused: bool) -> dict:
    opts = ort.SessionOptions()
    if not fused:  # QDQ pairs run as float ops, no int8 kernels
        opts.add_session_config_entry("session.disable_quant_qdq", "1")
    s = ort.InferenceSession(path, opts, providers=["CPUExecutionProvider"])
    name = s.get_inputs()[0].name
    out = {}
    for photo, x in xs.items():
        z = s.run(None, {name: x})[0][0].astype(np.float64)
        e = np.exp(z - z.max())
        out[photo] = e / e.sum()
    return out


def main() -> None:
    variant, fp32 = sys.argv[1:3]
    fused = "--no-fused-int8" not in sys.argv
    manifest = json.loads((REPO / "models" / "manifest.json").read_text())
    entry = next(m for m in manifest["models"] if m.get("file") == Path(fp32).name)
    xs = {p: reference.preprocess(Image.open(REPO / "tests" / "fixtures" / p), entry["preprocess"]) for p in PHOTOS}
    q, f = probabilities(variant, xs, fused), probabilities(fp32, xs, True)
    result = {p: [int(q[p].argmax()), int(f[p].argmax())] for p in PHOTOS}
    result["maxAbsDp"] = float(max(np.abs(q[p] - f[p]).max() for p in PHOTOS))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
