"""int8 storage: static quantisation of an fp32 graph with onnxruntime's quantiser, calibrated
on the fixture photos.

Calibration: the four photos of tests/fixtures, each as the model's own preprocessing gives it
(reference.py), mirrored, and through two off-centre crops: 16 inputs. Activation ranges are
their min/max (onnxruntime's MinMax calibrator), rounded to 4 significant digits before they
become scales, so the file does not depend on the last bits of onnxruntime's float sums (which
can differ with the CPU's SIMD path). Weights: int8, symmetric, one scale per output channel
(per-tensor scales break on depthwise convolutions, whose channels differ by orders of
magnitude), 7-bit (`reduce_range`: within +-64); activations: uint8 with a zero point.

Why 7-bit: x86 CPUs without AVX-512 VNNI multiply u8 x s8 with `vpmaddubsw`, which adds pairs
of products in 16 bits with saturation. With +-127 weights a pair reaches 2 * 255 * 127 =
64770 and saturates: onnxruntime on such a CPU changed the top-1 on two fixture photos. Within
+-64 a pair is at most 32640 < 32767, on any CPU. Measured (tests/models/ort_agreement.py,
onnxruntime 1.31.1 under qemu's Haswell and natively on a VNNI host): 8-bit weights gave 2 of
4 top-1s under Haswell (max |dp| 0.49), 4 of 4 with VNNI (0.059); 7-bit weights give 4 of 4 on
both, max |dp| 0.047 on both, so the coarser weights cost nothing measurable here.

`fmt` is how the result is written: QDQ (QuantizeLinear/DequantizeLinear pairs around the
float ops; the build's choice) or QOperator (QLinearConv). models/README.md has what each
does in tract: QDQ keeps the float kernels, QLinearConv runs tract's integer path, 4-8x slower.
"""
from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import onnx
from PIL import Image, ImageOps

import reference

FIXTURES = Path(__file__).resolve().parents[2] / "tests" / "fixtures"
PHOTOS = ["astronaut.png", "chelsea.png", "coffee.png", "rocket.jpg"]


def calibration_inputs(entry: dict) -> list[np.ndarray]:
    pre, layout = entry["preprocess"], entry["input"]["layout"]
    out = []
    for name in PHOTOS:
        img = Image.open(FIXTURES / name).convert("RGB")
        w, h = img.size
        for v in (img, ImageOps.mirror(img),
                  img.crop((0, 0, int(w * 0.8), int(h * 0.8))),
                  img.crop((int(w * 0.2), int(h * 0.2), w, h))):
            out.append(reference.preprocess(v, pre, layout))
    return out


def _round_ranges(ranges) -> None:
    """Min/max to 4 significant digits, in place (see the module docstring)."""
    for name in list(ranges.keys()):
        lo, hi = (float(f"{float(np.asarray(v).reshape(-1)[0]):.4g}") for v in ranges[name].range_value)
        ranges[name] = type(ranges[name])(lowest=np.array(lo, np.float32), highest=np.array(hi, np.float32))


def quantize(model: onnx.ModelProto, entry: dict, fmt: str = "QDQ", per_channel: bool = True,
             activations: str = "QUInt8", ops: list[str] | None = None,
             reduce_range: bool = True) -> onnx.ModelProto:
    ops = ops or (["Conv"] if fmt == "QOperator" else ["Conv", "Gemm", "Add", "Clip", "GlobalAveragePool"])
    from onnxruntime.quantization import CalibrationDataReader, CalibrationMethod, QuantType, create_calibrator
    from onnxruntime.quantization.onnx_quantizer import ONNXQuantizer
    from onnxruntime.quantization.qdq_quantizer import QDQQuantizer
    from onnxruntime.quantization.quant_utils import QuantizationMode

    class Reader(CalibrationDataReader):
        def __init__(self):
            self.it = iter([{entry["input"]["name"]: x} for x in calibration_inputs(entry)])

        def get_next(self):
            return next(self.it, None)

    with tempfile.TemporaryDirectory(prefix="effnet-quant.") as tmp:
        src = Path(tmp) / "fp32.onnx"
        onnx.save(model, str(src))
        cal = create_calibrator(src, ["Conv", "Gemm", "Add", "Clip", "GlobalAveragePool"],
                                augmented_model_path=str(Path(tmp) / "augmented.onnx"),
                                calibrate_method=CalibrationMethod.MinMax)
        cal.collect_data(Reader())
        ranges = cal.compute_data()
        del cal
    _round_ranges(ranges)
    act = getattr(QuantType, activations)
    if fmt == "QOperator":
        # only the standard-domain ops: QLinearAdd, QGemm, QLinearGlobalAveragePool are
        # onnxruntime's own (com.microsoft), which other runtimes do not know
        q = ONNXQuantizer(onnx.load_from_string(model.SerializeToString()), per_channel, reduce_range,
                          QuantizationMode.QLinearOps, True, QuantType.QInt8, act, ranges, None, None, ops, {})
    elif fmt == "QDQ":
        q = QDQQuantizer(onnx.load_from_string(model.SerializeToString()), per_channel, reduce_range, QuantType.QInt8, act,
                         ranges, None, None, ops, {})
    else:
        raise ValueError(f"unknown quantisation format {fmt!r}")
    q.quantize_model()
    q.model.topological_sort()
    out = q.model.model
    onnx.checker.check_model(out)
    return out
