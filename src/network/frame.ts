/**
 * Several packets in one transport message. Per-message costs (WebRTC data channel sends, trystero's
 * framing and back-pressure waits, BroadcastChannel clones) dominate small packets, so packets sent in
 * the same tick travel together. A frame starts with a byte no packet starts with (packets are JSON
 * objects, `{`), then each packet as a 4-byte big-endian length and its bytes. A single packet travels
 * bare.
 */
export const FRAME_MARKER = 0x01;

/** Packets per frame at most (a frame of many tiny items is refused whole). */
export const MAX_FRAME_ITEMS = 4096;

export function isFrame(bytes: Uint8Array): boolean {
  return bytes[0] === FRAME_MARKER;
}

export function encodeFrame(packets: readonly Uint8Array[]): Uint8Array {
  const size = packets.reduce((total, packet) => total + 4 + packet.length, 1);
  const frame = new Uint8Array(size);
  const view = new DataView(frame.buffer);
  frame[0] = FRAME_MARKER;
  let offset = 1;
  for (const packet of packets) {
    view.setUint32(offset, packet.length);
    frame.set(packet, offset + 4);
    offset += 4 + packet.length;
  }
  return frame;
}

/** The packets in a frame, or undefined if it is malformed. Never throws. */
export function decodeFrame(frame: Uint8Array): Uint8Array[] | undefined {
  if (!isFrame(frame)) return undefined;
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const packets: Uint8Array[] = [];
  let offset = 1;
  while (offset < frame.length) {
    if (offset + 4 > frame.length || packets.length >= MAX_FRAME_ITEMS) return undefined;
    const length = view.getUint32(offset);
    const start = offset + 4;
    if (length === 0 || start + length > frame.length) return undefined;
    packets.push(frame.subarray(start, start + length));
    offset = start + length;
  }
  return packets.length > 0 ? packets : undefined;
}

/** Groups packets into messages of at most about `targetBytes` each; a lone packet stays bare. */
export function packFrames(packets: readonly Uint8Array[], targetBytes: number): Uint8Array[] {
  const messages: Uint8Array[] = [];
  let group: Uint8Array[] = [];
  let groupBytes = 0;
  const flush = () => {
    if (group.length === 1) messages.push(group[0]!);
    else if (group.length > 1) messages.push(encodeFrame(group));
    group = [];
    groupBytes = 0;
  };
  for (const packet of packets) {
    if (group.length > 0 && (groupBytes + packet.length > targetBytes || group.length >= MAX_FRAME_ITEMS)) flush();
    group.push(packet);
    groupBytes += packet.length + 4;
  }
  flush();
  return messages;
}
