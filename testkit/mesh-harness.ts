import { Mesh, type MeshOptions } from '../src/network/index.js';
import type { Packet } from '../src/protocol/index.js';

export interface MeshHarnessOptions extends MeshOptions {
  /** Replaces the signature check (e.g. synchronous noble, or the simulator's memoized verifier). */
  verify?: (packet: Packet) => boolean | Promise<boolean>;
}

/**
 * A Mesh with its test seams opened: raw bytes out (forged, malformed, replayed packets) and a
 * replaceable signature check. For tests, simulations, benches and fixture pages only.
 */
export class MeshHarness extends Mesh {
  private readonly verifyWith: MeshHarnessOptions['verify'];

  constructor({ verify, ...options }: MeshHarnessOptions) {
    super(options);
    this.verifyWith = verify;
  }

  /** Sends bytes as they are, on every live transport, at the end of this tick; the receivers judge them. */
  sendBytes(bytes: Uint8Array): void {
    this.sendRaw(bytes);
  }

  protected override verifySignature(packet: Packet, signed?: Uint8Array): boolean | Promise<boolean> {
    return this.verifyWith ? this.verifyWith(packet) : super.verifySignature(packet, signed);
  }
}

/** Waits (real time, at most 10 s) until every mesh has judged everything it received: signature checks are async. */
export async function settleMeshes(meshes: readonly Mesh[]): Promise<void> {
  const settled = () =>
    meshes.every((mesh) => {
      const { received, accepted, drops } = mesh.stats();
      return received === accepted + Object.values(drops).reduce((sum, count) => sum + count, 0);
    });
  for (let calm = 0, deadline = Date.now() + 10_000; calm < 3 && Date.now() < deadline; ) {
    await new Promise((resolve) => setTimeout(resolve, 2));
    calm = settled() ? calm + 1 : 0;
  }
}
