"""`npm run bench:zoo` helper: seeded random-weight exports of manifest models whose weights are
not here, written to DIR (inference time does not depend on the weight values).

Usage: python bench/zoo_export.py DIR ID ...   prints one JSON line per model: {id, file, bytes}
Reuses the model-tool tests' export (tests/models/test_zoo.py: export_random).
"""
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "models" / "tool"), str(REPO / "tests" / "models")]

from test_zoo import export_random  # noqa: E402

out, ids = Path(sys.argv[1]), sys.argv[2:]
manifest = json.loads((REPO / "models" / "manifest.json").read_text())
for entry in manifest["models"]:
    if entry["id"] in ids:
        path = export_random(entry, out)
        print(json.dumps({"id": entry["id"], "file": path.name, "bytes": path.stat().st_size}), flush=True)
