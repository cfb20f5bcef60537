//! The registry entries of our GEMM kernel ([`super::gemm_f32`]): the kernel, and a tier that
//! picks it.

use super::gemm_f32;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::LazyLock;

use tract_linalg::isa::{Arch, IsaSet};
use tract_linalg::mmm::{DynKernel, MatMatMul, Query, Suitable};
use tract_linalg::mmm_routines::MmmRoutine;
use tract_linalg::mmm_tiers::MmmTier;
use tract_linalg::pack::Packing;
use tract_onnx::prelude::DatumType;

/// The kernel's name in tract's registry (and in tract's profiles).
pub const GEMM_4X8: &str = "effnet_wasm_f32_4x8";

/// Whether the tier picks our kernel; read when a model is optimised, so it applies to models
/// loaded afterwards. Off only to measure against tract's own kernel.
static OURS: AtomicBool = AtomicBool::new(true);

/// Use our f32 GEMM kernel (true, the default) or tract-linalg's own choice (false) for the
/// models loaded from now on.
pub fn use_own_gemm(on: bool) {
    OURS.store(on, Ordering::Relaxed);
}

static GEMM: LazyLock<DynKernel<4, 8, f32>> = LazyLock::new(|| {
    let run = gemm_f32::kernel_f32_4x8;
    let mut k = DynKernel::<4, 8, f32>::new(GEMM_4X8, run, f32::packing(4), f32::packing(8));
    k.arch = Some(Arch::Wasm32Simd128);
    k
});

inventory::submit! { MmmRoutine { make: || -> Box<dyn MatMatMul> { GEMM.mmm() } } }

fn preferred(
    _isa: &IsaSet,
    dt: DatumType,
    query: &Query,
    _suitable: &[Suitable],
) -> Option<&'static str> {
    let ours = OURS.load(Ordering::Relaxed);
    (ours && dt == DatumType::F32 && query.n != Some(1)).then_some(GEMM_4X8)
}

inventory::submit! {
    MmmTier {
        arch: Some(Arch::Wasm32Simd128),
        precedence: 2,
        name: "effnet-wasm",
        applies: |_| true,
        preferred,
    }
}
