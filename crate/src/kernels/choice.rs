//! Which of our kernels a model runs, each against tract's own: a value given to
//! `Engine::load`, so that two models in one process can differ (the benchmark's A/B).

use serde::Deserialize;
use tract_onnx::tract_core::internal::*;
use tract_onnx::tract_core::transform::ModelTransform;

use super::dwconv_op::DEPTHWISE;
use super::pointwise_op::POINTWISE;

/// Each field: ours (true) or tract's (false). From JSON, a field left out is the default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct KernelChoice {
    /// Our f32 GEMM kernel in tract-linalg's registry (src/kernels/gemm.rs); only the wasm
    /// SIMD128 builds have it, elsewhere this is ignored.
    pub gemm: bool,
    /// Our depthwise convolution, bias and clamp fused (src/kernels/dwconv_op.rs).
    pub dwconv: bool,
    /// Our 1x1 convolution with its bias, clamp and residual add fused
    /// (src/kernels/pointwise_op.rs).
    pub pointwise: bool,
}

impl Default for KernelChoice {
    /// Ours wherever they beat tract's: everywhere in the wasm SIMD128 builds; natively the
    /// depthwise convolution only (tract's native matrix products beat our portable loop).
    fn default() -> Self {
        let simd128 = cfg!(all(target_arch = "wasm32", target_feature = "simd128"));
        Self {
            gemm: simd128,
            dwconv: true,
            pointwise: simd128,
        }
    }
}

impl KernelChoice {
    /// Tract's kernels only.
    pub const TRACT: Self = Self {
        gemm: false,
        dwconv: false,
        pointwise: false,
    };

    /// The passes that put our operators into a decluttered model, in the order they run.
    pub fn passes(&self) -> Vec<Box<dyn ModelTransform>> {
        let mut passes: Vec<Box<dyn ModelTransform>> = vec![];
        if self.dwconv {
            passes.push(Box::new(DEPTHWISE));
        }
        if self.pointwise {
            passes.push(Box::new(POINTWISE));
        }
        passes
    }

    /// `model` with the passes applied, then optimised with the GEMM kernel chosen.
    pub fn optimize(&self, mut model: TypedModel) -> TractResult<TypedModel> {
        for pass in self.passes() {
            pass.transform(&mut model)?;
        }
        #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
        return super::gemm::choosing(self.gemm, || model.into_optimized());
        #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
        model.into_optimized()
    }
}
