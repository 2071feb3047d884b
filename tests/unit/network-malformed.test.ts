import { describe, expect, test, vi } from 'vitest';
import { Mesh } from '../../src/network/index.js';
import { toMessage } from '../../src/network/transport.js';
import { createIdentity, encodePacket, signPacket } from '../../src/protocol/index.js';
import { ManualClock } from '../../testkit/manual-clock.js';
import { rawTransport } from '../../testkit/raw-transport.js';

describe('malformed messages', () => {
  test('JSON objects, numbers and other non-bytes from a peer are counted as malformed, each one, never as duplicates', async () => {
    const clock = new ManualClock();
    const { factory, deliver } = rawTransport();
    const mesh = new Mesh({ identity: createIdentity(), transports: [factory], scheduler: clock });
    mesh.start();
    await vi.waitFor(() => expect(mesh.health()[0]!.state).toBe('live'));

    // What trystero hands on for a peer that sent JSON instead of bytes, and what a BroadcastChannel gives for other values.
    for (const value of [{ v: 1 }, { v: 1 }, 42, 42, [1, 2, 3], true, new Int8Array(4)]) deliver(toMessage(value));
    expect(mesh.stats()).toMatchObject({ received: 7, accepted: 0, drops: { malformed: 7 } });
    expect(mesh.stats().drops.duplicate).toBeUndefined();

    // A genuine packet after them still gets through.
    const sender = createIdentity();
    deliver(encodePacket(signPacket(sender, { type: 'hello', role: 'observer', models: [], embeddingModels: [], tokensServed: 0, client: 'test' }, clock.now())));
    await vi.waitFor(() => expect(mesh.stats().accepted).toBe(1));
    await mesh.close();
  });
});
