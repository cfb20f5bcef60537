//! Our kernels' per-operation checks (crate/src/kernels/*_check.rs) natively, through the
//! portable paths (the 1x1 convolution's pass runs natively only here);
//! tests/js/kernels.test.mjs runs the same cases in the wasm build, the SIMD128 paths.

use effnet::kernels::check::Outcome;
use effnet::kernels::{dwconv_check, pointwise_check};
use std::fmt::Debug;

/// Prints every case (seen with --nocapture) and checks what each must show: one `op` in
/// place of tract's operators, the reference's outputs exactly.
fn each_is_one_op<C: Debug>(outcomes: &[Outcome<C>], op: &str) {
    for o in outcomes {
        println!(
            "{:?}: {} outputs, tract {:?} -> ours {:?}, max diff {}",
            o.case, o.outputs, o.tract_ops, o.our_ops, o.max_diff_tract
        );
        assert_eq!(o.our_ops, [op], "{:?}: one op, its epilogue fused", o.case);
        assert_eq!(o.max_diff_reference, 0.0, "{:?}: the reference", o.case);
    }
}

#[test]
fn depthwise_convolution_matches_tract_bit_for_bit() {
    let outcomes = dwconv_check::check_all().unwrap();
    each_is_one_op(&outcomes, "EffnetDepthWise");
    for o in &outcomes {
        assert_eq!(o.bits_differ_tract, 0, "{:?}: from tract's", o.case);
    }
    assert!(outcomes.len() >= 30);
}

#[test]
fn pointwise_convolution_matches_tract() {
    let outcomes = pointwise_check::check_all().unwrap();
    each_is_one_op(&outcomes, "EffnetPointwise");
    for o in &outcomes {
        // natively tract's kernels fuse their multiply-adds, the portable path does not
        let scale = (o.case.k as f32).sqrt() * 4.0;
        assert!(
            o.max_diff_tract <= 1e-6 * scale,
            "{:?}: {} from tract's",
            o.case,
            o.max_diff_tract
        );
    }
    assert!(outcomes.len() >= 9);
}
