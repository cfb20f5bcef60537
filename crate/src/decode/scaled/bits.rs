//! The entropy-coded segment's bit reader and Huffman tables, with libjpeg's conventions: a
//! marker met inside the data ends it (the rest reads as zero bits, as libjpeg does), 0xFF 0x00
//! is a stuffed 0xFF, fill bytes (0xFF 0xFF) are skipped.

use super::JpegError;

pub struct Bits<'a> {
    data: &'a [u8],
    /// the next byte to read; at a marker's 0xFF once `marker` is set
    pub pos: usize,
    /// valid bits left-aligned in `acc`
    acc: u64,
    n: u32,
    pub marker: bool,
}

impl<'a> Bits<'a> {
    pub fn new(data: &'a [u8], pos: usize) -> Self {
        Self {
            data,
            pos,
            acc: 0,
            n: 0,
            marker: false,
        }
    }

    #[inline]
    fn next_byte(&mut self) -> u8 {
        if self.marker {
            return 0;
        }
        let Some(&b) = self.data.get(self.pos) else {
            self.marker = true;
            return 0;
        };
        if b != 0xFF {
            self.pos += 1;
            return b;
        }
        let mut p = self.pos + 1;
        while self.data.get(p) == Some(&0xFF) {
            p += 1;
        }
        if self.data.get(p) == Some(&0) {
            self.pos = p + 1;
            0xFF
        } else {
            self.pos = p - 1;
            self.marker = true;
            0
        }
    }

    /// Reads a data byte; false at a marker or the end.
    fn next_byte_or_marker(&mut self) -> bool {
        self.next_byte();
        !self.marker
    }

    /// Tops the accumulator up to at least 56 bits.
    #[inline]
    pub fn refill(&mut self) {
        // the common case: whole bytes of plain data (no 0xFF) read at once
        let k = ((64 - self.n) / 8).min(7) as usize;
        if !self.marker {
            if let Some(chunk) = self.data.get(self.pos..self.pos + 8) {
                if !chunk[..k].contains(&0xFF) {
                    let word = u64::from_be_bytes(chunk.try_into().unwrap());
                    let bits = 8 * k as u32;
                    self.acc |= (word >> (64 - bits)) << (64 - self.n - bits);
                    self.n += bits;
                    self.pos += k;
                    if self.n >= 56 {
                        return;
                    }
                }
            }
        }
        while self.n <= 56 {
            let b = self.next_byte();
            self.acc |= (b as u64) << (56 - self.n);
            self.n += 8;
        }
    }

    #[inline]
    pub fn ensure(&mut self, k: u32) {
        if self.n < k {
            self.refill();
        }
    }

    /// The next `k` (1..=16) bits, not consumed; `ensure(k)` first.
    #[inline]
    pub fn peek(&self, k: u32) -> u32 {
        (self.acc >> (64 - k)) as u32
    }

    #[inline]
    pub fn consume(&mut self, k: u32) {
        self.acc <<= k;
        self.n -= k;
    }

    #[inline]
    pub fn bits(&mut self, k: u32) -> u32 {
        if k == 0 {
            return 0;
        }
        self.ensure(k);
        let v = self.peek(k);
        self.consume(k);
        v
    }

    /// `k` bits as a signed coefficient (JPEG's "extend").
    #[inline]
    pub fn receive_extend(&mut self, k: u32) -> i32 {
        if k == 0 {
            return 0;
        }
        let v = self.bits(k) as i32;
        if v < 1 << (k - 1) {
            v - (1 << k) + 1
        } else {
            v
        }
    }

    /// An AC code with its extra bits in one lookup: (run, value), or None for the slow path
    /// (`ensure(16)` first).
    #[inline(always)]
    pub fn fast_ac(&mut self, t: &Huffman) -> Option<(usize, i32)> {
        let e = t.fast_ac[self.peek(LOOKUP_BITS) as usize];
        if e == 0 {
            return None;
        }
        self.consume((e & 0xFF) as u32);
        Some((((e >> 8) & 0xFF) as usize, e >> 16))
    }

    #[inline]
    pub fn decode(&mut self, t: &Huffman) -> Result<u8, JpegError> {
        self.ensure(16);
        let e = t.lookup[self.peek(LOOKUP_BITS) as usize];
        if e != 0 {
            self.consume((e >> 8) as u32);
            return Ok(e as u8);
        }
        for len in LOOKUP_BITS + 1..=16 {
            let code = self.peek(len) as i32;
            if code <= t.maxcode[len as usize] {
                self.consume(len);
                let i = (code + t.valoffset[len as usize]) as usize;
                return t
                    .values
                    .get(i)
                    .copied()
                    .ok_or(JpegError::Corrupt("bad Huffman code"));
            }
        }
        Err(JpegError::Corrupt("bad Huffman code"))
    }

    /// At a restart interval's end: drops the bits left and reads the RSTn marker.
    pub fn restart(&mut self) -> Result<(), JpegError> {
        self.acc = 0;
        self.n = 0;
        if !self.marker {
            // bytes not read yet (none, in a well-formed file) are skipped up to the marker
            while self.next_byte_or_marker() {}
        }
        match self.data.get(self.pos + 1) {
            Some(0xD0..=0xD7) => {
                self.pos += 2;
                self.marker = false;
                Ok(())
            }
            _ => Err(JpegError::Corrupt("missing restart marker")),
        }
    }
}

const LOOKUP_BITS: u32 = 10;
/// [`Bits::fast_ac`]'s run for an end of block
pub const EOB: usize = 0xFF;

pub struct Huffman {
    /// (code length << 8) | symbol for codes of at most LOOKUP_BITS bits, 0 otherwise
    lookup: Box<[u16; 1 << LOOKUP_BITS]>,
    /// AC tables: a code and its extra bits together in LOOKUP_BITS bits, decoded in one step
    /// (as stb_image does): value << 16 | run << 8 | bits used, run [`EOB`] for an end of
    /// block, ZRL as a run of 15 then a zero; 0 otherwise
    pub fast_ac: Box<[i32; 1 << LOOKUP_BITS]>,
    maxcode: [i32; 17],
    valoffset: [i32; 17],
    values: Vec<u8>,
}

impl Huffman {
    /// `counts[l]`: how many codes have length l + 1; `values`: their symbols in code order.
    pub fn new(counts: &[u8; 16], values: &[u8]) -> Result<Self, JpegError> {
        let total: usize = counts.iter().map(|&c| c as usize).sum();
        if total > 256 || total > values.len() {
            return Err(JpegError::Corrupt("bad Huffman table"));
        }
        let mut lookup = Box::new([0u16; 1 << LOOKUP_BITS]);
        let mut maxcode = [-1i32; 17];
        let mut valoffset = [0i32; 17];
        let mut code = 0i32;
        let mut k = 0usize;
        for len in 1..=16u32 {
            let n = counts[len as usize - 1] as usize;
            valoffset[len as usize] = k as i32 - code;
            for _ in 0..n {
                if code >= 1 << len {
                    return Err(JpegError::Corrupt("bad Huffman table"));
                }
                if len <= LOOKUP_BITS {
                    let shift = LOOKUP_BITS - len;
                    let first = (code as usize) << shift;
                    for e in &mut lookup[first..first + (1 << shift)] {
                        *e = ((len as u16) << 8) | values[k] as u16;
                    }
                }
                code += 1;
                k += 1;
            }
            if n > 0 {
                maxcode[len as usize] = code - 1;
            }
            code <<= 1;
        }
        let mut fast_ac = Box::new([0i32; 1 << LOOKUP_BITS]);
        for (i, e) in fast_ac.iter_mut().enumerate() {
            let l = lookup[i];
            if l == 0 {
                continue;
            }
            let (len, rs) = ((l >> 8) as u32, (l & 0xFF) as u32);
            let (run, size) = (rs >> 4, rs & 15);
            if size == 0 {
                // EOB, ZRL; other runs of zeros without a value are not in baseline JPEG
                *e = match run {
                    0 => ((EOB as i32) << 8) | len as i32,
                    15 => (15 << 8) | len as i32,
                    _ => 0,
                };
                continue;
            }
            if len + size > LOOKUP_BITS {
                continue;
            }
            // the extra bits follow the code in the lookahead
            let extra = ((i as u32) >> (LOOKUP_BITS - len - size)) & ((1 << size) - 1);
            let v = extra as i32;
            let v = if v < 1 << (size - 1) {
                v - (1 << size) + 1
            } else {
                v
            };
            *e = (v << 16) | ((run as i32) << 8) | (len + size) as i32;
        }
        Ok(Self {
            lookup,
            fast_ac,
            maxcode,
            valoffset,
            values: values[..total].to_vec(),
        })
    }
}
