"""Read .safetensors files with numpy alone.

The format (huggingface/safetensors): an 8-byte little-endian header length N, N bytes of
JSON `{name: {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}, "__metadata__":
{...}}`, then the raw little-endian data, offsets relative to its start. Tensors are
C-contiguous. Order is the header's (timm writes the state dict's order; JSON keeps it).
"""
from __future__ import annotations

import json
import math
import struct
from collections import OrderedDict

import numpy as np

from pth import CheckpointError

_DTYPES = {"F64": "<f8", "F32": "<f4", "F16": "<f2", "I64": "<i8", "I32": "<i4", "I16": "<i2",
           "I8": "i1", "U8": "u1", "BOOL": "?", "BF16": "bfloat16"}


def is_safetensors(data: bytes) -> bool:
    if len(data) < 10:
        return False
    (n,) = struct.unpack("<Q", data[:8])
    return 8 + n <= len(data) and data[8:9] == b"{"


def load_state_dict(path: str) -> "OrderedDict[str, np.ndarray]":
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 8:
        raise CheckpointError(f"{path}: too short for a safetensors file")
    (n,) = struct.unpack("<Q", data[:8])
    if 8 + n > len(data):
        raise CheckpointError(f"{path}: header length {n} runs past the end of the file")
    try:
        header = json.loads(data[8:8 + n], object_pairs_hook=OrderedDict)
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise CheckpointError(f"{path}: the safetensors header is not JSON ({e})") from e
    if not isinstance(header, dict):
        raise CheckpointError(f"{path}: the safetensors header is not a JSON object")
    body = memoryview(data)[8 + n:]
    out = OrderedDict()
    for name, info in header.items():
        if name == "__metadata__":
            continue
        if not isinstance(info, dict):
            raise CheckpointError(f"{path}: tensor {name} has no dtype/shape/data_offsets entry")
        dtype = _DTYPES.get(info.get("dtype"))
        if dtype is None:
            raise CheckpointError(f"{path}: tensor {name} has unsupported dtype {info.get('dtype')!r}")
        shape, offsets = info.get("shape"), info.get("data_offsets")
        # a hand-edited or foreign header gets a message naming the tensor, not a traceback
        if not (isinstance(shape, list) and all(isinstance(d, int) and d >= 0 for d in shape)):
            raise CheckpointError(f"{path}: tensor {name} has a malformed shape {shape!r}")
        if not (isinstance(offsets, list) and len(offsets) == 2 and all(isinstance(o, int) for o in offsets)):
            raise CheckpointError(f"{path}: tensor {name} has malformed data_offsets {offsets!r}")
        shape = tuple(shape)
        begin, end = offsets
        itemsize = 2 if dtype == "bfloat16" else np.dtype(dtype).itemsize
        if not 0 <= begin <= end <= len(body) or end - begin != math.prod(shape) * itemsize:
            raise CheckpointError(f"{path}: tensor {name} has data offsets {begin}..{end} that do not fit "
                                  f"its shape {list(shape)} or the file")
        if dtype == "bfloat16":
            raw = np.frombuffer(body[begin:end], dtype="<u2")
            arr = (raw.astype(np.uint32) << 16).view(np.float32)
        else:
            arr = np.frombuffer(body[begin:end], dtype=dtype).astype(np.dtype(dtype).newbyteorder("="))
        out[name] = arr.reshape(shape)
    return out
