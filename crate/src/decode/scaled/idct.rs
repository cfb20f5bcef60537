//! Dequantisation and inverse DCT of one 8x8 block into m x m pixels, m = 8, 4, 2 or 1: the
//! integer IDCTs libjpeg-turbo chooses when scale_num/scale_denom asks for a reduced size
//! (jidctint.c `jpeg_idct_islow`, jidctred.c `jpeg_idct_4x4`, `_2x2`, `_1x1`), restated with the
//! same constants, rounding and range limiting so that the pixels are libjpeg's (PIL's
//! `draft`). The reduced IDCTs are not plain 4- and 2-point IDCTs of the low coefficients: they
//! use the odd coefficients of the whole block (and skip row and column 4).

const CONST_BITS: u32 = 13;
const PASS1_BITS: u32 = 2;

#[inline(always)]
fn descale(x: i64, n: u32) -> i64 {
    (x + (1 << (n - 1))) >> n
}

/// libjpeg's post-IDCT range limit: the value taken modulo 1024 as a signed 10-bit number,
/// offset by 128 and clamped to 0..=255 (its `range_limit[x & RANGE_MASK]` table).
#[inline(always)]
fn limit(x: i64) -> u8 {
    let v = (x & 1023) as i32;
    let v = if v >= 512 { v - 1024 } else { v };
    (v + 128).clamp(0, 255) as u8
}

#[inline(always)]
fn deq(c: &[i16; 64], q: &[u16; 64], i: usize) -> i64 {
    // libjpeg keeps the table as `short` (ISLOW_MULT_TYPE) and multiplies in int
    (c[i] as i32).wrapping_mul(q[i] as i16 as i32) as i64
}

/// `out`'s rows start `stride` bytes apart; the block's m x m pixels go at its start.
pub fn idct(m: usize, c: &[i16; 64], q: &[u16; 64], out: &mut [u8], stride: usize) {
    match m {
        8 => islow(c, q, out, stride),
        4 => idct_4x4(c, q, out, stride),
        2 => idct_2x2(c, q, out, stride),
        _ => out[0] = limit(descale(deq(c, q, 0), 3)),
    }
}

/// A block whose AC terms are all zero: every IDCT size gives m x m copies of
/// limit(descale(dc x q, 3)) (each one's zero-AC shortcuts come to that), without the passes.
#[inline]
pub fn dc_only(m: usize, dc: i16, q: u16, out: &mut [u8], stride: usize) {
    let v = limit(descale((dc as i32).wrapping_mul(q as i16 as i32) as i64, 3));
    for row in 0..m {
        out[row * stride..row * stride + m].fill(v);
    }
}

fn islow(c: &[i16; 64], q: &[u16; 64], out: &mut [u8], stride: usize) {
    const F0_298: i64 = 2446;
    const F0_390: i64 = 3196;
    const F0_541: i64 = 4433;
    const F0_765: i64 = 6270;
    const F0_899: i64 = 7373;
    const F1_175: i64 = 9633;
    const F1_501: i64 = 12299;
    const F1_847: i64 = 15137;
    const F1_961: i64 = 16069;
    const F2_053: i64 = 16819;
    const F2_562: i64 = 20995;
    const F3_072: i64 = 25172;

    // even and odd parts of an 8-point IDCT on s[0..8] -> 8 values before descaling
    #[inline(always)]
    fn pass(s: [i64; 8]) -> [i64; 8] {
        let z1 = (s[2] + s[6]) * F0_541;
        let tmp2 = z1 + s[6] * -F1_847;
        let tmp3 = z1 + s[2] * F0_765;
        let tmp0 = (s[0] + s[4]) << CONST_BITS;
        let tmp1 = (s[0] - s[4]) << CONST_BITS;
        let tmp10 = tmp0 + tmp3;
        let tmp13 = tmp0 - tmp3;
        let tmp11 = tmp1 + tmp2;
        let tmp12 = tmp1 - tmp2;

        let (mut t0, mut t1, mut t2, mut t3) = (s[7], s[5], s[3], s[1]);
        let z1 = t0 + t3;
        let z2 = t1 + t2;
        let z3 = t0 + t2;
        let z4 = t1 + t3;
        let z5 = (z3 + z4) * F1_175;
        t0 *= F0_298;
        t1 *= F2_053;
        t2 *= F3_072;
        t3 *= F1_501;
        let z1 = z1 * -F0_899;
        let z2 = z2 * -F2_562;
        let z3 = z3 * -F1_961 + z5;
        let z4 = z4 * -F0_390 + z5;
        t0 += z1 + z3;
        t1 += z2 + z4;
        t2 += z2 + z3;
        t3 += z1 + z4;
        [
            tmp10 + t3,
            tmp11 + t2,
            tmp12 + t1,
            tmp13 + t0,
            tmp13 - t0,
            tmp12 - t1,
            tmp11 - t2,
            tmp10 - t3,
        ]
    }

    two_passes(c, q, out, stride, &[1, 2, 3, 4, 5, 6, 7], 0, pass);
}

fn idct_4x4(c: &[i16; 64], q: &[u16; 64], out: &mut [u8], stride: usize) {
    const F0_211: i64 = 1730;
    const F0_509: i64 = 4176;
    const F0_601: i64 = 4926;
    const F0_765: i64 = 6270;
    const F0_899: i64 = 7373;
    const F1_061: i64 = 8697;
    const F1_451: i64 = 11893;
    const F1_847: i64 = 15137;
    const F2_172: i64 = 17799;
    const F2_562: i64 = 20995;

    // the terms 0, 1, 2, 3, 5, 6, 7 of an 8-point line (4 unused) -> 4 values
    #[inline(always)]
    fn pass(s: [i64; 8]) -> [i64; 4] {
        let tmp0 = s[0] << (CONST_BITS + 1);
        let tmp2 = s[2] * F1_847 + s[6] * -F0_765;
        let tmp10 = tmp0 + tmp2;
        let tmp12 = tmp0 - tmp2;
        let (z1, z2, z3, z4) = (s[7], s[5], s[3], s[1]);
        let t0 = z1 * -F0_211 + z2 * F1_451 + z3 * -F2_172 + z4 * F1_061;
        let t2 = z1 * -F0_509 + z2 * -F0_601 + z3 * F0_899 + z4 * F2_562;
        [tmp10 + t2, tmp12 + t0, tmp12 - t0, tmp10 - t2]
    }

    two_passes(c, q, out, stride, &[1, 2, 3, 5, 6, 7], 1, pass);
}

fn idct_2x2(c: &[i16; 64], q: &[u16; 64], out: &mut [u8], stride: usize) {
    const F0_720: i64 = 5906;
    const F0_850: i64 = 6967;
    const F1_272: i64 = 10426;
    const F3_624: i64 = 29692;

    // the terms 0, 1, 3, 5, 7 of an 8-point line -> 2 values
    #[inline(always)]
    fn pass(s: [i64; 8]) -> [i64; 2] {
        let tmp10 = s[0] << (CONST_BITS + 2);
        let tmp0 = s[7] * -F0_720 + s[5] * F0_850 + s[3] * -F1_272 + s[1] * F3_624;
        [tmp10 + tmp0, tmp10 - tmp0]
    }

    two_passes(c, q, out, stride, &[1, 3, 5, 7], 2, pass);
}

/// The two passes of every size (jidctint.c, jidctred.c): each column the IDCT reads into a
/// workspace of N rows, then each row into N pixels, with libjpeg's shortcut for a line whose
/// `ac` terms (the ones the IDCT reads besides 0) are all zero. `pass` maps an 8-point line to
/// N values, scaled by `extra` bits more than the 8x8 IDCT's.
#[inline(always)]
fn two_passes<const N: usize>(
    c: &[i16; 64],
    q: &[u16; 64],
    out: &mut [u8],
    stride: usize,
    ac: &[usize],
    extra: u32,
    pass: impl Fn([i64; 8]) -> [i64; N],
) {
    let mut ws = [[0i32; 8]; N];
    for col in std::iter::once(0).chain(ac.iter().copied()) {
        if ac.iter().all(|&r| c[r * 8 + col] == 0) {
            let dc = (deq(c, q, col) << PASS1_BITS) as i32;
            for row in &mut ws {
                row[col] = dc;
            }
            continue;
        }
        let o = pass(std::array::from_fn(|r| deq(c, q, r * 8 + col)));
        for (row, v) in ws.iter_mut().zip(o) {
            row[col] = descale(v, CONST_BITS - PASS1_BITS + extra) as i32;
        }
    }
    for (i, w) in ws.iter().enumerate() {
        let dst = &mut out[i * stride..i * stride + N];
        if ac.iter().all(|&j| w[j] == 0) {
            dst.fill(limit(descale(w[0] as i64, PASS1_BITS + 3)));
            continue;
        }
        let o = pass(w.map(i64::from));
        for (d, v) in dst.iter_mut().zip(o) {
            *d = limit(descale(v, CONST_BITS + PASS1_BITS + 3 + extra));
        }
    }
}
