"""The manifest's eval preprocessing, re-stated with PIL + numpy (no torch, no TF): the
reference the crate's preprocessing is tested against.

shortSideThenCenterCrop (timm): torchvision Resize(int) on a PIL image: short side -> n, long
side -> int(n * long / short), PIL resize with the filter; CenterCrop: offsets
int(round((dim - crop) / 2)) (Python's round-half-even); ToTensor: /255 in float32;
Normalize: (x - mean) / std in float32.

centerCropThenResize (TF EfficientNet's preprocessing._decode_and_center_crop): a centred
square of side int(float32(size / (size + padding)) * float32(min(h, w))) at offsets
((dim - side + 1) // 2), then resized to size x size. TF resizes with tf.image.resize_bicubic
on float pixels (no antialiasing, no rounding to 8 bits); this reference, like the crate,
resizes with PIL's filter instead (see models/README.md).
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


def tf_center_crop_box(w: int, h: int, size: int, padding: int) -> tuple[int, int, int, int]:
    side = max(1, int(np.float32(size / (size + padding)) * np.float32(min(h, w))))
    top, left = (h - side + 1) // 2, (w - side + 1) // 2
    return left, top, left + side, top + side


def crop(img: Image.Image, pre: dict) -> Image.Image:
    """The manifest's resize + crop: the RGB size x size image the model sees."""
    img = img.convert("RGB")
    size = pre["size"]
    if pre["resize"] == "shortSideThenCenterCrop":
        return center_crop(resize_short_side(img, math.floor(size / pre["cropPct"]), pre["interpolation"]), size)
    if pre["resize"] == "centerCropThenResize":
        box = tf_center_crop_box(*img.size, size, pre["cropPadding"])
        return img.crop(box).resize((size, size), FILTERS[pre["interpolation"]])
    raise ValueError(f"unknown resize mode {pre['resize']!r}")


def normalize(rgb: np.ndarray, pre: dict) -> np.ndarray:
    """H x W x 3 uint8 RGB -> float32 H x W x 3 in the model's channel order."""
    x = rgb.astype(np.float32)
    vr = np.float32(pre["valueRange"])
    x = x / np.float32(255.0) if pre["valueRange"] == 1.0 else x * (vr / np.float32(255.0))
    x = (x - np.array(pre["mean"], np.float32)) / np.array(pre["std"], np.float32)
    if pre["channelOrder"] == "BGR":
        x = x[..., ::-1]
    return x


def preprocess(img: Image.Image, pre: dict, layout: str = "NCHW") -> np.ndarray:
    """Manifest preprocessing -> float32 tensor with a batch axis."""
    x = normalize(np.asarray(crop(img, pre), dtype=np.uint8), pre)
    if layout == "NCHW":
        x = x.transpose(2, 0, 1)
    return np.ascontiguousarray(x[None], dtype=np.float32)


def softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max()
    e = np.exp(z)
    return e / e.sum()
