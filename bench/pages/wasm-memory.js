// Imported first by each benchmark worker: remembers every WebAssembly.Memory the engine
// creates or exports, so both engines' memory is read the same way.
const memories = new Set();

const Memory = WebAssembly.Memory;
WebAssembly.Memory = class extends Memory {
  constructor(descriptor) {
    super(descriptor);
    memories.add(this);
  }
};
for (const name of ['instantiate', 'instantiateStreaming']) {
  const original = WebAssembly[name];
  WebAssembly[name] = async (...args) => {
    const result = await original.apply(WebAssembly, args);
    const instance = result.instance ?? result;
    for (const v of Object.values(instance.exports ?? {})) if (v instanceof Memory) memories.add(v);
    return result;
  };
}

/** Bytes of the largest wasm memory this worker has (the engine's heap). */
export const wasmMemoryBytes = () => Math.max(0, ...[...memories].map((m) => m.buffer.byteLength));
