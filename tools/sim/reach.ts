import type { MemoryEndpointInfo } from '../../src/network/memory-bus.js';

/**
 * Who hears a send: the reveal splitter's meshes (`only-a`, `only-b`) reach, and hear, one half only;
 * during a partition, the halves `a` and `b` do not reach each other.
 */
export function reaches(from: MemoryEndpointInfo, to: MemoryEndpointInfo, apart: boolean): boolean {
  const half = (group: string | undefined) => (group?.startsWith('only-') ? group.slice(5) : group);
  if (from.group?.startsWith('only-') && half(from.group) !== to.group) return false;
  if (to.group?.startsWith('only-') && half(to.group) !== from.group) return false;
  return !apart || half(from.group) === half(to.group);
}
