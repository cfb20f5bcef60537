"""Emit an ONNX graph for a Network with given weights.

BatchNorm is folded into the preceding convolution, and TF 'same' padding becomes a static
(possibly asymmetric) pad computed for the model's fixed input size, so the graph has no
Shape/Pad leftovers and tract can optimise it fully.
"""
from __future__ import annotations

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from arch import Conv, Network

OPSET = 13
PRODUCER = "effnet-wasm models tool"


def same_pads(size: int, k: int, stride: int) -> tuple[int, int]:
    """TF 'SAME': total pad so that out = ceil(in / stride); the extra pixel goes after."""
    out = -(-size // stride)
    total = max((out - 1) * stride + k - size, 0)
    return total // 2, total - total // 2


def fold_bn(w: np.ndarray, gamma, beta, mean, var, eps: float):
    """Conv weight + BN stats -> folded weight and bias, computed in float64."""
    scale = gamma.astype(np.float64) / np.sqrt(var.astype(np.float64) + eps)
    wf = w.astype(np.float64) * scale[:, None, None, None]
    bf = beta.astype(np.float64) - mean.astype(np.float64) * scale
    return wf.astype(np.float32), bf.astype(np.float32)


class _Graph:
    def __init__(self):
        self.nodes, self.inits = [], []
        self._n = 0

    def name(self, base: str) -> str:
        self._n += 1
        return f"{base}_{self._n}"

    def const(self, name: str, arr: np.ndarray) -> str:
        self.inits.append(numpy_helper.from_array(arr, name))
        return name

    def node(self, op: str, inputs: list[str], base: str, **attrs) -> str:
        out = self.name(base)
        self.nodes.append(helper.make_node(op, inputs, [out], name=out, **attrs))
        return out


def to_onnx(net: Network, weights: dict, size: int, input_name: str = "input", output_name: str = "logits") -> onnx.ModelProto:
    """weights: timm key -> array for every key of net.params()."""
    g = _Graph()
    relu6_min = g.const("relu6_min", np.array(0.0, np.float32))
    relu6_max = g.const("relu6_max", np.array(6.0, np.float32))

    def conv(x: str, c: Conv, hw: int) -> tuple[str, int]:
        w, b = fold_bn(
            weights[f"{c.name}.weight"],
            *(weights[f"{c.bn}.{p}"] for p in ("weight", "bias", "running_mean", "running_var")),
            net.bn_eps,
        )
        lo, hi = same_pads(hw, c.k, c.stride)
        y = g.node(
            "Conv",
            [x, g.const(f"{c.name}.weight", w), g.const(f"{c.name}.bias", b)],
            c.name.replace(".", "_"),
            kernel_shape=[c.k, c.k],
            strides=[c.stride, c.stride],
            pads=[lo, lo, hi, hi],
            group=c.groups,
        )
        if c.act == "relu6":
            y = g.node("Clip", [y, relu6_min, relu6_max], "relu6")
        elif c.act is not None:
            raise ValueError(f"unsupported activation {c.act}")
        return y, -(-hw // c.stride)

    x, hw = conv(input_name, net.stem, size)
    for b in net.blocks:
        y = x
        for c in b.convs:
            y, hw = conv(y, c, hw)
        x = g.node("Add", [x, y], "residual") if b.skip else y
    x, hw = conv(x, net.head, hw)
    x = g.node("GlobalAveragePool", [x], "pool")
    x = g.node("Flatten", [x], "flatten", axis=1)
    fc = net.classifier
    g.nodes.append(
        helper.make_node(
            "Gemm",
            [x, g.const(f"{fc.name}.weight", weights[f"{fc.name}.weight"].astype(np.float32)),
             g.const(f"{fc.name}.bias", weights[f"{fc.name}.bias"].astype(np.float32))],
            [output_name],
            name="classifier",
            transB=1,
        )
    )
    graph = helper.make_graph(
        g.nodes,
        "effnet",
        [helper.make_tensor_value_info(input_name, TensorProto.FLOAT, [1, 3, size, size])],
        [helper.make_tensor_value_info(output_name, TensorProto.FLOAT, [1, fc.cout])],
        g.inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name=PRODUCER)
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model


def map_checkpoint(net: Network, state: dict) -> dict:
    """Map a checkpoint's tensors to timm keys by position, checking every shape."""
    src = [(k, v) for k, v in state.items() if not k.endswith("num_batches_tracked")]
    dst = list(net.params())
    if len(src) != len(dst):
        raise ValueError(f"checkpoint has {len(src)} tensors, the architecture needs {len(dst)}")
    out = {}
    for (sk, sv), (dk, ds) in zip(src, dst):
        if tuple(sv.shape) != tuple(ds):
            raise ValueError(f"checkpoint tensor {sk} has shape {tuple(sv.shape)}, {dk} needs {tuple(ds)}")
        out[dk] = sv
    return out
