"""Storage variants (fp16, int8): what the files hold, and that they are rebuilt byte for byte."""
import hashlib
import json
import shutil
import subprocess
import sys

import numpy as np
import onnx
import pytest
from onnx import TensorProto, numpy_helper
from PIL import Image

import build
import fp16
import ort_agreement
import quantize
import reference as ref
from conftest import REPO


def variants(manifest, storage):
    found = [m for m in manifest["models"] if m.get("storage") == storage]
    assert found, f"the manifest lists {storage} variants"
    return found


def base_of(manifest, entry):
    return next(m for m in manifest["models"] if m["id"] == entry["variantOf"])


def initializers(m):
    return {t.name: t for t in m.graph.initializer}


def test_fp16_files_store_every_weight_as_float16_and_compute_in_float32(manifest):
    for entry in variants(manifest, "fp16"):
        m = onnx.load(str(REPO / "models" / entry["file"]))
        base = onnx.load(str(REPO / "models" / base_of(manifest, entry)["file"]))
        inits = initializers(m)
        assert inits and all(t.data_type == TensorProto.FLOAT16 for t in inits.values()), entry["id"]
        # the same computation: the fp32 graph's nodes, after Casts (and Concats of slices) to float32
        casts = [n for n in m.graph.node if n.op_type == "Cast"]
        assert all(n.attribute[0].i == TensorProto.FLOAT for n in casts)
        assert [n for n in m.graph.node if n.op_type not in ("Cast", "Concat")] == list(base.graph.node)
        assert m.graph.input == base.graph.input and m.graph.output == base.graph.output
        # each weight is the fp32 one rounded to float16; no slice is over tract's fold budget in f32
        for t in base.graph.initializer:
            w = numpy_helper.to_array(t)
            if t.name + fp16.SUFFIX in inits:
                stored = numpy_helper.to_array(inits[t.name + fp16.SUFFIX])
                assert stored.nbytes * 2 <= fp16.FOLD_BUDGET, t.name
            else:  # sliced
                parts, i = [], 0
                while f"{t.name}.{i}{fp16.SUFFIX}" in inits:
                    parts.append(numpy_helper.to_array(inits[f"{t.name}.{i}{fp16.SUFFIX}"]))
                    i += 1
                assert len(parts) > 1 and all(p.nbytes * 2 <= fp16.FOLD_BUDGET for p in parts), t.name
                stored = np.concatenate(parts, 0)
            assert stored.dtype == np.float16 and np.array_equal(stored, w.astype(np.float16)), t.name
        size = sum(t.ByteSize() for t in m.graph.initializer)
        assert size < 0.51 * sum(t.ByteSize() for t in base.graph.initializer)


def test_int8_files_hold_quantised_weights(manifest):
    for entry in variants(manifest, "int8"):
        m = onnx.load(str(REPO / "models" / entry["file"]))
        base = onnx.load(str(REPO / "models" / base_of(manifest, entry)["file"]))
        inits = initializers(m)
        conv_weights = [n.input[1] for n in base.graph.node if n.op_type in ("Conv", "Gemm")]
        # every Conv/Gemm weight is int8, with one scale per output channel
        for name in conv_weights:
            q = inits[f"{name}_quantized"]
            assert q.data_type == TensorProto.INT8, name
            assert numpy_helper.to_array(inits[f"{name}_scale"]).size == q.dims[0], name
        assert not any(t.data_type == TensorProto.FLOAT and np.prod(t.dims) > 4096 for t in inits.values())
        ops = {n.op_type for n in m.graph.node}
        assert {"QuantizeLinear", "DequantizeLinear"} <= ops and all(n.domain in ("", "ai.onnx") for n in m.graph.node)
        assert entry["bytes"] < 0.3 * base_of(manifest, entry)["bytes"]


# onnxruntime's u8 x s8 kernels differ by CPU: with AVX-512 VNNI (vpdpbusd) products are summed
# in 32 bits; with AVX2 alone (vpmaddubsw) pairs of u8 x s8 products are summed in 16 bits,
# with saturation. Full-range int8 weights (+-127) then overflow (255 * 127 * 2 > 32767) and the
# answers change (chelsea.png: tiger cat -> Egyptian cat). The shipped weights are 7-bit.
INT16_MAX = 32767
HASWELL = ["qemu-x86_64", "-cpu", "Haswell"]  # AVX2 + FMA, no AVX-512, no VNNI


def test_int8_weights_cannot_saturate_a_16_bit_pair_sum(manifest):
    """Holds whatever the CPU: a bound on the stored values, not a run."""
    for entry in variants(manifest, "int8"):
        m = onnx.load(str(REPO / "models" / entry["file"]))
        weights = [numpy_helper.to_array(t) for t in m.graph.initializer if t.data_type == TensorProto.INT8]
        assert weights, entry["id"]
        widest = max(int(np.abs(w.astype(np.int32)).max()) for w in weights)
        assert 2 * 255 * widest <= INT16_MAX, (entry["id"], widest)
        acts = [t for t in m.graph.initializer if t.name.endswith("_zero_point") and t.data_type == TensorProto.UINT8]
        assert acts, "activations are uint8"


def test_an_int8_variant_under_onnxruntime_on_an_avx2_cpu_keeps_the_fp32_top1(manifest, tmp_path):
    """The quantised graph itself (no tract) in onnxruntime with its fused int8 kernels, on an
    emulated Haswell: qemu's CPU model, not the host's, picks the kernels, so the result is
    the same on any x86-64 machine (natively, a VNNI host would pass even with 8-bit weights).
    The Rust golden test covers tract."""
    assert shutil.which(HASWELL[0]), "qemu-x86_64 is needed (Debian: qemu-user; .ci/run installs it)"
    script = REPO / "tests" / "models" / "ort_agreement.py"
    for entry in variants(manifest, "int8"):
        base = base_of(manifest, entry)
        run = subprocess.run([*HASWELL, sys.executable, str(script), str(REPO / "models" / entry["file"]),
                              str(REPO / "models" / base["file"])], capture_output=True, text=True, timeout=600)
        assert run.returncode == 0, run.stderr[-2000:]
        got = json.loads(run.stdout.strip().splitlines()[-1])
        print(entry["id"], got)
        for photo in ort_agreement.PHOTOS:
            assert got[photo][0] == got[photo][1], (entry["id"], photo, got[photo])
        assert got["maxAbsDp"] < 0.08, got


def test_calibration_uses_the_models_own_preprocessing(manifest):
    entry = variants(manifest, "int8")[0]
    xs = quantize.calibration_inputs(entry)
    assert len(xs) == 16 and all(x.shape == tuple(entry["input"]["shape"]) for x in xs)
    first = ref.preprocess(Image.open(REPO / "tests" / "fixtures" / quantize.PHOTOS[0]), entry["preprocess"])
    assert np.array_equal(xs[0], first)
    assert len({x.tobytes() for x in xs}) == len(xs)  # mirrors and crops are other inputs


@pytest.mark.parametrize("storage", ["fp16", "int8"])
def test_a_variant_rebuilds_to_the_manifest_bytes(manifest, tmp_path, storage):
    entry = variants(manifest, storage)[0]
    out = tmp_path / entry["file"]
    build.build_variant(entry, base_of(manifest, entry), out)
    assert hashlib.sha256(out.read_bytes()).hexdigest() == entry["sha256"]
    assert out.stat().st_size == entry["bytes"]
