// One spinner of the core count measurement (worker/cores.js): told how long, it runs a
// xorshift loop for that long and says how many steps per millisecond. The result is sent
// back, so no compiler can drop the loop.
self.onmessage = ({ data: ms }) => {
  const t0 = performance.now();
  let x = 0x9e3779b9 | 0;
  let n = 0;
  let t = t0;
  while (t - t0 < ms) {
    for (let i = 0; i < 4096; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
    }
    n += 4096;
    t = performance.now();
  }
  self.postMessage({ rate: n / (t - t0), x });
};
self.postMessage('ready');
