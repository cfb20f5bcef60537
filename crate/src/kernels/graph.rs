//! Reading a decluttered model, for the passes that put our operators in (`dwconv_op`,
//! `pointwise_op`): constants, and a value's only reader.

use tract_onnx::tract_core::internal::*;
use tract_onnx::tract_core::ops::cast::Cast;

/// The constant at `outlet` as f32, if it is one: a constant, or a `Cast` of one (before
/// declutter, ONNX's weights of another type and its biases still go through one).
pub fn const_f32(model: &TypedModel, outlet: OutletId) -> TractResult<Option<Tensor>> {
    if let Some(k) = &model.outlet_fact(outlet)?.konst {
        return Ok(Some(k.cast_to::<f32>()?.into_owned()));
    }
    let node = model.node(outlet.node);
    if node
        .op_as::<Cast>()
        .is_some_and(|c| c.to == f32::datum_type())
        && node.inputs.len() == 1
    {
        return const_f32(model, node.inputs[0]);
    }
    Ok(None)
}

/// The constant single f32 value at `outlet`, if it is one.
pub fn scalar_const(model: &TypedModel, outlet: OutletId) -> Option<f32> {
    let k = model.outlet_fact(outlet).ok()?.konst.clone()?;
    (k.datum_type() == f32::datum_type() && k.len() == 1).then(|| {
        k.try_as_plain_ram()
            .ok()?
            .as_slice::<f32>()
            .ok()
            .map(|s| s[0])
    })?
}

/// The only reader of `outlet` (which must not be a model output), and its input slot.
pub fn sole_reader(model: &TypedModel, outlet: OutletId) -> Option<InletId> {
    if model.output_outlets().ok()?.contains(&outlet) {
        return None;
    }
    match model.outlet_successors(outlet) {
        [inlet] => Some(*inlet),
        _ => None,
    }
}
