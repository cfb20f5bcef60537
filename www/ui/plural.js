// "1 photo", "3 photos": a count with its noun, as both pages write one.
export const plural = (n, one, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
