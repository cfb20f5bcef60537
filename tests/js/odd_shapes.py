"""Writes a small ONNX classifier whose matrix products have awkward shapes, for the GEMM
kernel test (tests/js/kernels.test.mjs): channel counts 13 and 7 (not multiples of the kernel's
4 rows) and a 75x75 feature map (5625 columns, not a multiple of its 8), with a bias fused
into each product (tract runs the clip, residual add and relu as operators of their own). Seeded random weights; the
input and output match Lite0's manifest entry (1x3x224x224 -> 1x1000 logits).

usage: odd_shapes.py OUT.onnx
"""

import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def main(out: str) -> None:
    rng = np.random.default_rng(7)
    inits = []

    def weight(name, *shape, scale=0.2):
        inits.append(numpy_helper.from_array((rng.standard_normal(shape) * scale).astype(np.float32), name))
        return name

    nodes = [
        # 224 -> 75: (224 + 2 - 3) / 3 + 1
        helper.make_node("Conv", ["input", weight("w0", 13, 3, 3, 3), weight("b0", 13)], ["c0"],
                         kernel_shape=[3, 3], strides=[3, 3], pads=[1, 1, 1, 1]),
        helper.make_node("Clip", ["c0", "zero", "six"], ["x0"]),
        helper.make_node("Conv", ["x0", weight("w1", 7, 13, 1, 1), weight("b1", 7)], ["c1"], kernel_shape=[1, 1]),
        helper.make_node("Clip", ["c1", "zero", "six"], ["x1"]),
        helper.make_node("Conv", ["x1", weight("w2", 13, 7, 1, 1), weight("b2", 13)], ["c2"], kernel_shape=[1, 1]),
        helper.make_node("Add", ["c2", "x0"], ["r"]),
        helper.make_node("Relu", ["r"], ["x2"]),
        helper.make_node("Conv", ["x2", weight("w3", 1000, 13, 1, 1), weight("b3", 1000)], ["c3"], kernel_shape=[1, 1]),
        helper.make_node("GlobalAveragePool", ["c3"], ["p"]),
        helper.make_node("Flatten", ["p"], ["logits"], axis=1),
    ]
    inits += [numpy_helper.from_array(np.array(0, np.float32), "zero"), numpy_helper.from_array(np.array(6, np.float32), "six")]
    graph = helper.make_graph(
        nodes, "odd-shapes",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 3, 224, 224])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, [1, 1000])],
        inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, out)


if __name__ == "__main__":
    main(sys.argv[1])
