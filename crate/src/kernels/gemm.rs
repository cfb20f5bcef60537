//! The registry entries of our GEMM kernel ([`super::gemm_f32`]): the kernel, and a tier that
//! picks it.

use super::gemm_f32;
use std::cell::Cell;
use std::sync::LazyLock;

use tract_linalg::isa::{Arch, IsaSet};
use tract_linalg::mmm::{DynKernel, MatMatMul, Query, Suitable};
use tract_linalg::mmm_routines::MmmRoutine;
use tract_linalg::mmm_tiers::MmmTier;
use tract_linalg::pack::Packing;
use tract_onnx::prelude::DatumType;

/// The kernel's name in tract's registry (and in tract's profiles).
pub const GEMM_4X8: &str = "effnet_wasm_f32_4x8";

thread_local! {
    /// Whether the tier picks our kernel. tract-linalg's registry is process-wide and asks its
    /// tiers without saying which model they serve, so a model's choice is set on this thread
    /// for the length of its optimisation ([`choosing`]), where tract selects its kernels.
    static OURS: Cell<bool> = const { Cell::new(true) };
}

/// `optimize()` (tract's `into_optimized`) with our kernel (`ours`) or tract-linalg's own
/// choice for its matrix products.
pub fn choosing<T>(ours: bool, optimize: impl FnOnce() -> T) -> T {
    /// Puts the choice back, even if `optimize` panics.
    struct Restore(bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            OURS.set(self.0);
        }
    }
    let _restore = Restore(OURS.replace(ours));
    optimize()
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
    (OURS.get() && dt == DatumType::F32 && query.n != Some(1)).then_some(GEMM_4X8)
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
