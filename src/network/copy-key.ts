/**
 * A cheap name for a packet's exact bytes (length and a 53-bit cyrb53 hash), so the second and third
 * copies of a packet, arriving byte for byte the same over other transports, are dropped without being
 * parsed. Not collision-resistant against a chosen attacker: at worst an attacker who knows a packet's
 * bytes before it is sent could have it dropped as a duplicate, and the packet id (a SHA-256) still
 * decides what is the same packet.
 */
export function copyKey(bytes: Uint8Array): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i]!;
    h1 = Math.imul(h1 ^ byte, 2654435761);
    h2 = Math.imul(h2 ^ byte, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return `${bytes.length}:${(4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36)}`;
}
