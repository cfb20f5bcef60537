// A worker answering one message at a time: enough for a benchmark that awaits every call.
// A module worker unless told { type: 'classic' } (litert-worker.js).
export function rpc(url, { type = 'module' } = {}) {
  const w = new Worker(url, { type });
  const call = (msg, transfer = []) =>
    new Promise((ok, fail) => {
      w.onmessage = ({ data }) => (data.error ? fail(new Error(`${url}: ${data.error}`)) : ok(data));
      w.onerror = (e) => fail(new Error(`${url}: ${e.message}`));
      w.postMessage(msg, transfer);
    });
  return { call, terminate: () => w.terminate() };
}

export const fixturePixels = async (name) => {
  const bitmap = await createImageBitmap(await (await fetch(`/fixtures/${name}`)).blob());
  const ctx = new OffscreenCanvas(bitmap.width, bitmap.height).getContext('2d');
  ctx.drawImage(bitmap, 0, 0);
  return ctx.getImageData(0, 0, bitmap.width, bitmap.height);
};
