// A photo's size in pixels read from its header, for the duplicate groups' "best copy" (the
// largest resolution first). The classifier decodes a JPEG at 1/8 and gives no size back, so
// the header is read here, from the file's first bytes: JPEG (its frame header, after any
// EXIF), PNG, GIF, WebP and BMP. Anything else (HEIC, camera RAWs) gives null: its size is
// shown as unknown and it ranks after the copies whose size is known. Pure: no DOM.

/** How much of a file is read: a JPEG's frame header follows its EXIF and ICC segments, which rarely pass 256 KB. */
export const HEAD_BYTES = 256 * 1024;

/**
 * @param {Uint8Array} b the file's first bytes
 * @returns {{width: number, height: number} | null} the stored pixels' size (before any EXIF rotation)
 */
export function imageSize(b) {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const ascii = (o, n) => String.fromCharCode(...b.subarray(o, o + n));
  const ok = (w, h) => (w > 0 && h > 0 ? { width: w, height: h } : null);
  if (b.length >= 4 && b[0] === 0xff && b[1] === 0xd8) return jpegSize(b, dv);
  if (b.length >= 24 && ascii(1, 3) === 'PNG' && ascii(12, 4) === 'IHDR') return ok(dv.getUint32(16), dv.getUint32(20));
  if (b.length >= 10 && ascii(0, 3) === 'GIF') return ok(dv.getUint16(6, true), dv.getUint16(8, true));
  if (b.length >= 30 && ascii(0, 4) === 'RIFF' && ascii(8, 4) === 'WEBP') {
    const chunk = ascii(12, 4);
    if (chunk === 'VP8 ') return ok(dv.getUint16(26, true) & 0x3fff, dv.getUint16(28, true) & 0x3fff);
    if (chunk === 'VP8L') {
      const bits = dv.getUint32(21, true);
      return ok((bits & 0x3fff) + 1, ((bits >> 14) & 0x3fff) + 1);
    }
    if (chunk === 'VP8X') return ok(1 + (b[24] | (b[25] << 8) | (b[26] << 16)), 1 + (b[27] | (b[28] << 8) | (b[29] << 16)));
    return null;
  }
  if (b.length >= 26 && ascii(0, 2) === 'BM') return ok(Math.abs(dv.getInt32(18, true)), Math.abs(dv.getInt32(22, true)));
  return null;
}

function jpegSize(b, dv) {
  let o = 2;
  while (o + 9 < b.length) {
    if (b[o] !== 0xff) return null;
    const m = b[o + 1];
    if (m === 0xff) {
      o++; // fill byte
      continue;
    }
    // SOF0-SOF15 but DHT (c4), JPG (c8) and DAC (cc): the frame header, height then width
    if (m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc) {
      const h = dv.getUint16(o + 5);
      const w = dv.getUint16(o + 7);
      return w && h ? { width: w, height: h } : null;
    }
    if (m === 0xd8 || (m >= 0xd0 && m <= 0xd7) || m === 0x01) {
      o += 2;
      continue;
    }
    if (m === 0xda || m === 0xd9) return null; // scan data before any frame header
    o += 2 + dv.getUint16(o + 2);
  }
  return null;
}

/** The size of a File or Blob (null where its header says nothing this reads, or it cannot be read). */
export async function fileImageSize(file) {
  try {
    return imageSize(new Uint8Array(await file.slice(0, HEAD_BYTES).arrayBuffer()));
  } catch {
    return null;
  }
}
