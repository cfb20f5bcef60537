//! Markers, scans and blocks: a baseline, extended (8-bit) or progressive Huffman JPEG ->
//! one plane per component at its reduced size (libjpeg's per-component DCT scaling).
//! Sequential scans are transformed block by block as they are read (no coefficient buffer);
//! progressive ones keep every coefficient until the last scan, as they must.

use super::bits::{Bits, Huffman, EOB};
use super::idct::{dc_only, idct};
use super::JpegError;

/// zigzag index -> natural (row-major) index
const NATURAL: [usize; 64] = [
    0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20,
    13, 6, 7, 14, 21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59,
    52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
];

pub struct Component {
    pub id: u8,
    pub h: usize,
    pub v: usize,
    tq: usize,
    /// blocks a non-interleaved scan covers
    bw: usize,
    bh: usize,
    /// blocks stored (interleaved scans pad to whole MCUs)
    pub bwp: usize,
    bhp: usize,
    /// this component's IDCT size (libjpeg's DCT_scaled_size)
    pub m: usize,
    /// the reduced-size samples, `bwp * m` wide
    pub plane: Vec<u8>,
    /// real samples in `plane` (libjpeg's downsampled_width/height)
    pub dw: usize,
    pub dh: usize,
    /// progressive only: every coefficient, 64 per block (the DC term alone where the IDCT is
    /// 1x1: its AC scans are skipped), and which AC terms are nonzero (bit k: zigzag index
    /// k), so that a refinement scan visits only those
    coefs: Vec<i16>,
    nonzero: Vec<u64>,
    /// the quantisation table, latched at the component's first scan as libjpeg does
    q: Option<[u16; 64]>,
}

impl Component {
    /// Progressive coefficients kept per block: the DC term alone for a 1x1 IDCT.
    fn kept(&self) -> usize {
        if self.m == 1 {
            1
        } else {
            64
        }
    }
}

pub struct Frame {
    pub width: usize,
    pub height: usize,
    pub hmax: usize,
    pub vmax: usize,
    /// the smallest IDCT size (8 / reduction)
    pub m: usize,
    pub comps: Vec<Component>,
    progressive: bool,
    mcux: usize,
    mcuy: usize,
}

pub struct Decoded {
    pub frame: Frame,
    /// JFIF or Adobe marker seen, and the Adobe transform flag (libjpeg's colour-space guess)
    pub jfif: bool,
    pub adobe: Option<u8>,
}

fn be16(d: &[u8], i: usize) -> Result<usize, JpegError> {
    match d.get(i..i + 2) {
        Some(b) => Ok(((b[0] as usize) << 8) | b[1] as usize),
        None => Err(JpegError::Corrupt("segment runs past the end")),
    }
}

/// Decodes `data` at 1/`reduction(width, height)` (1, 2, 4 or 8) of its size, in the frame's
/// colour space; `None` if that is 1 (nothing to gain here), decided before any plane is
/// allocated. `max_pixels` bounds width x height.
pub fn decode(
    data: &[u8],
    reduction: impl Fn(usize, usize) -> usize,
    max_pixels: u64,
) -> Result<Option<Decoded>, JpegError> {
    if data.get(..2) != Some(&[0xFF, 0xD8]) {
        return Err(JpegError::Corrupt("not a JPEG (no SOI)"));
    }
    let mut qt: [Option<[u16; 64]>; 4] = [None; 4];
    let mut dc: [Option<Huffman>; 4] = [None, None, None, None];
    let mut ac: [Option<Huffman>; 4] = [None, None, None, None];
    let mut restart = 0usize;
    let mut frame: Option<Frame> = None;
    let (mut jfif, mut adobe) = (false, None);
    let mut pos = 2;
    loop {
        // the next marker: 0xFF (fill bytes 0xFF allowed) then its code
        pos = next_ff(data, pos);
        while pos < data.len() && data[pos] == 0xFF {
            pos += 1;
        }
        let Some(&code) = data.get(pos) else { break };
        pos += 1;
        match code {
            0xD9 => break,
            // RSTn, TEM and SOI have no length; 0x00 is a stuffed byte left behind by a scan
            0xD0..=0xD7 | 0x01 | 0xD8 | 0x00 => continue,
            _ => {}
        }
        let len = be16(data, pos)?;
        let seg = data
            .get(pos + 2..pos + len)
            .ok_or(JpegError::Corrupt("segment runs past the end"))?;
        if len < 2 {
            return Err(JpegError::Corrupt("segment length below 2"));
        }
        pos += len;
        match code {
            0xC0..=0xC2 => {
                if frame.is_some() {
                    return Err(JpegError::Unsupported("more than one frame"));
                }
                let f = parse_frame(seg, code == 0xC2, &reduction, max_pixels)?;
                if f.m == 8 {
                    return Ok(None);
                }
                frame = Some(f);
            }
            0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF => {
                return Err(JpegError::Unsupported(
                    "lossless, hierarchical or arithmetic-coded JPEG",
                ));
            }
            0xC4 => parse_dht(seg, &mut dc, &mut ac)?,
            0xDB => parse_dqt(seg, &mut qt)?,
            0xDD => restart = be16(seg, 0)?,
            0xE0 => jfif |= seg.starts_with(b"JFIF\0"),
            0xEE if seg.starts_with(b"Adobe") && seg.len() >= 12 => adobe = Some(seg[11]),
            0xDA => {
                let f = frame
                    .as_mut()
                    .ok_or(JpegError::Corrupt("scan before frame"))?;
                let scan = parse_scan(seg, f)?;
                for &ci in &scan.comps {
                    let c = &mut f.comps[ci];
                    if c.q.is_none() {
                        c.q =
                            Some(qt[c.tq].ok_or(JpegError::Corrupt("missing quantisation table"))?);
                    }
                }
                // A progressive AC scan of a component decoded at 1x1 per block (a 1/8 decode's
                // luma) is skipped unread: that IDCT reads the DC term alone, and entropy-decoding
                // the AC scans is most of a progressive file's cost. The marker search above
                // passes over its data (stuffed bytes and RSTn included) to the next segment.
                if f.progressive && scan.ss > 0 && scan.comps.iter().all(|&ci| f.comps[ci].m == 1) {
                    continue;
                }
                let mut bits = Bits::new(data, pos);
                decode_scan(f, &scan, &dc, &ac, restart, &mut bits)?;
                pos = bits.pos;
            }
            _ => {}
        }
    }
    let mut frame = frame.ok_or(JpegError::Corrupt("no frame"))?;
    if frame.comps.iter().any(|c| c.q.is_none()) {
        return Err(JpegError::Corrupt("a component has no scan"));
    }
    if frame.progressive {
        finish_progressive(&mut frame);
    }
    Ok(Some(Decoded { frame, jfif, adobe }))
}

/// The index of the next 0xFF at or after `pos` (`data.len()` if none), eight bytes at a
/// time: the data of a skipped scan, megabytes in a large progressive file, is passed over here.
fn next_ff(data: &[u8], mut pos: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    while let Some(chunk) = data.get(pos..pos + 8) {
        // a byte of 0xFF is a zero byte of the complement
        let v = !u64::from_le_bytes(chunk.try_into().unwrap());
        if v.wrapping_sub(ONES) & !v & (ONES << 7) != 0 {
            break;
        }
        pos += 8;
    }
    while pos < data.len() && data[pos] != 0xFF {
        pos += 1;
    }
    pos
}

fn parse_frame(
    s: &[u8],
    progressive: bool,
    reduction: impl Fn(usize, usize) -> usize,
    max_pixels: u64,
) -> Result<Frame, JpegError> {
    if s.len() < 6 {
        return Err(JpegError::Corrupt("short SOF"));
    }
    if s[0] != 8 {
        return Err(JpegError::Unsupported("not 8 bits per sample"));
    }
    let height = be16(s, 1)?;
    let width = be16(s, 3)?;
    let n = s[5] as usize;
    if width == 0 || height == 0 {
        return Err(JpegError::Unsupported(
            "height 0 (defined by DNL) or width 0",
        ));
    }
    if (width as u64) * (height as u64) > max_pixels {
        return Err(JpegError::TooLarge { width, height });
    }
    let m = 8 / reduction(width, height);
    if m == 8 {
        return Ok(Frame {
            width,
            height,
            hmax: 1,
            vmax: 1,
            m,
            comps: vec![],
            progressive,
            mcux: 0,
            mcuy: 0,
        });
    }
    if !(n == 1 || n == 3) {
        return Err(JpegError::Unsupported("neither 1 nor 3 components"));
    }
    if s.len() < 6 + 3 * n {
        return Err(JpegError::Corrupt("short SOF"));
    }
    let mut comps = Vec::with_capacity(n);
    for i in 0..n {
        let c = &s[6 + 3 * i..9 + 3 * i];
        let (h, v, tq) = ((c[1] >> 4) as usize, (c[1] & 15) as usize, c[2] as usize);
        if !(1..=4).contains(&h) || !(1..=4).contains(&v) || tq > 3 {
            return Err(JpegError::Corrupt("bad sampling factor or table"));
        }
        comps.push(Component {
            id: c[0],
            h,
            v,
            tq,
            bw: 0,
            bh: 0,
            bwp: 0,
            bhp: 0,
            m,
            plane: vec![],
            dw: 0,
            dh: 0,
            coefs: vec![],
            nonzero: vec![],
            q: None,
        });
    }
    let hmax = comps.iter().map(|c| c.h).max().unwrap();
    let vmax = comps.iter().map(|c| c.v).max().unwrap();
    let mcux = width.div_ceil(8 * hmax);
    let mcuy = height.div_ceil(8 * vmax);
    for c in &mut comps {
        c.bw = (width * c.h).div_ceil(hmax).div_ceil(8);
        c.bh = (height * c.v).div_ceil(vmax).div_ceil(8);
        (c.bwp, c.bhp) = if n == 1 {
            (c.bw, c.bh)
        } else {
            (mcux * c.h, mcuy * c.v)
        };
        // jdmaster.c: scale a subsampled component up by a larger IDCT rather than by upsampling,
        // as far as its sampling factors allow
        let mut ss = m;
        while ss < 8
            && (hmax * m).is_multiple_of(c.h * ss * 2)
            && (vmax * m).is_multiple_of(c.v * ss * 2)
        {
            ss *= 2;
        }
        c.m = ss;
        c.dw = (width * c.h * ss).div_ceil(hmax * 8);
        c.dh = (height * c.v * ss).div_ceil(vmax * 8);
        c.plane = vec![0; c.bwp * ss * c.bhp * ss];
        if progressive {
            c.coefs = vec![0; c.bwp * c.bhp * c.kept()];
            c.nonzero = vec![0; if ss == 1 { 0 } else { c.bwp * c.bhp }];
        }
    }
    Ok(Frame {
        width,
        height,
        hmax,
        vmax,
        m,
        comps,
        progressive,
        mcux,
        mcuy,
    })
}

fn parse_dht(
    mut s: &[u8],
    dc: &mut [Option<Huffman>; 4],
    ac: &mut [Option<Huffman>; 4],
) -> Result<(), JpegError> {
    while !s.is_empty() {
        if s.len() < 17 {
            return Err(JpegError::Corrupt("short DHT"));
        }
        let (class, id) = (s[0] >> 4, (s[0] & 15) as usize);
        if class > 1 || id > 3 {
            return Err(JpegError::Corrupt("bad DHT"));
        }
        let counts: [u8; 16] = s[1..17].try_into().unwrap();
        let total: usize = counts.iter().map(|&c| c as usize).sum();
        let values = s
            .get(17..17 + total)
            .ok_or(JpegError::Corrupt("short DHT"))?;
        let t = Huffman::new(&counts, values)?;
        if class == 0 {
            dc[id] = Some(t);
        } else {
            ac[id] = Some(t);
        }
        s = &s[17 + total..];
    }
    Ok(())
}

fn parse_dqt(mut s: &[u8], qt: &mut [Option<[u16; 64]>; 4]) -> Result<(), JpegError> {
    while !s.is_empty() {
        let (prec, id) = (s[0] >> 4, (s[0] & 15) as usize);
        let n = if prec == 0 { 64 } else { 128 };
        if id > 3 || prec > 1 || s.len() < 1 + n {
            return Err(JpegError::Corrupt("bad DQT"));
        }
        let mut t = [0u16; 64];
        for (k, &nat) in NATURAL.iter().enumerate() {
            t[nat] = if prec == 0 {
                s[1 + k] as u16
            } else {
                u16::from_be_bytes([s[1 + 2 * k], s[2 + 2 * k]])
            };
        }
        qt[id] = Some(t);
        s = &s[1 + n..];
    }
    Ok(())
}

struct Scan {
    /// frame component indices, with their DC and AC table ids
    comps: Vec<usize>,
    td: Vec<usize>,
    ta: Vec<usize>,
    ss: usize,
    se: usize,
    ah: u32,
    al: u32,
}

fn parse_scan(s: &[u8], f: &Frame) -> Result<Scan, JpegError> {
    let n = *s.first().ok_or(JpegError::Corrupt("short SOS"))? as usize;
    if n == 0 || n > f.comps.len() || s.len() < 4 + 2 * n {
        return Err(JpegError::Corrupt("bad SOS"));
    }
    let mut scan = Scan {
        comps: vec![],
        td: vec![],
        ta: vec![],
        ss: s[1 + 2 * n] as usize,
        se: s[2 + 2 * n] as usize,
        ah: (s[3 + 2 * n] >> 4) as u32,
        al: (s[3 + 2 * n] & 15) as u32,
    };
    for i in 0..n {
        let id = s[1 + 2 * i];
        let ci = f
            .comps
            .iter()
            .position(|c| c.id == id)
            .ok_or(JpegError::Corrupt("scan names an unknown component"))?;
        scan.comps.push(ci);
        scan.td.push((s[2 + 2 * i] >> 4) as usize & 3);
        scan.ta.push((s[2 + 2 * i] & 15) as usize & 3);
    }
    if f.progressive {
        let dc_scan = scan.ss == 0;
        if scan.se > 63
            || (dc_scan && scan.se != 0)
            || (!dc_scan && (scan.ss > scan.se || n != 1))
            || scan.al > 13
        {
            return Err(JpegError::Corrupt("bad progressive scan parameters"));
        }
    } else if scan.ss != 0 || scan.se != 63 || scan.ah != 0 || scan.al != 0 {
        // libjpeg only warns; such files are rare enough to leave to the full decoder
        return Err(JpegError::Unsupported(
            "sequential scan with spectral parameters",
        ));
    }
    Ok(scan)
}

/// The tables a scan's components name in `set`, if the scan uses that kind (`used`).
fn tables<'a>(
    set: &'a [Option<Huffman>; 4],
    ids: &[usize],
    used: bool,
) -> Result<Vec<&'a Huffman>, JpegError> {
    if !used {
        return Ok(vec![]);
    }
    ids.iter()
        .map(|&id| {
            set[id]
                .as_ref()
                .ok_or(JpegError::Corrupt("missing Huffman table"))
        })
        .collect()
}

fn decode_scan(
    f: &mut Frame,
    scan: &Scan,
    dc: &[Option<Huffman>; 4],
    ac: &[Option<Huffman>; 4],
    restart: usize,
    bits: &mut Bits,
) -> Result<(), JpegError> {
    let single = scan.comps.len() == 1;
    // MCUs of the scan: one block each when it has a single component
    let (mx, my) = if single {
        let c = &f.comps[scan.comps[0]];
        (c.bw, c.bh)
    } else {
        (f.mcux, f.mcuy)
    };
    let mut preds = vec![0i32; scan.comps.len()];
    let mut eobrun = 0u32;
    let mut todo = restart;
    let mut block = [0i16; 64];
    let dc_t = tables(dc, &scan.td, scan.ss == 0 && scan.ah == 0)?;
    let ac_t = tables(ac, &scan.ta, scan.se > 0)?;
    for y in 0..my {
        for x in 0..mx {
            if restart > 0 {
                if todo == 0 {
                    bits.restart()?;
                    preds.iter_mut().for_each(|p| *p = 0);
                    eobrun = 0;
                    todo = restart;
                }
                todo -= 1;
            }
            for (k, &ci) in scan.comps.iter().enumerate() {
                let c = &mut f.comps[ci];
                let (nh, nv) = if single { (1, 1) } else { (c.h, c.v) };
                for by in 0..nv {
                    for bx in 0..nh {
                        let (bxx, byy) = if single {
                            (x, y)
                        } else {
                            (x * c.h + bx, y * c.v + by)
                        };
                        if !f.progressive {
                            // libjpeg-turbo's 1x1 IDCT reads the DC term alone
                            let need_ac = c.m > 1;
                            let has_ac = sequential_block(
                                bits,
                                dc_t[k],
                                ac_t[k],
                                &mut preds[k],
                                &mut block,
                                need_ac,
                            )?;
                            let stride = c.bwp * c.m;
                            let at = byy * c.m * stride + bxx * c.m;
                            let q = c.q.as_ref().unwrap();
                            if has_ac {
                                idct(c.m, &block, q, &mut c.plane[at..], stride);
                                block = [0; 64];
                            } else {
                                dc_only(c.m, block[0], q[0], &mut c.plane[at..], stride);
                            }
                            continue;
                        }
                        let bi = byy * c.bwp + bxx;
                        if scan.ss == 0 {
                            // the DC term: first of the block's coefficients, as kept
                            let kept = c.kept();
                            let dcv = &mut c.coefs[bi * kept];
                            if scan.ah == 0 {
                                bits.ensure(32);
                                let t = bits.decode(dc_t[k])?;
                                preds[k] = preds[k].wrapping_add(bits.receive_extend(t as u32));
                                *dcv = preds[k].wrapping_shl(scan.al) as i16;
                            } else if bits.bits(1) != 0 {
                                *dcv |= 1 << scan.al;
                            }
                            continue;
                        }
                        let blk = Block {
                            coefs: (&mut c.coefs[bi * 64..bi * 64 + 64]).try_into().unwrap(),
                            nonzero: &mut c.nonzero[bi],
                        };
                        if scan.ah == 0 {
                            ac_first(bits, ac_t[k], blk, scan, &mut eobrun)?;
                        } else {
                            ac_refine(bits, ac_t[k], blk, scan, &mut eobrun)?;
                        }
                    }
                }
            }
        }
    }
    Ok(())
}

#[inline]
fn sequential_block(
    bits: &mut Bits,
    dc: &Huffman,
    ac: &Huffman,
    pred: &mut i32,
    b: &mut [i16; 64],
    need_ac: bool,
) -> Result<bool, JpegError> {
    let mut has_ac = false;
    bits.ensure(32);
    let t = bits.decode(dc)?;
    // wrapping: corrupt data must not panic (in wasm, a trap)
    *pred = pred.wrapping_add(bits.receive_extend(t as u32));
    b[0] = *pred as i16;
    let mut k = 1;
    while k < 64 {
        bits.ensure(32);
        if let Some((r, v)) = bits.fast_ac(ac) {
            if r == EOB {
                break;
            }
            k += r;
            // v is 0 for ZRL: sixteen zeros, which may run to the end as in libjpeg
            if v != 0 {
                if k > 63 {
                    return Err(JpegError::Corrupt("coefficient index past 63"));
                }
                if need_ac {
                    b[NATURAL[k]] = v as i16;
                    has_ac = true;
                }
            }
            k += 1;
            continue;
        }
        let rs = bits.decode(ac)?;
        let (r, s) = ((rs >> 4) as usize, (rs & 15) as u32);
        if s != 0 {
            k += r;
            if k > 63 {
                return Err(JpegError::Corrupt("coefficient index past 63"));
            }
            if need_ac {
                b[NATURAL[k]] = bits.receive_extend(s) as i16;
                has_ac = true;
            } else {
                bits.consume(s);
            }
            k += 1;
        } else if r == 15 {
            k += 16;
        } else {
            break;
        }
    }
    Ok(has_ac)
}

/// A progressive block's coefficients and which of them (by zigzag index) are nonzero so far.
struct Block<'a> {
    coefs: &'a mut [i16; 64],
    nonzero: &'a mut u64,
}

impl Block<'_> {
    /// A coefficient that becomes nonzero, at zigzag index `k`.
    fn set(&mut self, k: usize, v: i16) -> Result<(), JpegError> {
        if k > 63 {
            return Err(JpegError::Corrupt("coefficient index past 63"));
        }
        self.coefs[NATURAL[k]] = v;
        *self.nonzero |= 1 << k;
        Ok(())
    }

    /// A correction bit for each coefficient already nonzero among `band`'s, in order: one
    /// more bit (`p1` or `m1`, away from zero) where it is set and the coefficient lacks it.
    fn refine(&mut self, bits: &mut Bits, band: u64, p1: i16, m1: i16) {
        let mut m = *self.nonzero & band;
        while m != 0 {
            let z = m.trailing_zeros() as usize;
            m &= m - 1;
            let c = &mut self.coefs[NATURAL[z]];
            if bits.bits(1) != 0 && (*c & p1) == 0 {
                *c = c.wrapping_add(if *c >= 0 { p1 } else { m1 });
            }
        }
    }
}

fn ac_first(
    bits: &mut Bits,
    t: &Huffman,
    mut blk: Block,
    scan: &Scan,
    eobrun: &mut u32,
) -> Result<(), JpegError> {
    if *eobrun > 0 {
        *eobrun -= 1;
        return Ok(());
    }
    let mut k = scan.ss;
    while k <= scan.se {
        bits.ensure(32);
        let (r, v) = match bits.fast_ac(t) {
            // an EOB run of 1: this block's end
            Some((EOB, _)) => break,
            Some(rv) => rv,
            None => {
                let rs = bits.decode(t)?;
                let (r, s) = ((rs >> 4) as u32, (rs & 15) as u32);
                if s == 0 && r != 15 {
                    *eobrun = (1 << r) - 1 + bits.bits(r);
                    break;
                }
                (r as usize, bits.receive_extend(s))
            }
        };
        k += r;
        // v is 0 for ZRL: sixteen zeros
        if v != 0 {
            blk.set(k, (v << scan.al) as i16)?;
        }
        k += 1;
    }
    Ok(())
}

/// jdphuff.c decode_mcu_AC_refine: correction bits for coefficients already nonzero, and new
/// coefficients of magnitude 1 << Al.
fn ac_refine(
    bits: &mut Bits,
    t: &Huffman,
    mut blk: Block,
    scan: &Scan,
    eobrun: &mut u32,
) -> Result<(), JpegError> {
    let p1 = 1i16 << scan.al;
    let m1 = -1i16 << scan.al;
    let mut k = scan.ss;
    if *eobrun == 0 {
        while k <= scan.se {
            bits.ensure(32);
            let rs = bits.decode(t)?;
            let (mut r, s) = ((rs >> 4) as i32, rs & 15);
            let mut value = 0i16;
            if s != 0 {
                // s must be 1 here; libjpeg warns and carries on
                value = if bits.bits(1) != 0 { p1 } else { m1 };
            } else if r != 15 {
                *eobrun = (1 << r) + bits.bits(r as u32);
                break;
            }
            // past the nonzero terms (a correction bit each, in order) and r zero ones: k
            // ends at the next zero term after those, or past the band
            let band = (u64::MAX >> (63 - scan.se)) & (u64::MAX << k);
            let mut zeros = !*blk.nonzero & band;
            while r > 0 && zeros != 0 {
                zeros &= zeros - 1;
                r -= 1;
            }
            let target = if zeros == 0 {
                scan.se + 1
            } else {
                zeros.trailing_zeros() as usize
            };
            let below = if target >= 64 {
                u64::MAX
            } else {
                (1 << target) - 1
            };
            blk.refine(bits, band & below, p1, m1);
            k = target;
            if value != 0 {
                blk.set(k, value)?;
            }
            k += 1;
        }
    }
    if *eobrun > 0 {
        // the rest of the band
        if k <= scan.se {
            blk.refine(bits, (u64::MAX >> (63 - scan.se)) & (u64::MAX << k), p1, m1);
        }
        *eobrun -= 1;
    }
    Ok(())
}

/// The inverse DCT of every stored block, once the last scan is in.
fn finish_progressive(f: &mut Frame) {
    for c in &mut f.comps {
        let Some(q) = c.q else { continue };
        let stride = c.bwp * c.m;
        for by in 0..c.bhp {
            for bx in 0..c.bwp {
                let at = by * c.m * stride + bx * c.m;
                if c.m == 1 {
                    let dc = c.coefs[by * c.bwp + bx];
                    dc_only(1, dc, q[0], &mut c.plane[at..], stride);
                    continue;
                }
                let i = (by * c.bwp + bx) * 64;
                let b: &[i16; 64] = (&c.coefs[i..i + 64]).try_into().unwrap();
                idct(c.m, b, &q, &mut c.plane[at..], stride);
            }
        }
        c.coefs = vec![];
    }
}
