//! Our 1x1 convolution (crate/src/kernels/pointwise_*.rs) against tract's, natively: the model
//! pass and the epilogue through the portable path (which the pass uses only in tests here;
//! tests/js/kernels.test.mjs runs the same cases in the wasm build, the SIMD128 path, where
//! they must match tract bit for bit).

use effnet::kernels::pointwise_check::check_all;

#[test]
fn every_case_is_one_op_and_matches_tract() {
    let outcomes = check_all().unwrap();
    for o in &outcomes {
        println!(
            "{:?}: {} outputs, tract {:?} -> ours {:?}, max diff {}",
            o.case, o.outputs, o.tract_ops, o.our_ops, o.max_diff_tract
        );
        assert_eq!(o.our_ops, ["EffnetPointwise"], "{:?}: one op", o.case);
        // natively tract's kernels fuse their multiply-adds, the portable path does not
        let scale = (o.case.k as f32).sqrt() * 4.0;
        assert!(
            o.max_diff_tract <= 1e-6 * scale,
            "{:?}: {} from tract's",
            o.case,
            o.max_diff_tract
        );
        assert_eq!(o.max_diff_reference, 0.0, "{:?}: the reference", o.case);
    }
    assert!(outcomes.len() >= 9);
}
