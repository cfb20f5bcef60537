// The Vite configuration README.md gives for effnet-wasm, word for word.
const isolation = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

export default {
  server: { headers: isolation },
  preview: { headers: isolation },
};
