"""Read PyTorch checkpoints (`torch.save` of a state dict) without PyTorch, in both formats.

Legacy (before PyTorch 1.6): pickle(magic) pickle(protocol 1001) pickle(sys_info)
pickle(state_dict) pickle(storage keys) then, per key in that order, an 8-byte little-endian
element count followed by the storage's raw little-endian data.

Zip (PyTorch 1.6 and later, the default since): a zip archive whose one top folder holds
`data.pkl` (the state dict), `data/<key>` (each storage's raw bytes) and optionally
`byteorder` ("little" or "big").

In both, tensors in the state dict are `torch._utils._rebuild_tensor_v2(storage, offset,
size, stride, ...)` calls whose storage is a persistent id ('storage', StorageType, key,
location, numel). The unpickler admits only those names (no other code runs).
"""
from __future__ import annotations

import io
import pickle
import struct
import zipfile
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
    "BFloat16Storage": "bfloat16",  # numpy has none: widened to float32 on read
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


def _rebuild_parameter(data, *_rest):
    return data


class _Unpickler(pickle.Unpickler):
    def find_class(self, module, name):
        if module == "torch._utils" and name in ("_rebuild_tensor_v2", "_rebuild_tensor"):
            return _rebuild_tensor_v2 if name.endswith("v2") else _rebuild_tensor
        if module == "torch._utils" and name == "_rebuild_parameter":
            return _rebuild_parameter
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
    """Return the checkpoint's state dict, in file order, as numpy arrays (either format)."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:4] == b"PK\x03\x04":
        return _load_zip(path, data)
    return _load_legacy(path, data)


def _state_of(state):
    """A training checkpoint (timm's train.py) wraps the state dict; take the model's own."""
    if isinstance(state, dict):
        for key in ("state_dict", "model"):
            if isinstance(state.get(key), dict):
                return state[key]
    if not isinstance(state, dict):
        raise CheckpointError(f"the checkpoint holds a {type(state).__name__}, not a state dict")
    return state


def _view(buf, dtype, byteorder: str, t: _TensorRef, start: int, numel: int) -> np.ndarray:
    """The tensor `t` of a storage of `numel` elements at `buf[start:]`, as an owned array."""
    if dtype == "bfloat16":
        raw = np.frombuffer(buf, dtype=np.dtype("u2").newbyteorder(byteorder), count=numel, offset=start)
        flat = (raw.astype(np.uint32) << 16).view(np.float32)
    else:
        flat = np.frombuffer(buf, dtype=np.dtype(dtype).newbyteorder(byteorder), count=numel, offset=start)
    if t.size and t.offset + 1 + sum((n - 1) * s for n, s in zip(t.size, t.stride)) > numel:
        raise CheckpointError(f"tensor of size {t.size} runs past its storage of {numel} elements")
    arr = np.lib.stride_tricks.as_strided(
        flat[t.offset:], shape=t.size, strides=tuple(s * flat.itemsize for s in t.stride)
    )
    return np.array(arr, dtype=arr.dtype.newbyteorder("=") if arr.dtype.byteorder != "|" else arr.dtype)


def _itemsize(dtype) -> int:
    return 2 if dtype == "bfloat16" else np.dtype(dtype).itemsize


def _load_legacy(path: str, data: bytes) -> "OrderedDict[str, np.ndarray]":
    buf = io.BytesIO(data)
    try:
        magic = pickle.load(buf)
        if magic != MAGIC:
            raise CheckpointError(f"{path}: not a PyTorch checkpoint (neither a zip archive nor the legacy magic number)")
        protocol = pickle.load(buf)
        if protocol != PROTOCOL:
            raise CheckpointError(f"{path}: unsupported protocol version {protocol}")
        pickle.load(buf)  # sys info: endianness and type sizes
        state = _Unpickler(buf).load()
        keys = pickle.load(buf)
    except (pickle.UnpicklingError, EOFError, ValueError, TypeError) as e:
        raise CheckpointError(f"{path}: unreadable checkpoint ({e})") from e
    state = _state_of(state)

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
        end = buf.tell() + numel * _itemsize(dtypes[key])
        if end > len(data):
            raise CheckpointError(f"{path}: truncated inside storage {key}")
        buf.seek(end)
    if buf.tell() != len(data):
        raise CheckpointError(f"{path}: {len(data) - buf.tell()} trailing bytes")

    out = OrderedDict()
    for name, t in state.items():
        if isinstance(t, _TensorRef):
            start, numel = storages[t.storage.key]
            out[name] = _view(data, t.storage.dtype, "<", t, start, numel)
    return out


def _load_zip(path: str, data: bytes) -> "OrderedDict[str, np.ndarray]":
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        pkls = [n for n in zf.namelist() if n.endswith("/data.pkl") and n.count("/") == 1]
        if len(pkls) != 1:
            raise CheckpointError(f"{path}: a zip archive but not a PyTorch checkpoint (no single */data.pkl)")
        root = pkls[0][: -len("data.pkl")]
        names = set(zf.namelist())
        byteorder = "<"
        if f"{root}byteorder" in names and zf.read(f"{root}byteorder").strip() == b"big":
            byteorder = ">"
        state = _state_of(_Unpickler(io.BytesIO(zf.read(pkls[0]))).load())
        out = OrderedDict()
        loaded = {}
        for name, t in state.items():
            if not isinstance(t, _TensorRef):
                continue
            key = t.storage.key
            if key not in loaded:
                member = f"{root}data/{key}"
                if member not in names:
                    raise CheckpointError(f"{path}: storage {key} of tensor {name} is missing from the archive")
                loaded[key] = zf.read(member)
            raw = loaded[key]
            if len(raw) < t.storage.numel * _itemsize(t.storage.dtype):
                raise CheckpointError(f"{path}: storage {key} is truncated")
            out[name] = _view(raw, t.storage.dtype, byteorder, t, 0, t.storage.numel)
        return out
    except (zipfile.BadZipFile, pickle.UnpicklingError, EOFError, ValueError, TypeError) as e:
        raise CheckpointError(f"{path}: unreadable checkpoint ({e})") from e
