"""Every pair's cosine, and the duplicate groups' pairwise precision and recall per threshold,
for a folder of near-duplicates (tools/tagger_photos.py similar DIR), from Lite0's pooled
features (the 1280 values before its classifier, L2-normalised: what the library's
embedding is) computed with onnxruntime and the manifest's preprocessing
(models/tool/reference.py). How www/tagger/duplicates.js's and taught.js's thresholds were
chosen, outside the browser; tests/js/tagger-similar.test.mjs prints the same from the
library's own embeddings.

    python tools/tagger_photos.py similar /tmp/similar
    python tools/similar_cosines.py /tmp/similar
"""

import itertools
import json
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
from PIL import Image

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "models/tool"))
from reference import preprocess  # noqa: E402

POOLED = "flatten_93"  # GlobalAveragePool -> Flatten, the Gemm's input


def embeddings(folder: Path) -> dict[str, np.ndarray]:
    model = onnx.load(REPO / "models/efficientnet-lite0.onnx")
    model.graph.output.append(onnx.helper.make_tensor_value_info(POOLED, onnx.TensorProto.FLOAT, None))
    sess = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    entry = next(e for e in json.loads((REPO / "models/manifest.json").read_text())["models"] if e["id"] == "efficientnet-lite0")
    out = {}
    for p in sorted(folder.iterdir()):
        x = preprocess(Image.open(p).convert("RGB"), entry["preprocess"])
        v = sess.run([POOLED], {"input": (x[None] if x.ndim == 3 else x).astype(np.float32)})[0][0]
        out[p.name] = v / np.linalg.norm(v)
    return out


def source(name: str) -> str:
    return name.split("-")[0].split(".")[0]


def groups(names, emb, t):
    parent = list(range(len(names)))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in itertools.combinations(range(len(names)), 2):
        if float(emb[names[i]] @ emb[names[j]]) >= t:
            a, b = find(i), find(j)
            parent[max(a, b)] = min(a, b)
    g = defaultdict(list)
    for i, n in enumerate(names):
        g[find(i)].append(n)
    return [v for v in g.values() if len(v) > 1]


def scores(gs, names):
    found = {p for g in gs for p in itertools.combinations(sorted(g), 2)}
    real = {(a, b) for a, b in itertools.combinations(sorted(names), 2) if source(a) == source(b)}
    right = len(found & real)
    return (right / len(found) if found else 1.0), right / len(real), len(found), len(real)


def main():
    folder = Path(sys.argv[1])
    emb = embeddings(folder)
    names = sorted(emb)
    same = defaultdict(list)
    other = []
    for a, b in itertools.combinations(names, 2):
        c = float(emb[a] @ emb[b])
        if source(a) == source(b):
            kind = lambda n: n.split("-")[1].split(".")[0] if "-" in n else "original"  # noqa: E731
            same[" / ".join(sorted((kind(a), kind(b))))].append(c)
        else:
            other.append(c)
    for k, v in sorted(same.items()):
        print(f"{k}: {min(v):.3f} to {max(v):.3f}")
    print(f"different photos: median {np.median(other):.3f}, highest {max(other):.3f}")
    unrotated = [n for n in names if "-rot90" not in n]
    for t in (0.5, 0.6, 0.7, 0.8, 0.85, 0.9):
        p, r, f, n = scores(groups(names, emb, t), names)
        _, ru, _, _ = scores([[x for x in g if x in unrotated] for g in groups(names, emb, t)], unrotated)
        print(f"threshold {t}: precision {p:.3f}, recall {r:.3f} ({f} pairs found, {n} real); without the rotated copies recall {ru:.3f}")


if __name__ == "__main__":
    main()
