"""One definition of the EfficientNet family (Lite, full, TF-ported) and of MobileNetV2, as a
list of layers.

Block arguments are EfficientNet-B0's (Tan & Le 2019, table 1), written in the string
notation of the TF reference and timm: `ir_r2_k3_s2_e6_c24` = inverted residual, 2 repeats,
3x3 depthwise kernel, stride 2, expansion 6, 24 output channels; `ds` = depthwise-separable.
Compound scaling multiplies channels by the width factor (rounded to a multiple of 8 the way
timm's `round_channels` does) and repeats by the depth factor (ceil). The families differ only
in the switches of `Family` below:

- `efficientnet-lite` (TF EfficientNet-Lite, timm `tf_efficientnet_lite*`): ReLU6, no
  squeeze-excitation, stem (32) and head (1280) not scaled, first and last stage not repeated
  more; TF 'same' padding, BatchNorm eps 1e-3.
- `efficientnet` (timm `efficientnet_b0`, gen-efficientnet-pytorch): Swish, SE (a quarter of
  the block's input channels), everything scaled; PyTorch symmetric padding, eps 1e-5.
- `efficientnet-tf` (TF `efficientnet-bN`, timm `tf_efficientnet_bN`): as `efficientnet` but
  TF 'same' padding, eps 1e-3, and the TF graph's input normalisation (ImageNet mean/std in
  0..255 units) is part of the network.
- `mobilenet-v2` (tonylins/pytorch-mobilenet-v2, torchvision's layout): ReLU6, no SE, its own
  stage table, symmetric padding, eps 1e-5.

Each layer names its parameters as the reference state dict does (timm for EfficientNet,
tonylins for MobileNetV2), in that state dict's order, so checkpoints map one to one.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

B0_BLOCKS = [
    "ds_r1_k3_s1_e1_c16",
    "ir_r2_k3_s2_e6_c24",
    "ir_r2_k5_s2_e6_c40",
    "ir_r3_k3_s2_e6_c80",
    "ir_r3_k5_s1_e6_c112",
    "ir_r4_k5_s2_e6_c192",
    "ir_r1_k3_s1_e6_c320",
]

# MobileNetV2 (Sandler et al. 2018, table 2; tonylins' `interverted_residual_setting`):
# stage 1 has no expansion, so it is a depthwise-separable block like EfficientNet's.
MOBILENET_V2_BLOCKS = [
    "ds_r1_k3_s1_e1_c16",
    "ir_r2_k3_s2_e6_c24",
    "ir_r3_k3_s2_e6_c32",
    "ir_r4_k3_s2_e6_c64",
    "ir_r3_k3_s1_e6_c96",
    "ir_r3_k3_s2_e6_c160",
    "ir_r1_k3_s1_e6_c320",
]

# Lite variants: (width, depth) multipliers; resolution comes from the manifest.
LITE_SCALING = {
    "efficientnet-lite0": (1.0, 1.0),
    "efficientnet-lite1": (1.0, 1.1),
    "efficientnet-lite2": (1.1, 1.2),
    "efficientnet-lite3": (1.2, 1.4),
    "efficientnet-lite4": (1.4, 1.8),
}

# TF EfficientNet normalises inside its graph (efficientnet_builder.MEAN_RGB / STDDEV_RGB):
# ImageNet's mean and std in 0..255 units.
TF_MEAN_RGB = [0.485 * 255, 0.456 * 255, 0.406 * 255]
TF_STDDEV_RGB = [0.229 * 255, 0.224 * 255, 0.225 * 255]


def round_channels(ch: float, multiplier: float, divisor: int = 8, round_limit: float = 0.9) -> int:
    """timm's round_channels / make_divisible."""
    v = ch * multiplier
    new_v = max(divisor, int(v + divisor / 2) // divisor * divisor)
    if new_v < round_limit * v:
        new_v += divisor
    return new_v


@dataclass
class Conv:
    """Convolution + folded BatchNorm (+ activation)."""
    name: str  # conv weight key, e.g. blocks.1.0.conv_pw
    bn: str  # BatchNorm prefix, e.g. blocks.1.0.bn1
    cin: int
    cout: int
    k: int
    stride: int = 1
    groups: int = 1
    act: str | None = "relu6"

    def params(self):
        yield f"{self.name}.weight", (self.cout, self.cin // self.groups, self.k, self.k)
        for p in ("weight", "bias", "running_mean", "running_var"):
            yield f"{self.bn}.{p}", (self.cout,)


@dataclass
class SqueezeExcite:
    """x * sigmoid(expand(act(reduce(mean(x))))), 1x1 convolutions with biases."""
    name: str  # e.g. blocks.1.0.se
    ch: int
    rd: int
    act: str = "swish"

    def params(self):
        yield f"{self.name}.conv_reduce.weight", (self.rd, self.ch, 1, 1)
        yield f"{self.name}.conv_reduce.bias", (self.rd,)
        yield f"{self.name}.conv_expand.weight", (self.ch, self.rd, 1, 1)
        yield f"{self.name}.conv_expand.bias", (self.ch,)


@dataclass
class Block:
    """A residual unit: its layers in order, with a skip when shapes allow it."""
    layers: list  # Conv | SqueezeExcite
    skip: bool


@dataclass
class Linear:
    name: str
    cin: int
    cout: int

    def params(self):
        yield f"{self.name}.weight", (self.cout, self.cin)
        yield f"{self.name}.bias", (self.cout,)


@dataclass
class Network:
    stem: Conv
    blocks: list[Block]
    head: Conv
    classifier: Linear
    bn_eps: float
    act: str
    padding: str = "same"  # 'same' (TF, static asymmetric pads) | 'symmetric' (PyTorch, k // 2)
    # (mean, std) per RGB channel in 0..255 units applied inside the graph (TF models), or None
    input_norm: tuple | None = None

    def layers(self):
        yield self.stem
        for b in self.blocks:
            yield from b.layers
        yield self.head

    def params(self):
        """(key, shape) in the reference state dict's order (num_batches_tracked left out)."""
        for layer in self.layers():
            yield from layer.params()
        yield from self.classifier.params()

    def param_count(self) -> int:
        """Trainable parameters, as timm and torchvision count them (BatchNorm's running
        statistics are buffers, not parameters)."""
        return sum(math.prod(s) for k, s in self.params() if ".running_" not in k)

    def folded_param_count(self) -> int:
        """Parameters of the inference graph once BatchNorm is folded into its convolution:
        each BatchNorm's scale and shift (2 per channel) become one bias per channel. This is
        what OpenVINO's model zoo reports as MParams (it counts the converted IR)."""
        bn_channels = sum(c.cout for c in self.layers() if isinstance(c, Conv))
        return self.param_count() - bn_channels


@dataclass
class _StageArgs:
    kind: str
    repeats: int
    k: int
    stride: int
    expand: int
    cout: int
    extra: dict = field(default_factory=dict)


def _decode(s: str) -> _StageArgs:
    kind, *opts = s.split("_")
    vals = {m.group(1): int(m.group(2)) for o in opts if (m := re.fullmatch(r"([a-z]+)(\d+)", o))}
    return _StageArgs(kind, vals["r"], vals["k"], vals["s"], vals["e"], vals["c"])


@dataclass(frozen=True)
class Family:
    act: str
    se: bool
    fixed_stem_head: bool  # Lite: stem 32 and head 1280 whatever the width
    fix_first_last: bool  # Lite: first and last stage keep their depth
    padding: str
    bn_eps: float
    tf_input_norm: bool = False


FAMILIES = {
    "efficientnet-lite": Family("relu6", False, True, True, "same", 1e-3),
    "efficientnet": Family("swish", True, False, False, "symmetric", 1e-5),
    "efficientnet-tf": Family("swish", True, False, False, "same", 1e-3, tf_input_norm=True),
}


def _timm_names(si: int, bi: int, kind: str) -> dict:
    p = f"blocks.{si}.{bi}"
    if kind == "ds":
        return {"dw": (f"{p}.conv_dw", f"{p}.bn1"), "pwl": (f"{p}.conv_pw", f"{p}.bn2"), "se": f"{p}.se"}
    return {"pw": (f"{p}.conv_pw", f"{p}.bn1"), "dw": (f"{p}.conv_dw", f"{p}.bn2"),
            "pwl": (f"{p}.conv_pwl", f"{p}.bn3"), "se": f"{p}.se"}


def _blocks(stages, cin, width, depth, fam: Family, names) -> tuple[list[Block], int]:
    """Stages -> blocks. `names(stage, index_in_stage, global_index, kind)` gives the keys."""
    blocks = []
    last = len(stages) - 1
    for si, st in enumerate(stages):
        keep = fam.fix_first_last and si in (0, last)
        repeats = st.repeats if keep else int(math.ceil(st.repeats * depth))
        cout = round_channels(st.cout, width)
        for bi in range(repeats):
            stride = st.stride if bi == 0 else 1
            n = names(si, bi, len(blocks), st.kind)
            mid = cin * st.expand
            layers = []
            if st.kind != "ds":
                layers.append(Conv(*n["pw"], cin, mid, 1, act=fam.act))
            layers.append(Conv(*n["dw"], mid, mid, st.k, stride, groups=mid, act=fam.act))
            if fam.se:
                # TF: num_reduced_filters = max(1, int(input_filters * se_ratio)), se_ratio 0.25
                layers.append(SqueezeExcite(n["se"], mid, max(1, int(cin * 0.25)), fam.act))
            layers.append(Conv(*n["pwl"], mid, cout, 1, act=None))
            blocks.append(Block(layers, skip=(stride == 1 and cin == cout)))
            cin = cout
    return blocks, cin


def efficientnet(family: str, width: float, depth: float, num_classes: int = 1000) -> Network:
    fam = FAMILIES[family]
    stages = [_decode(s) for s in B0_BLOCKS]
    stem_ch = 32 if fam.fixed_stem_head else round_channels(32, width)
    stem = Conv("conv_stem", "bn1", 3, stem_ch, 3, stride=2, act=fam.act)
    blocks, cin = _blocks(stages, stem_ch, width, depth, fam, lambda si, bi, _, kind: _timm_names(si, bi, kind))
    head_ch = 1280 if fam.fixed_stem_head else round_channels(1280, width)
    head = Conv("conv_head", "bn2", cin, head_ch, 1, act=fam.act)
    norm = (TF_MEAN_RGB, TF_STDDEV_RGB) if fam.tf_input_norm else None
    return Network(stem, blocks, head, Linear("classifier", head_ch, num_classes), bn_eps=fam.bn_eps,
                   act=fam.act, padding=fam.padding, input_norm=norm)


def efficientnet_lite(width: float, depth: float, num_classes: int = 1000) -> Network:
    return efficientnet("efficientnet-lite", width, depth, num_classes)


def mobilenet_v2(num_classes: int = 1000) -> Network:
    """tonylins/pytorch-mobilenet-v2 (width 1.0), the layout OpenVINO's mobilenet-v2-pytorch
    was converted from; torchvision's mobilenet_v2 has the same tensors in the same order."""
    fam = Family("relu6", False, True, False, "symmetric", 1e-5)
    stages = [_decode(s) for s in MOBILENET_V2_BLOCKS]

    def names(_si, _bi, i, kind):
        p = f"features.{i + 1}.conv"
        if kind == "ds":  # dw, bn, relu6, pw-linear, bn
            return {"dw": (f"{p}.0", f"{p}.1"), "pwl": (f"{p}.3", f"{p}.4")}
        return {"pw": (f"{p}.0", f"{p}.1"), "dw": (f"{p}.3", f"{p}.4"), "pwl": (f"{p}.6", f"{p}.7")}

    stem = Conv("features.0.0", "features.0.1", 3, 32, 3, stride=2, act="relu6")
    blocks, cin = _blocks(stages, 32, 1.0, 1.0, fam, names)
    last = f"features.{len(blocks) + 1}"
    head = Conv(f"{last}.0", f"{last}.1", cin, 1280, 1, act="relu6")
    # tonylins: classifier = Sequential(Dropout(0.2), Linear(1280, n))
    return Network(stem, blocks, head, Linear("classifier.1", 1280, num_classes), bn_eps=fam.bn_eps,
                   act="relu6", padding="symmetric")


def build(arch: dict) -> Network:
    family = arch["family"]
    if family in FAMILIES:
        return efficientnet(family, arch["width"], arch["depth"])
    if family == "mobilenet-v2":
        return mobilenet_v2()
    raise ValueError(f"unknown architecture family {family!r}")
