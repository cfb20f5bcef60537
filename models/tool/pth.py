"""Read PyTorch's legacy (pre-1.6, non-zip) checkpoints without PyTorch.

Layout: pickle(magic) pickle(protocol 1001) pickle(sys_info) pickle(state_dict)
pickle(storage keys) then, per key in that order, an 8-byte little-endian element
count followed by the storage's raw little-endian data. Tensors in the state dict
are `torch._utils._rebuild_tensor_v2(storage, offset, size, stride, ...)` calls whose
storage is a persistent id ('storage', StorageType, key, location, numel).
"""
from __future__ import annotations

import io
import pickle
import struct
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

MAGIC = 0x1950A86A20F9469CFC6C
PROTOCOL = 1001

_DTYPES = {
    "FloatStorage": np.float32,
    "DoubleStorage": np.float64,
    "HalfStorage": np.float16,
    "LongStorage": np.int64,
    "IntStorage": np.int32,
    "ShortStorage": np.int16,
    "CharStorage": np.int8,
    "ByteStorage": np.uint8,
    "BoolStorage": np.bool_,
}


class CheckpointError(Exception):
    pass


@dataclass
class _StorageRef:
    key: str
    dtype: type
    numel: int


@dataclass
class _TensorRef:
    storage: _StorageRef
    offset: int
    size: tuple
    stride: tuple


class _StorageType:
    def __init__(self, name: str):
        if name not in _DTYPES:
            raise CheckpointError(f"unsupported storage type {name}")
        self.dtype = _DTYPES[name]


def _rebuild_tensor_v2(storage, offset, size, stride, *_rest):
    return _TensorRef(storage, offset, tuple(size), tuple(stride))


def _rebuild_tensor(storage, offset, size, stride):
    return _TensorRef(storage, offset, tuple(size), tuple(stride))


class _Unpickler(pickle.Unpickler):
    def find_class(self, module, name):
        if module == "torch._utils" and name in ("_rebuild_tensor_v2", "_rebuild_tensor"):
            return _rebuild_tensor_v2 if name.endswith("v2") else _rebuild_tensor
        if module == "torch" and name.endswith("Storage"):
            return _StorageType(name)
        if module == "collections" and name == "OrderedDict":
            return OrderedDict
        raise CheckpointError(f"checkpoint references {module}.{name}, which this reader does not allow")

    def persistent_load(self, pid):
        if not (isinstance(pid, tuple) and pid and pid[0] == "storage"):
            raise CheckpointError(f"unexpected persistent id {pid!r}")
        _, stype, key, _location, numel = pid[:5]
        return _StorageRef(str(key), stype.dtype, int(numel))


def load_state_dict(path: str) -> "OrderedDict[str, np.ndarray]":
    """Return the checkpoint's state dict, in file order, as numpy arrays."""
    with open(path, "rb") as f:
        data = f.read()
    buf = io.BytesIO(data)
    try:
        magic = pickle.load(buf)
        if magic != MAGIC:
            raise CheckpointError(f"{path}: not a legacy PyTorch checkpoint (bad magic number)")
        protocol = pickle.load(buf)
        if protocol != PROTOCOL:
            raise CheckpointError(f"{path}: unsupported protocol version {protocol}")
        pickle.load(buf)  # sys info: endianness and type sizes
        state = _Unpickler(buf).load()
        keys = pickle.load(buf)
    except (pickle.UnpicklingError, EOFError) as e:
        raise CheckpointError(f"{path}: unreadable checkpoint ({e})") from e
    if isinstance(state, dict) and "state_dict" in state:
        state = state["state_dict"]

    storages = {}
    dtypes = {t.storage.key: t.storage.dtype for t in state.values() if isinstance(t, _TensorRef)}
    for key in keys:
        head = buf.read(8)
        if len(head) < 8:
            raise CheckpointError(f"{path}: truncated before storage {key}")
        (numel,) = struct.unpack("<q", head)
        if key not in dtypes:
            raise CheckpointError(f"{path}: storage {key} is used by no tensor")
        storages[key] = (buf.tell(), numel)
        end = buf.tell() + numel * np.dtype(dtypes[key]).itemsize
        if end > len(data):
            raise CheckpointError(f"{path}: truncated inside storage {key}")
        buf.seek(end)
    if buf.tell() != len(data):
        raise CheckpointError(f"{path}: {len(data) - buf.tell()} trailing bytes")

    out = OrderedDict()
    for name, t in state.items():
        if not isinstance(t, _TensorRef):
            continue
        start, numel = storages[t.storage.key]
        flat = np.frombuffer(data, dtype=np.dtype(t.storage.dtype).newbyteorder("<"), count=numel, offset=start)
        itemsize = flat.itemsize
        arr = np.lib.stride_tricks.as_strided(
            flat[t.offset:], shape=t.size, strides=tuple(s * itemsize for s in t.stride)
        )
        out[name] = np.array(arr)  # own the memory, contiguous
    return out
