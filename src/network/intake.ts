import { utf8ToBytes } from '../protocol/index.js';
import { decodeFrame, isFrame } from './frame.js';
import type { MeshLimits } from './mesh-limits.js';
import type { MeshDropReason } from './mesh-types.js';
import type { TransportMessage } from './transport.js';

/** Packets of one own link judged at once: a lying link is muted after a few verdicts, not after its whole burst. */
const LINK_WINDOW = 32;
/** Packets of one own link waiting for the window at most; more are refused as `link-limited`. */
const LINK_QUEUE = 8_192;

/** Verdicts no honest sender's bytes get (a newer version's packets may fail on their body or version, not on these). */
export const OFFENCES: ReadonlySet<string> = new Set(['malformed', 'bad-frame', 'not-utf8', 'not-json', 'duplicate-key', 'lone-surrogate', 'bad-envelope', 'bad-signature']);

/** How many offences a link may commit before it is muted, for how long, and how many links are tracked. */
export interface LinkStrikeLimits {
  strikes: number;
  muteMs: number;
  maxLinks: number;
}

export interface IntakeSink {
  /** Judges one packet's bytes; settles once its verdict is in. */
  packet(bytes: Uint8Array, transport: string, link: string): Promise<void>;
  /** Refuses `count` items of a message unread. */
  refuse(reason: MeshDropReason, count?: number): void;
}

interface Line {
  key: string;
  strikes: number;
  mutedUntil: number;
  queue: Uint8Array[];
  judging: number;
}

/**
 * Turns a transport message into packets to judge. Sizes come first: nothing too large is converted,
 * hashed, split or parsed.
 *
 * A link of a transport whose links each carry one peer's own sends (`ownLinks`) that sends what no
 * honest node sends (bytes that are no packet, a signature that fails: honest nodes send what they
 * signed and pass on only what they verified) has a faulty peer: after `strikes` offences everything
 * from it is dropped unread for `muteMs`. Its packets are judged `LINK_WINDOW` at a time, so a burst
 * of forgeries costs a receiver a few signature checks, not one per packet. Honest links never offend,
 * so offences do not decay; a link with neither strikes nor packets waiting is not kept, and past
 * `maxLinks` the least recently heard link is forgotten first. Other links (relayed,
 * or a shared channel) are never muted: their senders are not the link.
 */
export class Intake {
  private readonly lines = new Map<string, Line>();

  constructor(
    private readonly limits: Pick<MeshLimits, 'maxPacketBytes' | 'maxFrameBytes' | 'linkStrikes'>,
    private readonly ownLinks: ReadonlySet<string>,
    private readonly now: () => number,
    private readonly sink: IntakeSink,
  ) {}

  receive(message: TransportMessage, transport: string, link: string): void {
    if (this.muted(transport, link)) return this.sink.refuse('link-muted');
    // Not bytes: never parsed, and never remembered as heard (all such messages would look alike).
    if (message === null) return this.offend(transport, link, 'malformed');
    if (typeof message === 'string') {
      // A string is never a frame, and its UTF-8 form is at least as long as it is.
      if (message.length > this.limits.maxPacketBytes) return this.sink.refuse('too-large');
      return this.judge([utf8ToBytes(message)], transport, link);
    }
    // A message refused whole counts as one received item, so received = accepted + drops once settled.
    if (message.length > Math.max(this.limits.maxFrameBytes, this.limits.maxPacketBytes)) return this.sink.refuse('too-large');
    if (!isFrame(message)) return this.judge([message], transport, link);
    if (message.length > this.limits.maxFrameBytes) return this.sink.refuse('too-large');
    const packets = decodeFrame(message);
    if (!packets) return this.offend(transport, link, 'bad-frame');
    this.judge(packets, transport, link);
  }

  muted(transport: string, link: string): boolean {
    return this.now() < (this.lines.get(`${transport}:${link}`)?.mutedUntil ?? 0);
  }

  /** Counts an offence against an own link (and refuses what it sent, when `reason` is given). */
  offend(transport: string, link: string, reason?: MeshDropReason): void {
    if (reason) this.sink.refuse(reason);
    const line = this.line(transport, link);
    if (line && ++line.strikes >= this.limits.linkStrikes.strikes) {
      line.mutedUntil = this.now() + this.limits.linkStrikes.muteMs;
      line.strikes = 0;
    }
  }

  private line(transport: string, link: string): Line | undefined {
    if (!this.ownLinks.has(transport)) return undefined;
    const key = `${transport}:${link}`;
    let line = this.lines.get(key);
    if (line) this.lines.delete(key);
    else if (this.lines.size >= this.limits.linkStrikes.maxLinks) this.lines.delete(this.lines.keys().next().value!);
    this.lines.set(key, (line ??= { key, strikes: 0, mutedUntil: 0, queue: [], judging: 0 }));
    return line;
  }

  private judge(packets: Uint8Array[], transport: string, link: string): void {
    const line = this.line(transport, link);
    if (!line) return packets.forEach((packet) => void this.sink.packet(packet, transport, link));
    const room = LINK_QUEUE - line.queue.length;
    line.queue.push(...packets.slice(0, room));
    if (packets.length > room) this.sink.refuse('link-limited', packets.length - room);
    this.pump(line, transport, link);
  }

  private pump(line: Line, transport: string, link: string): void {
    while (line.judging < LINK_WINDOW && line.queue.length > 0) {
      // Checked before each packet: bytes that are no packet offend at once, while the link is being read.
      if (this.muted(transport, link)) {
        this.sink.refuse('link-muted', line.queue.length);
        line.queue = [];
        return;
      }
      line.judging++;
      void this.sink.packet(line.queue.shift()!, transport, link).finally(() => {
        line.judging--;
        this.pump(line, transport, link);
      });
    }
    // A link with nothing against it and nothing waiting is not kept.
    if (!line.judging && !line.strikes && !line.mutedUntil) this.lines.delete(line.key);
  }
}
