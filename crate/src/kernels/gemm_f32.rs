//! An f32 matrix-product kernel for wasm SIMD128: 4 rows x 8 columns.
//!
//! tract-linalg's own wasm GEMM kernel is 8x8: sixteen v128 accumulators plus the operands,
//! more than the sixteen xmm registers V8 has on x86-64, so it spills in its inner loop. This one
//! keeps the accumulators, two B vectors and one broadcast A in registers (XNNPACK chooses
//! 4x8 for wasm on x86 for the same reason). It also stores a tile whose columns are contiguous
//! (a 1x1 convolution's output rows) with whole-vector stores instead of lane by lane.
//!
//! The kernel speaks tract's fused-op protocol ([`FusedKerSpec`]): a list of operations on
//! the accumulator tile, ended by `Done`. Layouts follow tract's kernels: A is packed
//! `[k][MR]`, B `[k][8]`; a tile in memory (LoadTile) is row-major, `(lo, hi)` per row.

use std::arch::wasm32::*;
use tract_linalg::mmm::FusedKerSpec;

/// A kernel function over the given rows: `$r` is each row's index, `($lo, $hi)` its
/// accumulators for columns 0-3 and 4-7. Written once for any row count, to measure them.
macro_rules! kernel_rows_x8 {
    ($name:ident; $($r:literal => ($lo:ident, $hi:ident)),+ $(,)?) => {
        /// # Safety
        /// `ops` ends with `Done`, and its pointers are valid for this tile.
        pub unsafe fn $name(ops: &[FusedKerSpec<f32>]) -> isize {
            let mut pnl = ops.as_ptr();
            unsafe {
                let zero = f32x4_splat(0.0);
                $(let mut $lo = zero; let mut $hi = zero;)+
                macro_rules! each {
                    (|$x:ident| $e:expr) => {{ $($lo = { let $x = $lo; $e }; $hi = { let $x = $hi; $e };)+ }};
                }
                macro_rules! per_row {
                    ($p:expr, |$s:ident, $x:ident| $e:expr) => {{
                        let p: *const f32 = $p;
                        $(
                            let $s = v128_load32_splat(p.add($r) as *const u32);
                            $lo = { let $x = $lo; $e };
                            $hi = { let $x = $hi; $e };
                        )+
                    }};
                }
                macro_rules! per_col {
                    ($p:expr, |$c:ident, $x:ident| $e:expr) => {{
                        let p = $p as *const v128;
                        let (clo, chi) = (v128_load(p), v128_load(p.add(1)));
                        $(
                            $lo = { let ($c, $x) = (clo, $lo); $e };
                            $hi = { let ($c, $x) = (chi, $hi); $e };
                        )+
                    }};
                }
                loop {
                    match *pnl {
                        FusedKerSpec::Done => break,
                        FusedKerSpec::Clear => each!(|_x| zero),
                        FusedKerSpec::LoadTile(_col_major, rows) => {
                            let p = rows as *const v128;
                            $($lo = v128_load(p.add(2 * $r)); $hi = v128_load(p.add(2 * $r + 1));)+
                        }
                        FusedKerSpec::ScalarMin(a) => { let s = f32x4_splat(a); each!(|x| f32x4_min(s, x)) }
                        FusedKerSpec::ScalarMax(a) => { let s = f32x4_splat(a); each!(|x| f32x4_max(s, x)) }
                        FusedKerSpec::ScalarAdd(a) => { let s = f32x4_splat(a); each!(|x| f32x4_add(s, x)) }
                        FusedKerSpec::ScalarMul(a) => { let s = f32x4_splat(a); each!(|x| f32x4_mul(s, x)) }
                        FusedKerSpec::ScalarSub(a) => { let s = f32x4_splat(a); each!(|x| f32x4_sub(s, x)) }
                        FusedKerSpec::ScalarSubF(a) => { let s = f32x4_splat(a); each!(|x| f32x4_sub(x, s)) }
                        FusedKerSpec::LeakyRelu(a) => {
                            let s = f32x4_splat(a);
                            each!(|x| v128_bitselect(x, f32x4_mul(s, x), f32x4_gt(x, zero)))
                        }
                        FusedKerSpec::PerRowMin(p) => per_row!(p, |s, x| f32x4_min(s, x)),
                        FusedKerSpec::PerRowMax(p) => per_row!(p, |s, x| f32x4_max(s, x)),
                        FusedKerSpec::PerRowAdd(p) => per_row!(p, |s, x| f32x4_add(s, x)),
                        FusedKerSpec::PerRowMul(p) => per_row!(p, |s, x| f32x4_mul(s, x)),
                        FusedKerSpec::PerRowSub(p) => per_row!(p, |s, x| f32x4_sub(s, x)),
                        FusedKerSpec::PerRowSubF(p) => per_row!(p, |s, x| f32x4_sub(x, s)),
                        FusedKerSpec::PerColMin(p) => per_col!(p, |c, x| f32x4_min(c, x)),
                        FusedKerSpec::PerColMax(p) => per_col!(p, |c, x| f32x4_max(c, x)),
                        FusedKerSpec::PerColAdd(p) => per_col!(p, |c, x| f32x4_add(c, x)),
                        FusedKerSpec::PerColMul(p) => per_col!(p, |c, x| f32x4_mul(c, x)),
                        FusedKerSpec::PerColSub(p) => per_col!(p, |c, x| f32x4_sub(c, x)),
                        FusedKerSpec::PerColSubF(p) => per_col!(p, |c, x| f32x4_sub(x, c)),
                        FusedKerSpec::QScale(shift, rp, mult) => {
                            let s = f32x4_splat(tract_linalg::Scaler::from_fuse_params(shift, rp, mult).scale);
                            each!(|x| f32x4_mul(s, x))
                        }
                        FusedKerSpec::RoundingShiftRight(shift, _rp) => {
                            let s = f32x4_splat(2f32.powi(-(shift as i32)));
                            each!(|x| f32x4_mul(s, x))
                        }
                        FusedKerSpec::ShiftLeft(shift) => {
                            let s = f32x4_splat(2f32.powi(shift as i32));
                            each!(|x| f32x4_mul(s, x))
                        }
                        FusedKerSpec::AddUnicast(tile) => {
                            let (rs, cs) = (tile.row_byte_stride, tile.col_byte_stride);
                            $(
                                let p = tile.ptr.offset($r * rs) as *const u8;
                                if cs == 4 {
                                    $lo = f32x4_add($lo, v128_load(p as *const v128));
                                    $hi = f32x4_add($hi, v128_load(p.add(16) as *const v128));
                                } else {
                                    let at = |c: isize| *(p.offset(c * cs) as *const f32);
                                    $lo = f32x4_add($lo, f32x4(at(0), at(1), at(2), at(3)));
                                    $hi = f32x4_add($hi, f32x4(at(4), at(5), at(6), at(7)));
                                }
                            )+
                        }
                        FusedKerSpec::AddRowColProducts(rows, cols) => {
                            let p = cols as *const v128;
                            let (clo, chi) = (v128_load(p), v128_load(p.add(1)));
                            $(
                                let s = v128_load32_splat(rows.add($r) as *const u32);
                                $lo = madd!($lo, s, clo);
                                $hi = madd!($hi, s, chi);
                            )+
                        }
                        FusedKerSpec::Store(tile) => {
                            let (rs, cs) = (tile.row_byte_stride, tile.col_byte_stride);
                            $(
                                let p = tile.ptr.offset($r * rs);
                                if cs == 4 {
                                    v128_store(p as *mut v128, $lo);
                                    v128_store(p.add(16) as *mut v128, $hi);
                                } else {
                                    *(p as *mut f32) = f32x4_extract_lane::<0>($lo);
                                    *(p.offset(cs) as *mut f32) = f32x4_extract_lane::<1>($lo);
                                    *(p.offset(2 * cs) as *mut f32) = f32x4_extract_lane::<2>($lo);
                                    *(p.offset(3 * cs) as *mut f32) = f32x4_extract_lane::<3>($lo);
                                    *(p.offset(4 * cs) as *mut f32) = f32x4_extract_lane::<0>($hi);
                                    *(p.offset(5 * cs) as *mut f32) = f32x4_extract_lane::<1>($hi);
                                    *(p.offset(6 * cs) as *mut f32) = f32x4_extract_lane::<2>($hi);
                                    *(p.offset(7 * cs) as *mut f32) = f32x4_extract_lane::<3>($hi);
                                }
                            )+
                        }
                        FusedKerSpec::AddMatMul { k, pa, pb, packing: _ } => {
                            const MR: usize = [$($r),+].len();
                            let mut a = pa as *const f32;
                            let mut b = pb as *const v128;
                            for _ in 0..k {
                                let (blo, bhi) = (v128_load(b), v128_load(b.add(1)));
                                $(
                                    let s = v128_load32_splat(a.add($r) as *const u32);
                                    $lo = madd!($lo, s, blo);
                                    $hi = madd!($hi, s, bhi);
                                )+
                                a = a.add(MR);
                                b = b.add(2);
                            }
                        }
                    }
                    pnl = pnl.add(1);
                }
                0
            }
        }
    };
}

// 4 rows: 8 accumulators + 2 B vectors + 1 broadcast fit V8's x86-64 registers. Measured in
// Node (Lite0, single thread): 3x8 26.3 ms, 4x8 26.0, 5x8 37.8, 6x8 32.9, 8x8 from this macro
// 39.1, tract's 8x8 39.8.
kernel_rows_x8!(kernel_f32_4x8; 0 => (a0lo, a0hi), 1 => (a1lo, a1hi), 2 => (a2lo, a2hi), 3 => (a3lo, a3hi));
