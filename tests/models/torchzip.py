"""Write a state dict as `torch.save` (PyTorch >= 1.6) does, without PyTorch, so the zip
reader can be tested on files laid out like real ones (torch/serialization.py `_save`):
a stored (uncompressed) zip with `<root>/data.pkl` (protocol 2), `<root>/data/<key>` raw
little-endian storages, `<root>/byteorder` and `<root>/version`. Tensors pickle as
`torch._utils._rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks)`;
storages as persistent ids ('storage', torch.<Type>Storage, key, 'cpu', numel).
"""
from __future__ import annotations

import io
import pickle
import sys
import types
import zipfile
from collections import OrderedDict

import numpy as np

_NAMES = {np.dtype("float32"): "FloatStorage", np.dtype("float16"): "HalfStorage",
          np.dtype("float64"): "DoubleStorage", np.dtype("int64"): "LongStorage"}


class _Storage:
    def __init__(self, key: str, arr: np.ndarray):
        self.key, self.arr = key, arr


class _Tensor:
    def __init__(self, storage: _Storage, shape, stride):
        self.storage, self.shape, self.stride = storage, shape, stride

    def __reduce__(self):
        torch_utils = sys.modules["torch._utils"]
        return (torch_utils._rebuild_tensor_v2,
                (self.storage, 0, tuple(self.shape), tuple(self.stride), False, OrderedDict()))


def _fake_torch():
    """Stand-ins that pickle under torch's names (pickle stores classes by module + name)."""
    torch = types.ModuleType("torch")
    utils = types.ModuleType("torch._utils")

    def _rebuild_tensor_v2(*a):  # never called: only its name is pickled
        raise AssertionError
    _rebuild_tensor_v2.__module__ = "torch._utils"
    _rebuild_tensor_v2.__qualname__ = "_rebuild_tensor_v2"
    utils._rebuild_tensor_v2 = _rebuild_tensor_v2
    torch._utils = utils
    for name in _NAMES.values():
        setattr(torch, name, type(name, (), {"__module__": "torch"}))
    return torch, utils


def save(state: "OrderedDict[str, np.ndarray]", path, root: str = "archive") -> None:
    saved = {k: sys.modules.get(k) for k in ("torch", "torch._utils")}
    torch, utils = _fake_torch()
    sys.modules["torch"], sys.modules["torch._utils"] = torch, utils
    try:
        storages = []
        obj = OrderedDict()
        for name, arr in state.items():
            arr = np.array(arr, order="C")  # ascontiguousarray would make 0-d tensors 1-d
            st = _Storage(str(len(storages)), arr)
            storages.append(st)
            strides = tuple(s // arr.itemsize for s in arr.strides)
            obj[name] = _Tensor(st, arr.shape, strides)

        class Pickler(pickle.Pickler):
            def persistent_id(self, o):
                if isinstance(o, _Storage):
                    return ("storage", getattr(torch, _NAMES[o.arr.dtype]), o.key, "cpu", o.arr.size)
                return None

        buf = io.BytesIO()
        Pickler(buf, protocol=2).dump(obj)
    finally:
        for k, v in saved.items():
            if v is None:
                sys.modules.pop(k, None)
            else:
                sys.modules[k] = v
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr(f"{root}/data.pkl", buf.getvalue())
        zf.writestr(f"{root}/byteorder", "little")
        for st in storages:
            zf.writestr(f"{root}/data/{st.key}", st.arr.astype(st.arr.dtype.newbyteorder("<")).tobytes())
        zf.writestr(f"{root}/version", "3\n")
