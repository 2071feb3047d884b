/** Seeded pseudo-randomness for tests, simulations and benchmarks (mulberry32): same seed, same run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomBytes(random: () => number, length: number): Uint8Array {
  return Uint8Array.from({ length }, () => Math.floor(random() * 256));
}

/** A copy of `base` with exactly `flips` distinct bits flipped. */
export function flipBits(random: () => number, base: Uint8Array, flips: number): Uint8Array {
  const out = base.slice();
  const bits = base.length * 8;
  const chosen = new Set<number>();
  while (chosen.size < Math.min(flips, bits)) chosen.add(Math.floor(random() * bits));
  for (const bit of chosen) out[bit >> 3]! ^= 0x80 >> (bit & 7);
  return out;
}

export function randomHex(random: () => number, bytes: number): string {
  return Array.from(randomBytes(random, bytes), (b) => b.toString(16).padStart(2, '0')).join('');
}

export function shuffled<T>(random: () => number, items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
