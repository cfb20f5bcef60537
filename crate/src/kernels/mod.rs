//! Our own kernels: an f32 GEMM kernel for wasm SIMD128, plugged into tract-linalg's kernel
//! registry, an f32 depthwise convolution (wasm SIMD128, portable elsewhere) that a model
//! pass puts in place of tract's ([`dwconv_op`]), and a channel-last 1x1 convolution with its
//! epilogue fused, likewise ([`pointwise_op`], by default in the wasm SIMD128 builds only).
//! A model loads with a [`KernelChoice`]: which of them it runs.
//!
//! The GEMM:
//! tract-linalg collects kernels ([`MmmRoutine`]) and dispatch policies ([`MmmTier`]) with
//! `inventory`, so a crate outside it can add both: [`gemm_f32`] holds the kernel, and the tier
//! below, one precedence above tract's own wasm tier, picks it for the f32 matrix products
//! whose kernel tract chooses through its tiers, matrix-vector ones excepted (those keep
//! tract's GEMV kernels).

/// `acc + a * b` on f32x4: one fused instruction under relaxed SIMD (where the engine has
/// FMA), a multiply then an add otherwise. For the SIMD128 kernels here.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
macro_rules! madd {
    ($acc:expr, $a:expr, $b:expr) => {{
        #[cfg(target_feature = "relaxed-simd")]
        let r = f32x4_relaxed_madd($a, $b, $acc);
        #[cfg(not(target_feature = "relaxed-simd"))]
        let r = f32x4_add($acc, f32x4_mul($a, $b));
        r
    }};
}

pub mod check;
mod choice;
pub mod dwconv_check;
pub mod dwconv_f32;
pub mod dwconv_op;
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod gemm;
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod gemm_f32;
mod graph;
pub mod pointwise_check;
pub mod pointwise_f32;
pub mod pointwise_op;
mod split;
pub use choice::KernelChoice;
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
pub use gemm::GEMM_4X8;
