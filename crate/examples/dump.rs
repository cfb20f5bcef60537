use tract_onnx::prelude::*;
fn main() -> TractResult<()> {
    let path = std::env::args().nth(1).unwrap();
    let m = tract_onnx::onnx()
        .model_for_path(&path)?
        .with_input_fact(0, f32::fact([1, 3, 224, 224]).into())?;
    let m = m.into_typed()?;
    for n in &m.nodes {
        let ins: Vec<String> = n.inputs.iter().map(|i| format!("{}", i.node)).collect();
        println!(
            "{} {} [{}] {:?} -> {:?}",
            n.id,
            n.op().name(),
            ins.join(","),
            n.op().info()?,
            m.outlet_fact(n.id.into())?.shape
        );
    }
    Ok(())
}
