//! Our kernels' per-operation checks (crate/src/kernels/*_check.rs) natively, through the
//! portable paths (the 1x1 convolution's pass runs natively only here);
//! tests/js/kernels.test.mjs runs the same cases in the wasm build, the SIMD128 paths. And
//! a model's kernel choice, natively.

mod common;

use effnet::kernels::check::Outcome;
use effnet::kernels::{dwconv_check, pointwise_check, KernelChoice};
use effnet::{Classifier, Rgba};
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

/// The operators one lite0 run goes through, loaded with `kernels`.
fn ops_with(kernels: &KernelChoice) -> Vec<String> {
    let id = "efficientnet-lite0";
    let entry = common::manifest().model(id).unwrap().clone();
    let clf = Classifier::with_kernels(entry, &common::model_bytes(id), kernels).unwrap();
    let size = clf.entry().preprocess.size;
    let grey = vec![128u8; (size * size * 4) as usize];
    let input = clf
        .preprocess(&Rgba::new(size, size, &grey).unwrap())
        .unwrap();
    let times = clf.engine().profile(&input, &|| 0.0).unwrap();
    times.into_iter().map(|t| t.op).collect()
}

#[test]
fn each_model_runs_the_kernels_it_was_loaded_with() {
    let has = |ops: &[String], op: &str| ops.iter().any(|o| o == op);
    let tract = ops_with(&KernelChoice::TRACT);
    assert!(!has(&tract, "EffnetDepthWise") && !has(&tract, "EffnetPointwise"));
    // a load with tract's kernels leaves nothing behind for the next one
    let default = ops_with(&KernelChoice::default());
    assert!(has(&default, "EffnetDepthWise"), "{default:?}");
    // natively the 1x1 convolution stays tract's unless asked for
    assert!(!has(&default, "EffnetPointwise"), "{default:?}");
    let pointwise = ops_with(&KernelChoice {
        dwconv: false,
        pointwise: true,
        ..KernelChoice::default()
    });
    assert!(has(&pointwise, "EffnetPointwise") && !has(&pointwise, "EffnetDepthWise"));
}
