// Small JPEG thumbnails (stored with the results, so a reopened library needs no decoding).
// The classifier's worker makes them from the pixels it decoded (classify's thumbnailWidth);
// this is for a worker that cannot: the bitmap decoded at the thumbnail's size by the browser.

export const WIDTH = 240;

/** @returns {Promise<Blob | null>} null when this browser cannot decode the file */
export async function makeThumb(file) {
  let bitmap;
  try {
    bitmap = await createImageBitmap(file, { resizeWidth: WIDTH, resizeQuality: 'medium', imageOrientation: 'from-image' });
  } catch {
    return null;
  }
  try {
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    canvas.getContext('2d').drawImage(bitmap, 0, 0);
    return await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.8 });
  } finally {
    bitmap.close();
  }
}
