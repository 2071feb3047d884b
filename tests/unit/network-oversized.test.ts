import { describe, expect, test, vi } from 'vitest';
import { Mesh } from '../../src/network/index.js';
import { toMessage } from '../../src/network/transport.js';
import { FRAME_MARKER } from '../../src/network/frame.js';
import { copyKey } from '../../src/network/copy-key.js';
import { createIdentity, decodePacket, utf8ToBytes } from '../../src/protocol/index.js';
import { ManualClock } from '../../testkit/manual-clock.js';
import { rawTransport } from '../../testkit/raw-transport.js';

// Count the work done on a message: hashing its bytes, decoding it, encoding a string.
vi.mock('../../src/network/copy-key.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/network/copy-key.js')>();
  return { ...real, copyKey: vi.fn(real.copyKey) };
});
vi.mock('../../src/protocol/index.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/protocol/index.js')>();
  return { ...real, decodePacket: vi.fn(real.decodePacket), utf8ToBytes: vi.fn(real.utf8ToBytes) };
});

const MB10 = 10 * 1024 * 1024;

describe('oversized messages', () => {
  test('a 10 MB message is dropped as too-large before it is hashed, converted or decoded', async () => {
    const clock = new ManualClock();
    const { factory, deliver } = rawTransport();
    const mesh = new Mesh({ identity: createIdentity(), transports: [factory], scheduler: clock });
    mesh.start();
    await vi.waitFor(() => expect(mesh.health()[0]!.state).toBe('live'));
    vi.mocked(copyKey).mockClear();
    vi.mocked(decodePacket).mockClear();
    vi.mocked(utf8ToBytes).mockClear();

    const packetLike = new Uint8Array(MB10).fill(0x20);
    packetLike[0] = 0x7b;
    const frame = new Uint8Array(MB10);
    frame[0] = FRAME_MARKER;
    const text = '{'.padEnd(MB10, ' ');
    const justOverPacket = new Uint8Array(256 * 1024 + 1).fill(0x20);
    const started = performance.now();
    for (const message of [packetLike, frame, toMessage(text), justOverPacket, 'x'.repeat(256 * 1024 + 1)]) deliver(message);
    const elapsed = performance.now() - started;

    expect(mesh.stats()).toMatchObject({ received: 5, accepted: 0, drops: { 'too-large': 5 } });
    expect(copyKey).not.toHaveBeenCalled();
    expect(decodePacket).not.toHaveBeenCalled();
    expect(utf8ToBytes).not.toHaveBeenCalled();
    expect(elapsed).toBeLessThan(50);
    await mesh.close();
  });

  test('a transport hands strings on unconverted, and other values as null (malformed)', () => {
    const text = 'x'.repeat(1000);
    expect(toMessage(text)).toBe(text);
    const bytes = new Uint8Array([1, 2]);
    expect(toMessage(bytes)).toBe(bytes);
    expect(toMessage(bytes.buffer)).toEqual(bytes);
    for (const value of [{ a: 1 }, 42, [1, 2], true, null, new Int8Array(2), new DataView(new ArrayBuffer(2))]) expect(toMessage(value)).toBeNull();
  });
});
