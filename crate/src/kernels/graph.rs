//! For the passes that put our operators into a decluttered model (`dwconv_op`,
//! `pointwise_op`): reading it (constants, a value's only reader), and the one driver that
//! patches each match in.

use tract_onnx::tract_core::internal::*;
use tract_onnx::tract_core::ops::cast::Cast;
use tract_onnx::tract_core::transform::ModelTransform;

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

/// One of our operators found in place of tract's: it reads what the `inputs` inlets read
/// (each `(node, slot)`), and its output stands for node `replaces`'s.
pub struct Replacement<O> {
    pub node: usize,
    pub op: O,
    pub inputs: TVec<(usize, usize)>,
    pub replaces: usize,
}

/// Puts an operator in for every node of a decluttered model that `find` matches; returns
/// how many. `label` names the patches and, after the node's name, the new nodes.
pub fn replace_all<O: TypedOp + Clone>(
    model: &mut TypedModel,
    label: &str,
    find: impl Fn(&TypedModel, &TypedNode) -> TractResult<Option<Replacement<O>>>,
) -> TractResult<usize> {
    let mut found = vec![];
    for node in &model.nodes {
        found.extend(find(model, node)?);
    }
    for r in &found {
        let mut patch = TypedModelPatch::new(label);
        // inputs read now: an earlier patch may have rewired them to its own operator
        let taps = r
            .inputs
            .iter()
            .map(|(node, slot)| patch.tap_model(model, model.node(*node).inputs[*slot]))
            .collect::<TractResult<TVec<_>>>()?;
        let name = format!("{}.{label}", model.node(r.node).name);
        let y = patch.wire_node(name, r.op.clone(), &taps)?[0];
        patch.shunt_outside(model, OutletId::new(r.replaces, 0), y)?;
        patch.apply(model)?;
    }
    if !found.is_empty() {
        model.compact()?;
    }
    Ok(found.len())
}

/// A pass as a tract model transformation: [`replace_all`] with `find`.
#[derive(Debug)]
pub struct ReplacePass<O> {
    pub name: &'static str,
    /// names the patches and the new nodes
    pub label: &'static str,
    pub find: fn(&TypedModel, &TypedNode) -> TractResult<Option<Replacement<O>>>,
}

impl<O: TypedOp + Clone> ModelTransform for ReplacePass<O> {
    fn name(&self) -> StaticName {
        self.name.into()
    }

    fn transform(&self, model: &mut TypedModel) -> TractResult<()> {
        replace_all(model, self.label, self.find)?;
        Ok(())
    }
}
