import { WITHIN_RADIUS_WASM } from './within-radius-wasm.js';

/**
 * The WebAssembly SIMD form of sphereCounts' pair scan (within-radius.wat), with the memory its rows
 * and counts live in. Compiled once, synchronously (the module is a few hundred bytes, under every
 * engine's limit for synchronous compiles), so `decide` stays synchronous.
 */
export interface WithinRadiusKernel {
  /** Grows the module's memory to at least `bytes` and returns its buffer (views taken before a grow are stale). */
  reserve(bytes: number): ArrayBuffer;
  /** For rows b in [bStart, bEnd) within `radius` bits of row a: counts[b] += 1; returns how many. */
  countWithin(a: number, bStart: number, bEnd: number, strideBytes: number, radius: number, countsAddress: number): number;
}

const PAGE_BYTES = 65_536;
let kernel: WithinRadiusKernel | null | undefined;

/**
 * The kernel, or null where WebAssembly, its SIMD or compiling it is unavailable: engines without
 * SIMD, and pages whose Content-Security-Policy lacks 'wasm-unsafe-eval'. Callers then use JavaScript.
 */
export function withinRadiusKernel(): WithinRadiusKernel | null {
  if (kernel === undefined) kernel = compile();
  return kernel;
}

function compile(): WithinRadiusKernel | null {
  try {
    const instance = new WebAssembly.Instance(new WebAssembly.Module(WITHIN_RADIUS_WASM));
    const memory = instance.exports.memory as WebAssembly.Memory;
    const countWithin = instance.exports.countWithin as WithinRadiusKernel['countWithin'];
    return {
      reserve(bytes) {
        const missing = bytes - memory.buffer.byteLength;
        if (missing > 0) memory.grow(Math.ceil(missing / PAGE_BYTES));
        return memory.buffer;
      },
      countWithin,
    };
  } catch {
    return null;
  }
}
