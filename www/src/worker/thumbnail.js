// A small JPEG of the pixels the worker decoded anyway (classify's thumbnailWidth): no second
// decode of the file. From a 12-MP JPEG decoded at 1/8 that is a 500x375 image to shrink.

/**
 * @param {{data: Uint8ClampedArray|Uint8Array, width: number, height: number}} px RGBA
 * @param {number} width at most this wide (never enlarged)
 * @returns {Promise<Blob | null>} null where the worker has no OffscreenCanvas
 */
export async function thumbnail(px, width) {
  if (typeof OffscreenCanvas !== 'function') return null;
  const w = Math.min(width, px.width);
  const h = Math.max(1, Math.round((px.height * w) / px.width));
  const data = px.data instanceof Uint8ClampedArray ? px.data : new Uint8ClampedArray(px.data.buffer, px.data.byteOffset, px.data.byteLength);
  const src = new OffscreenCanvas(px.width, px.height);
  src.getContext('2d').putImageData(new ImageData(data, px.width, px.height), 0, 0);
  const dst = new OffscreenCanvas(w, h);
  const ctx = dst.getContext('2d');
  ctx.imageSmoothingQuality = 'medium';
  ctx.drawImage(src, 0, 0, w, h);
  return dst.convertToBlob({ type: 'image/jpeg', quality: 0.8 });
}
