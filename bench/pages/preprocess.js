// What an onnxruntime-web user typically writes: the browser decodes and resizes (not
// bit-exact to PIL bicubic, unlike effnet-wasm's own preprocessing), JS normalises to NCHW.
export async function browserPreprocess(blob, entry) {
  const { size, cropPct, mean, std, valueRange } = entry.preprocess;
  const unit = 255 / valueRange; // the manifest's mean/std are in units of 255/unit
  const probe = await createImageBitmap(blob);
  const short = Math.floor(size / cropPct);
  const scale = short / Math.min(probe.width, probe.height);
  const w = Math.max(size, Math.round(probe.width * scale));
  const h = Math.max(size, Math.round(probe.height * scale));
  probe.close();
  const resized = await createImageBitmap(blob, { resizeWidth: w, resizeHeight: h, resizeQuality: 'high' });
  const ctx = new OffscreenCanvas(size, size).getContext('2d');
  ctx.drawImage(resized, -Math.round((w - size) / 2), -Math.round((h - size) / 2));
  resized.close();
  const px = ctx.getImageData(0, 0, size, size).data;
  const plane = size * size;
  const out = new Float32Array(3 * plane);
  for (let i = 0; i < plane; i++) {
    for (let c = 0; c < 3; c++) out[c * plane + i] = (px[4 * i + c] / unit - mean[c]) / std[c];
  }
  return out;
}
