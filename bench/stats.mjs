// Median and p90 of a set of timings (nearest rank), as every benchmark here reports them.
export const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p) => s[Math.round((s.length - 1) * p)];
  return { median: q(0.5), p90: q(0.9), n: s.length };
};
