// The page's URL parameters, for measuring (bench/tagger.mjs): ?decode=exact tags with the
// full decode instead of 'fast'; ?engines=N runs N engines (www/tagger/engines.js; 1: one
// engine with the threads the library picks). Unknown or absent: the defaults.
const q = new URLSearchParams(globalThis.location?.search ?? '');

export const decodeParam = q.get('decode') === 'exact' ? 'exact' : 'fast';
export const enginesParam = /^[1-8]$/.test(q.get('engines') ?? '') ? Number(q.get('engines')) : undefined;
