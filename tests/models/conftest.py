import json
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "models" / "tool"))
# tools/random_weights.py: the seeded random-weight exports, shared with bench/zoo.mjs
sys.path.insert(0, str(REPO / "tools"))


@pytest.fixture(scope="session")
def manifest():
    return json.loads((REPO / "models" / "manifest.json").read_text())


@pytest.fixture(scope="session")
def reference():
    return json.loads((REPO / "tests" / "fixtures" / "reference.json").read_text())
