//! Our depthwise convolution (crate/src/kernels/) against tract's, natively (the portable
//! path); tests/js/kernels.test.mjs runs the same cases in the wasm build (the SIMD128 path).

use effnet::kernels::dwconv_check::check_all;

#[test]
fn every_case_matches_tract_bit_for_bit() {
    let outcomes = check_all().unwrap();
    for o in &outcomes {
        println!(
            "{:?}: {} outputs, tract {:?} -> ours {:?}",
            o.case, o.outputs, o.tract_ops, o.our_ops
        );
        assert_eq!(
            o.bits_differ_tract, 0,
            "{:?}: max diff {}",
            o.case, o.max_diff_tract
        );
        assert_eq!(
            o.max_diff_reference, 0.0,
            "{:?}: against the reference",
            o.case
        );
        assert_eq!(
            o.our_ops,
            ["EffnetDepthWise"],
            "{:?}: one op, clamp included",
            o.case
        );
    }
    assert!(outcomes.len() >= 30);
}
