"""Read and write models/manifest.json, keeping short number lists on one line."""
from __future__ import annotations

import json
import re
from pathlib import Path


def load(path: Path) -> dict:
    with open(path) as f:
        return json.load(f)


def dumps(man: dict) -> str:
    text = json.dumps(man, indent=2, ensure_ascii=False)
    # [\n  1,\n  3\n] -> [1, 3] for arrays of numbers
    return re.sub(
        r"\[\s*([-\d.eE+]+(?:,\s*[-\d.eE+]+)*)\s*\]",
        lambda m: "[" + ", ".join(v.strip() for v in m.group(1).split(",")) + "]",
        text,
    ) + "\n"


def save(path: Path, man: dict) -> None:
    tmp = path.with_suffix(".json.part")
    tmp.write_text(dumps(man))
    tmp.replace(path)
