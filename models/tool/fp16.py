"""fp16 storage: the fp32 graph with every float32 initializer stored as float16, widened back
by a Cast to float32 in front of its users.

Halves the download; the arithmetic stays float32. The Casts take constants only, so a
runtime folds them into float32 constants when it optimises the graph (tract does: the
optimised plan has no Cast node and runs at the fp32 speed). tract folds a constant only if
the result is at most 4 MiB or no larger than its input (`CONST_FOLD_MEM_BUDGET`), so a weight
over 4 MiB in float32 (the classifier's, 1000 x 1280) is stored in slices along its first axis,
each cast on its own and joined by a Concat, which folds too. Weights round to the nearest
float16 (numpy: round half to even), so the file is a pure function of the fp32 file.
"""
from __future__ import annotations

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

SUFFIX = ".f16"
FOLD_BUDGET = 4 << 20  # tract-core's CONST_FOLD_MEM_BUDGET, bytes


def to_fp16(model: onnx.ModelProto) -> onnx.ModelProto:
    out = onnx.ModelProto()
    out.CopyFrom(model)
    g = out.graph
    casts, inits = [], []
    for t in g.initializer:
        if t.data_type != TensorProto.FLOAT:
            inits.append(t)
            continue
        w = numpy_helper.to_array(t)
        if np.abs(w).max(initial=0) > np.finfo(np.float16).max:
            raise ValueError(f"{t.name}: values beyond float16's range")
        parts = -(-w.nbytes // FOLD_BUDGET)
        # the last node's output keeps the original name, so the nodes that use it are unchanged
        if parts == 1:
            inits.append(numpy_helper.from_array(w.astype(np.float16), t.name + SUFFIX))
            casts.append(helper.make_node("Cast", [t.name + SUFFIX], [t.name], name=f"{t.name}_to_f32",
                                          to=TensorProto.FLOAT))
            continue
        sliced = []
        for i, part in enumerate(np.array_split(w, parts, axis=0)):
            name = f"{t.name}.{i}"
            inits.append(numpy_helper.from_array(part.astype(np.float16), name + SUFFIX))
            casts.append(helper.make_node("Cast", [name + SUFFIX], [name], name=f"{name}_to_f32",
                                          to=TensorProto.FLOAT))
            sliced.append(name)
        casts.append(helper.make_node("Concat", sliced, [t.name], name=f"{t.name}_concat", axis=0))
    del g.initializer[:]
    g.initializer.extend(inits)
    nodes = casts + list(g.node)
    del g.node[:]
    g.node.extend(nodes)
    onnx.checker.check_model(out)
    return out
