"""One definition of the EfficientNet family (and its Lite variants) as a list of layers.

Block arguments are EfficientNet-B0's (Tan & Le 2019, table 1), written in the string
notation of the TF reference and timm: `ir_r2_k3_s2_e6_c24` = inverted residual, 2 repeats,
3x3 depthwise kernel, stride 2, expansion 6, 24 output channels; `ds` = depthwise-separable.
Compound scaling multiplies channels by the width factor (rounded to a multiple of 8 the way
timm's `round_channels` does) and repeats by the depth factor (ceil). Lite (the TF
EfficientNet-Lite release): ReLU6 instead of Swish, no squeeze-excitation, stem (32) and head
(1280) not scaled, first and last stage not repeated more.

Each layer names its parameters as timm's state dict does, in timm's order, so checkpoints in
timm naming (or any with the same key order) map one to one.
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

# Lite variants: (width, depth) multipliers; resolution comes from the manifest.
LITE_SCALING = {
    "efficientnet-lite0": (1.0, 1.0),
    "efficientnet-lite1": (1.0, 1.1),
    "efficientnet-lite2": (1.1, 1.2),
    "efficientnet-lite3": (1.2, 1.4),
    "efficientnet-lite4": (1.4, 1.8),
}


def round_channels(ch: float, multiplier: float, divisor: int = 8, round_limit: float = 0.9) -> int:
    """timm's round_channels / make_divisible."""
    v = ch * multiplier
    new_v = max(divisor, int(v + divisor / 2) // divisor * divisor)
    if new_v < round_limit * v:
        new_v += divisor
    return new_v


@dataclass
class Conv:
    """Convolution + folded BatchNorm (+ activation). TF 'same' padding."""
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
class Block:
    """A residual unit: its convs in order, with a skip when shapes allow it."""
    convs: list[Conv]
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

    def params(self):
        """(timm key, shape) in timm's state-dict order (num_batches_tracked left out)."""
        yield from self.stem.params()
        for b in self.blocks:
            for c in b.convs:
                yield from c.params()
        yield from self.head.params()
        yield from self.classifier.params()

    def param_count(self) -> int:
        """Trainable parameters, as model cards count them (BatchNorm running stats are buffers)."""
        return sum(math.prod(s) for k, s in self.params() if ".running_" not in k)


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


def efficientnet_lite(width: float, depth: float, num_classes: int = 1000) -> Network:
    stages = [_decode(s) for s in B0_BLOCKS]
    act = "relu6"
    stem_ch = 32  # Lite: fixed stem
    stem = Conv("conv_stem", "bn1", 3, stem_ch, 3, stride=2, act=act)
    blocks = []
    cin = stem_ch
    last = len(stages) - 1
    for si, st in enumerate(stages):
        # Lite: the first and last stage keep their depth
        repeats = st.repeats if si in (0, last) else int(math.ceil(st.repeats * depth))
        cout = round_channels(st.cout, width)
        for bi in range(repeats):
            stride = st.stride if bi == 0 else 1
            p = f"blocks.{si}.{bi}"
            if st.kind == "ds":
                convs = [
                    Conv(f"{p}.conv_dw", f"{p}.bn1", cin, cin, st.k, stride, groups=cin, act=act),
                    Conv(f"{p}.conv_pw", f"{p}.bn2", cin, cout, 1, act=None),
                ]
            else:
                mid = cin * st.expand
                convs = [
                    Conv(f"{p}.conv_pw", f"{p}.bn1", cin, mid, 1, act=act),
                    Conv(f"{p}.conv_dw", f"{p}.bn2", mid, mid, st.k, stride, groups=mid, act=act),
                    Conv(f"{p}.conv_pwl", f"{p}.bn3", mid, cout, 1, act=None),
                ]
            blocks.append(Block(convs, skip=(stride == 1 and cin == cout)))
            cin = cout
    head_ch = 1280  # Lite: fixed head
    head = Conv("conv_head", "bn2", cin, head_ch, 1, act=act)
    return Network(stem, blocks, head, Linear("classifier", head_ch, num_classes), bn_eps=1e-3, act=act)


def build(arch: dict) -> Network:
    family = arch["family"]
    if family == "efficientnet-lite":
        return efficientnet_lite(arch["width"], arch["depth"])
    raise ValueError(f"unknown architecture family {family!r}")
