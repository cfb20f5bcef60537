"""timm's eval preprocessing, re-stated with PIL + numpy (no torch): the reference the
crate's preprocessing is tested against.

torchvision Resize(int) on a PIL image: short side -> n, long side -> int(n * long / short),
PIL resize with the filter; CenterCrop: offsets int(round((dim - crop) / 2)) (Python's
round-half-even); ToTensor: /255 in float32; Normalize: (x - mean) / std in float32.
"""
from __future__ import annotations

import math

import numpy as np
from PIL import Image

FILTERS = {"bicubic": Image.BICUBIC, "bilinear": Image.BILINEAR}


def resize_short_side(img: Image.Image, short: int, interpolation: str) -> Image.Image:
    w, h = img.size
    if w <= h:
        nw, nh = short, int(short * h / w)
    else:
        nw, nh = int(short * w / h), short
    return img.resize((nw, nh), FILTERS[interpolation])


def center_crop(img: Image.Image, size: int) -> Image.Image:
    w, h = img.size
    top = int(round((h - size) / 2.0))
    left = int(round((w - size) / 2.0))
    return img.crop((left, top, left + size, top + size))


def preprocess(img: Image.Image, pre: dict, layout: str = "NCHW") -> np.ndarray:
    """Manifest preprocessing -> float32 tensor with a batch axis."""
    img = img.convert("RGB")
    size = pre["size"]
    img = resize_short_side(img, math.floor(size / pre["cropPct"]), pre["interpolation"])
    img = center_crop(img, size)
    x = np.asarray(img, dtype=np.uint8).astype(np.float32)
    vr = np.float32(pre["valueRange"])
    x = x / np.float32(255.0) if pre["valueRange"] == 1.0 else x * (vr / np.float32(255.0))
    x = (x - np.array(pre["mean"], np.float32)) / np.array(pre["std"], np.float32)
    if pre["channelOrder"] == "BGR":
        x = x[..., ::-1]
    if layout == "NCHW":
        x = x.transpose(2, 0, 1)
    return np.ascontiguousarray(x[None], dtype=np.float32)


def softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max()
    e = np.exp(z)
    return e / e.sum()
