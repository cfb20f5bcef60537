//! The colours an HEVC stream declares in its SPS's VUI (`video_signal_type`): the fallback
//! for a HEIC whose `colr` box gives no `nclx` (an iPhone's is an ICC profile). heic-rs walks
//! the VUI without keeping it. Stills only: an SPS with reference picture sets (video) is not
//! read, and the caller falls back to what iPhones write.

use heic_rs::{MatrixCoefficients, Nclx, Range};

/// The SPS among `params` (NAL units: VPS, SPS, PPS), its VUI's colour description.
pub fn colours(params: &[&[u8]]) -> Option<Nclx> {
    let sps = params
        .iter()
        .find(|n| n.len() > 2 && (n[0] >> 1) & 0x3f == 33)?;
    parse(&rbsp(&sps[2..]))
}

/// The NAL payload without its emulation prevention bytes (00 00 03).
fn rbsp(b: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(b.len());
    let mut zeros = 0;
    for &x in b {
        if zeros >= 2 && x == 3 {
            zeros = 0;
            continue;
        }
        zeros = if x == 0 { zeros + 1 } else { 0 };
        out.push(x);
    }
    out
}

struct Bits<'a> {
    b: &'a [u8],
    at: usize,
}

impl Bits<'_> {
    fn u(&mut self, n: u32) -> Option<u32> {
        let mut v = 0u32;
        for _ in 0..n {
            let byte = *self.b.get(self.at / 8)?;
            v = (v << 1) | u32::from((byte >> (7 - self.at % 8)) & 1);
            self.at += 1;
        }
        Some(v)
    }
    fn skip(&mut self, n: usize) -> Option<()> {
        self.at += n;
        (self.at <= self.b.len() * 8).then_some(())
    }
    fn ue(&mut self) -> Option<u32> {
        let mut zeros = 0;
        while self.u(1)? == 0 {
            zeros += 1;
            if zeros > 31 {
                return None;
            }
        }
        Some((1u32 << zeros) - 1 + self.u(zeros)?)
    }
    fn se(&mut self) -> Option<i32> {
        let k = self.ue()?;
        Some(if k % 2 == 1 {
            k.div_ceil(2) as i32
        } else {
            -((k / 2) as i32)
        })
    }
}

/// H.265 7.3.2.2 up to the VUI's colour description.
fn parse(b: &[u8]) -> Option<Nclx> {
    let r = &mut Bits { b, at: 0 };
    r.skip(4)?; // sps_video_parameter_set_id
    let sub_layers = r.u(3)? as usize; // sps_max_sub_layers_minus1
    r.skip(1)?;
    // profile_tier_level(1, sub_layers)
    r.skip(96)?;
    let mut present = Vec::new();
    for _ in 0..sub_layers {
        present.push((r.u(1)?, r.u(1)?));
    }
    if sub_layers > 0 {
        r.skip(2 * (8 - sub_layers))?;
    }
    for (profile, level) in present {
        r.skip(88 * profile as usize + 8 * level as usize)?;
    }
    r.ue()?; // sps_seq_parameter_set_id
    if r.ue()? == 3 {
        r.skip(1)?; // separate_colour_plane_flag
    }
    r.ue()?;
    r.ue()?; // pic width, height
    if r.u(1)? == 1 {
        for _ in 0..4 {
            r.ue()?; // conformance window
        }
    }
    r.ue()?;
    r.ue()?; // bit depths
    let poc_lsb_bits = r.ue()? + 4;
    let all = r.u(1)? == 1; // sps_sub_layer_ordering_info_present_flag
    for _ in if all { 0 } else { sub_layers }..=sub_layers {
        for _ in 0..3 {
            r.ue()?;
        }
    }
    for _ in 0..6 {
        r.ue()?; // block sizes, transform hierarchy depths
    }
    if r.u(1)? == 1 && r.u(1)? == 1 {
        scaling_list_data(r)?;
    }
    r.skip(2)?; // amp, sample_adaptive_offset
    if r.u(1)? == 1 {
        r.skip(8)?; // pcm bit depths
        r.ue()?;
        r.ue()?;
        r.skip(1)?;
    }
    if r.ue()? != 0 {
        return None; // short-term reference picture sets: a video's SPS
    }
    if r.u(1)? == 1 {
        for _ in 0..r.ue()? {
            r.skip(poc_lsb_bits as usize + 1)?;
        }
    }
    r.skip(2)?; // temporal mvp, strong intra smoothing
    if r.u(1)? == 0 {
        return None; // no VUI
    }
    if r.u(1)? == 1 && r.u(8)? == 255 {
        r.skip(32)?; // aspect ratio
    }
    if r.u(1)? == 1 {
        r.skip(1)?; // overscan
    }
    if r.u(1)? == 0 {
        return None; // no video_signal_type
    }
    r.skip(3)?; // video_format
    let full = r.u(1)? == 1;
    let (primaries, transfer, matrix) = if r.u(1)? == 1 {
        (r.u(8)? as u16, r.u(8)? as u16, r.u(8)? as u16)
    } else {
        (2, 2, 2) // unspecified
    };
    // matrix 2 (unspecified) is converted as BT.601, as libheif and iPhones' readers do
    let matrix = if matrix == 2 { 6 } else { matrix };
    Some(Nclx {
        primaries,
        transfer,
        matrix: MatrixCoefficients::from_code(matrix),
        matrix_code: matrix,
        range: if full { Range::Full } else { Range::Limited },
    })
}

/// H.265 7.3.4, read past.
fn scaling_list_data(r: &mut Bits<'_>) -> Option<()> {
    for size in 0..4 {
        let mut matrix = 0;
        while matrix < 6 {
            if r.u(1)? == 0 {
                r.ue()?; // scaling_list_pred_matrix_id_delta
            } else {
                let coefs = 64.min(1 << (4 + (size << 1)));
                if size > 1 {
                    r.se()?;
                }
                for _ in 0..coefs {
                    r.se()?;
                }
            }
            matrix += if size == 3 { 3 } else { 1 };
        }
    }
    Some(())
}
