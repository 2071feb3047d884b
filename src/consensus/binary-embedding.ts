/**
 * Binary embeddings: one sign bit per dimension, packed most-significant bit first
 * (dimension i lives in byte i >> 3, bit 7 - (i & 7)), the layout of numpy's packbits
 * and of sentence-transformers' "ubinary" precision.
 */

/** Packs the sign bits (value > 0 → 1) of the first `dims` values (Matryoshka prefix). */
export function binarize(values: ArrayLike<number>, dims: number = values.length): Uint8Array {
  if (!Number.isInteger(dims) || dims <= 0 || dims % 8 !== 0) {
    throw new RangeError(`binarize: dims must be a positive multiple of 8, got ${dims}`);
  }
  if (dims > values.length) {
    throw new RangeError(`binarize: asked for ${dims} dims of a ${values.length}-dim vector`);
  }
  const packed = new Uint8Array(dims >> 3);
  for (let i = 0; i < dims; i++) {
    if ((values[i] as number) > 0) packed[i >> 3]! |= 0x80 >> (i & 7);
  }
  return packed;
}

/** Truncates a packed embedding to its first `dims` dimensions (Matryoshka: a prefix is a valid smaller embedding). */
export function truncateBinary(packed: Uint8Array, dims: number): Uint8Array {
  if (!Number.isInteger(dims) || dims <= 0 || dims % 8 !== 0 || dims > packed.length * 8) {
    throw new RangeError(`truncateBinary: cannot take ${dims} dims of a ${packed.length * 8}-bit embedding`);
  }
  return packed.slice(0, dims >> 3);
}

/** Unpacks to 0/1 per dimension; for display and projections, not for distances. */
export function unpackBits(packed: Uint8Array): Uint8Array {
  const bits = new Uint8Array(packed.length * 8);
  for (let i = 0; i < bits.length; i++) bits[i] = (packed[i >> 3]! >> (7 - (i & 7))) & 1;
  return bits;
}
