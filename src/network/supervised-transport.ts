import type { Scheduler, TimerHandle } from './clock.js';
import { RelayWatch, type RelayVerdict } from './relay-watch.js';
import type { RelayStatus, Transport, TransportFactory, TransportMessage } from './transport.js';

export interface RestartPolicy {
  /** First retry delay; doubles per failed attempt up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** How long a transport may sit with no peers, after having had some, before it is restarted. */
  peerLossGraceMs: number;
  /** How long an open transport may go without any of its relays answering before it reads `down` (it keeps trying). */
  relayTimeoutMs: number;
}

/**
 * `connecting`: opening, or open with no relay answering yet (or for a while after the last one stopped);
 * `live`: open, and a relay answers (or it needs none); `down`: no relay answered for `relayTimeoutMs`
 * (`reason` says why; links already formed still carry packets); `waiting`: failed, reopening at `retryAt`;
 * `standby`: a fallback not opened (nor downloaded) yet, since other transports found peers in time.
 */
export type TransportState = 'connecting' | 'live' | 'down' | 'waiting' | 'standby' | 'closed';

/** Per-transport health as the mesh reports it. */
export interface TransportHealth {
  transport: string;
  state: TransportState;
  /** Why it is `down`, e.g. `relay unreachable`. */
  reason: string | undefined;
  /** Peers linked on this transport. */
  peers: number;
  relays: RelayStatus[];
  /** Links to peers that failed to form (WebRTC handshakes failed or timed out) since the node started, and the last one's error. */
  handshakeFailures: number;
  lastHandshakeError: string | undefined;
  /** Times the transport was reopened after failing. */
  restarts: number;
  lastError: string | undefined;
  /** When the next attempt is due, while `waiting`. */
  retryAt: number | undefined;
  sent: number;
  received: number;
}

export function restartDelayMs(attempt: number, policy: Pick<RestartPolicy, 'baseDelayMs' | 'maxDelayMs'>): number {
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
}

/**
 * Keeps one transport open: reopens it with exponential backoff when opening fails, when it reports an
 * error, or when it has lost every peer for longer than the grace period. The backoff resets once the
 * transport has a peer again.
 */
export class SupervisedTransport {
  private transport: Transport | undefined;
  /** Where the supervision is; once `open`, the state shown is the relay watch's verdict. */
  private phase: 'opening' | 'open' | 'waiting' | 'standby' | 'closed' = 'waiting';
  private relayWatch: RelayWatch | undefined;
  private handshakeFailures = 0;
  private lastHandshakeError: string | undefined;
  private failures = 0;
  private restarts = 0;
  private hadPeers = false;
  /** Peers of the open transport, as its last peers change said (health reads it on every status, so it must not cost a list). */
  private peerCount = 0;
  private lastError: string | undefined;
  private retryAt: number | undefined;
  private timer: TimerHandle | undefined;
  private sent = 0;
  private received = 0;
  /** Guards against a stale transport's callbacks after it was replaced. */
  private generation = 0;

  constructor(
    private readonly factory: TransportFactory,
    private readonly scheduler: Scheduler,
    private readonly policy: RestartPolicy,
    private readonly onMessage: (message: TransportMessage, transport: string, link: string) => void,
    private readonly onPeersChange: (transport: string, count: number) => void,
  ) {
    if (factory.fallback) this.phase = 'standby';
  }

  get name(): string {
    return this.factory.name;
  }

  /** Whether the mesh keeps it back until the node finds no peer otherwise. */
  get fallback(): boolean {
    return this.factory.fallback ?? false;
  }

  start(): void {
    if ((this.phase === 'waiting' || this.phase === 'standby') && this.timer === undefined) void this.open();
  }

  /** Whether each of its links is one peer's own (see TransportFactory). */
  get direct(): boolean {
    return this.factory.direct ?? false;
  }

  /** Whether each link carries only its peer's own sends (see TransportFactory). */
  get ownLinks(): boolean {
    return this.factory.ownLinks ?? this.direct;
  }

  /** Its links now (transport-level peer ids), none unless open. */
  links(): string[] {
    return this.phase === 'open' && this.transport ? this.transport.peers() : [];
  }

  /**
   * Sends if the transport is open (links formed before its relays went away still carry it), to
   * every link or only to `links`; else the other transports do.
   */
  send(bytes: Uint8Array, links?: readonly string[]): void {
    if (this.phase !== 'open' || !this.transport) return;
    this.transport.send(bytes, links);
    this.sent++;
  }

  /** Looks at the relays now, so that one lost between two reads of the health is timed from when it was lost. */
  watchRelays(): void {
    this.verdict(this.transport?.relays() ?? []);
  }

  health(): TransportHealth {
    const relays = this.transport?.relays() ?? [];
    const verdict = this.verdict(relays);
    return {
      transport: this.factory.name,
      state: verdict.state,
      reason: 'reason' in verdict ? verdict.reason : undefined,
      peers: this.transport ? this.peerCount : 0,
      relays,
      handshakeFailures: this.handshakeFailures,
      lastHandshakeError: this.lastHandshakeError,
      restarts: this.restarts,
      lastError: this.lastError,
      retryAt: this.phase === 'waiting' ? this.retryAt : undefined,
      sent: this.sent,
      received: this.received,
    };
  }

  async close(): Promise<void> {
    this.phase = 'closed';
    this.generation++;
    this.clearTimer();
    const transport = this.transport;
    this.transport = undefined;
    await transport?.close().catch(() => {});
  }

  private async open(): Promise<void> {
    const generation = ++this.generation;
    this.phase = 'opening';
    this.retryAt = undefined;
    let transport: Transport;
    try {
      transport = await this.factory.open();
    } catch (error) {
      if (generation === this.generation) this.fail(errorMessage(error));
      return;
    }
    if (generation !== this.generation) {
      await transport.close().catch(() => {});
      return;
    }
    this.transport = transport;
    this.phase = 'open';
    this.relayWatch = new RelayWatch(this.scheduler.now(), this.policy.relayTimeoutMs);
    this.hadPeers = false;
    transport.onMessage = (message, link) => {
      if (generation !== this.generation) return;
      this.received++;
      this.onMessage(message, this.factory.name, link);
    };
    transport.onPeersChange = (count) => {
      if (generation === this.generation) this.peersChanged(count);
    };
    transport.onError = (message) => {
      if (generation === this.generation) this.fail(message);
    };
    transport.onHandshakeError = (message) => {
      if (generation !== this.generation) return;
      this.handshakeFailures++;
      this.lastHandshakeError = message;
    };
    const count = transport.peers().length;
    this.peerCount = count;
    if (count > 0) this.peersChanged(count);
  }

  private verdict(relays: RelayStatus[]): RelayVerdict | { state: TransportState } {
    // Every opening starts a relay watch.
    if (this.phase === 'open') return this.relayWatch!.observe(relays, this.scheduler.now());
    return { state: this.phase === 'opening' ? 'connecting' : this.phase };
  }

  private peersChanged(count: number): void {
    this.peerCount = count;
    this.onPeersChange(this.factory.name, count);
    if (count > 0) {
      this.hadPeers = true;
      this.failures = 0;
      this.clearTimer();
      return;
    }
    if (!this.hadPeers || this.timer !== undefined) return;
    this.timer = this.scheduler.setTimeout(() => {
      this.timer = undefined;
      if (this.phase === 'open' && this.transport?.peers().length === 0) this.fail('lost all peers');
    }, this.policy.peerLossGraceMs);
  }

  private fail(message: string): void {
    if (this.phase === 'closed') return;
    this.lastError = message;
    this.generation++;
    this.clearTimer();
    const broken = this.transport;
    this.transport = undefined;
    if (broken) {
      void broken.close().catch(() => {});
      this.onPeersChange(this.factory.name, 0);
    }
    const delay = restartDelayMs(this.failures++, this.policy);
    this.phase = 'waiting';
    this.retryAt = this.scheduler.now() + delay;
    this.timer = this.scheduler.setTimeout(() => {
      this.timer = undefined;
      this.restarts++;
      void this.open();
    }, delay);
  }

  private clearTimer(): void {
    if (this.timer !== undefined) this.scheduler.clearTimeout(this.timer);
    this.timer = undefined;
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
