import { utf8ToBytes } from '../protocol/index.js';
import { decodeFrame, isFrame } from './frame.js';
import type { LinkStrikes } from './link-strikes.js';
import type { MeshLimits } from './mesh-limits.js';
import type { MeshDropReason } from './mesh-types.js';
import type { TransportMessage } from './transport.js';

/** Packets of one own link judged at once: a faulty link's forgeries are muted after a few verdicts, not after its whole burst. */
const LINK_WINDOW = 32;
/** Packets of one own link waiting for the window at most; more are refused as `link-limited`. */
const LINK_QUEUE = 8_192;

export interface IntakeSink {
  /** Judges one packet's bytes; settles once its verdict is in. */
  packet(bytes: Uint8Array, transport: string, link: string): Promise<void>;
  /** Refuses `count` items of a message unread; `link` when the refusal is the sender's fault. */
  refuse(reason: MeshDropReason, count?: number, transport?: string, link?: string): void;
}

/**
 * Turns a transport message into packets to judge. Sizes come first: nothing too large is converted,
 * hashed, split or parsed; nothing from a muted link is read at all.
 */
export class Intake {
  /** Per own link (`transport:link`), its packets waiting and how many are being judged. */
  private readonly lines = new Map<string, { queue: Uint8Array[]; head: number; judging: number }>();

  constructor(
    private readonly limits: Pick<MeshLimits, 'maxPacketBytes' | 'maxFrameBytes'>,
    private readonly strikes: LinkStrikes,
    private readonly now: () => number,
    private readonly sink: IntakeSink,
  ) {}

  receive(message: TransportMessage, transport: string, link: string): void {
    if (this.strikes.muted(transport, link, this.now())) return this.sink.refuse('link-muted');
    // Not bytes: never parsed, and never remembered as heard (all such messages would look alike).
    if (message === null) return this.sink.refuse('malformed', 1, transport, link);
    if (typeof message === 'string') {
      // A string is never a frame, and its UTF-8 form is at least as long as it is.
      if (message.length > this.limits.maxPacketBytes) return this.sink.refuse('too-large');
      return this.judge([utf8ToBytes(message)], transport, link);
    }
    const bytes = message;
    // A message refused whole counts as one received item, so received = accepted + drops once settled.
    if (bytes.length > Math.max(this.limits.maxFrameBytes, this.limits.maxPacketBytes)) return this.sink.refuse('too-large');
    if (!isFrame(bytes)) return this.judge([bytes], transport, link);
    if (bytes.length > this.limits.maxFrameBytes) return this.sink.refuse('too-large');
    const packets = decodeFrame(bytes);
    if (!packets) return this.sink.refuse('bad-frame', 1, transport, link);
    this.judge(packets, transport, link);
  }

  /**
   * On an own link, `LINK_WINDOW` packets at a time, in order: an honest link's packets are still
   * checked many at once, and a link muted meanwhile has the rest refused unread. Other links' packets
   * (relayed, or a shared channel) are all judged at once: their senders are not the link.
   */
  private judge(packets: Uint8Array[], transport: string, link: string): void {
    if (!this.strikes.judgesLinks(transport)) {
      for (const packet of packets) void this.sink.packet(packet, transport, link);
      return;
    }
    const key = `${transport}:${link}`;
    let line = this.lines.get(key);
    if (!line) this.lines.set(key, (line = { queue: [], head: 0, judging: 0 }));
    const room = Math.max(0, LINK_QUEUE - (line.queue.length - line.head));
    for (const packet of packets.slice(0, room)) line.queue.push(packet);
    if (packets.length > room) this.sink.refuse('link-limited', packets.length - room);
    this.pump(key, line, transport, link);
  }

  private pump(key: string, line: { queue: Uint8Array[]; head: number; judging: number }, transport: string, link: string): void {
    while (line.judging < LINK_WINDOW && line.head < line.queue.length) {
      // Checked before each packet: bytes that are no packet offend at once, while it is being read.
      if (this.strikes.muted(transport, link, this.now())) {
        this.sink.refuse('link-muted', line.queue.length - line.head);
        line.head = line.queue.length;
        break;
      }
      const packet = line.queue[line.head++]!;
      line.judging++;
      void this.sink.packet(packet, transport, link).finally(() => {
        line.judging--;
        this.pump(key, line, transport, link);
      });
    }
    if (line.head === line.queue.length) {
      line.queue = [];
      line.head = 0;
      if (line.judging === 0) this.lines.delete(key);
    }
  }
}
