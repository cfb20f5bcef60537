"""`npm run bench:jpeg`: how close the CLI and Node are to the reference pipeline (PIL decode,
timm's eval transform, the same ONNX file in onnxruntime) on real photos that are not test
fixtures: scikit-image 0.26's other sample photos, from its wheel on PyPI. Two are JPEGs as
shipped (hubble_deep_field, retina); the others are PNG photos that PIL encodes here as a
camera would (quality 85; 4:2:0, and 4:2:2 / 4:4:4 / progressive for some). Prints, per model,
the top-1 agreement and max |p - p_ref| over the 1000 classes for: the CLI (native), Node
(the npm package), and Node's previous decoder (the `image` crate in wasm). Asserts nothing.
"""
import json
import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import numpy as np
import onnxruntime as ort
from PIL import Image

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "models" / "tool"))
import reference  # noqa: E402

MODELS = sys.argv[1:] or ["efficientnet-lite0", "efficientnet-lite1"]
AS_SHIPPED = ["hubble_deep_field.jpg", "retina.jpg"]
# PNG photo -> PIL save options
ENCODE = {
    "motorcycle_left.png": dict(subsampling=2), "motorcycle_right.png": dict(subsampling=2, progressive=True),
    "camera.png": dict(subsampling=2), "brick.png": dict(subsampling=1), "grass.png": dict(subsampling=2),
    "gravel.png": dict(subsampling=0), "coins.png": dict(subsampling=2), "moon.png": dict(subsampling=2),
    "ihc.png": dict(subsampling=1), "cell.png": dict(subsampling=2), "clock_motion.png": dict(subsampling=0),
}
target = Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target"))
cache = Path(os.environ.get("EFFNET_CACHE", Path.home() / ".cache" / "effnet-wasm")) / "held-out"


def photos(out: Path) -> list[Path]:
    cache.mkdir(parents=True, exist_ok=True)
    wheels = list(cache.glob("scikit_image-0.26.0-*.whl"))
    if not wheels:
        subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--only-binary=:all:",
                        "scikit-image==0.26.0", "-d", str(cache)], check=True)
        wheels = list(cache.glob("scikit_image-0.26.0-*.whl"))
    made = []
    with zipfile.ZipFile(wheels[0]) as z:
        for name in AS_SHIPPED:
            (out / name).write_bytes(z.read(f"skimage/data/{name}"))
            made.append(out / name)
        for name, opts in ENCODE.items():
            with z.open(f"skimage/data/{name}") as f:
                jpg = out / name.replace(".png", ".jpg")
                Image.open(f).convert("RGB").save(jpg, quality=85, **opts)
                made.append(jpg)
    return made


def softmax(z):
    e = np.exp(z - z.max())
    return e / e.sum()


def main() -> None:
    manifest = {m["id"]: m for m in json.loads((REPO / "models" / "manifest.json").read_text())["models"]}
    with tempfile.TemporaryDirectory(prefix="effnet-heldout.") as tmp:
        files = photos(Path(tmp))
        for model in MODELS:
            entry = manifest[model]
            sess = ort.InferenceSession(str(REPO / "models" / entry["file"]), providers=["CPUExecutionProvider"])
            ref = {f.name: softmax(sess.run(None, {entry["input"]["name"]: reference.preprocess(Image.open(f), entry["preprocess"])})[0][0].astype(np.float64))
                   for f in files}
            cli = subprocess.run([str(target / "release" / "effnet"), "classify", "--model", model, "--json", "--top-k", "1000",
                                  *map(str, files)], capture_output=True, text=True, check=True, cwd=REPO)
            got = {"CLI (native)": {}}
            for line in cli.stdout.splitlines():
                r = json.loads(line)
                p = np.zeros(1000)
                for c in r["top"]:
                    p[c["index"]] = c["score"]
                got["CLI (native)"][Path(r["file"]).name] = p
            node = subprocess.run(["node", str(REPO / "bench" / "jpeg_agreement.mjs"), model, *map(str, files)],
                                  capture_output=True, text=True, check=True, cwd=REPO)
            for label, per_file in json.loads(node.stdout).items():
                got[label] = {Path(k).name: np.array(v) for k, v in per_file.items()}
            print(f"\n{model}, {len(files)} photos")
            print("| decoder | top-1 = reference | max |p - p_ref| | median over photos of max |p - p_ref| |")
            print("|---|---|---|---|")
            for label, per_file in got.items():
                d = [float(np.abs(per_file[n] - ref[n]).max()) for n in ref]
                top = sum(int(per_file[n].argmax() == ref[n].argmax()) for n in ref)
                print(f"| {label} | {top} of {len(ref)} | {max(d):.1e} | {np.median(d):.1e} |")


if __name__ == "__main__":
    main()
