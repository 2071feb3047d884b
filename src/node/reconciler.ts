import { LIMITS, type DigestBody, type DigestEntry, type DigestsBody, type Packet, type WantBody } from '../protocol/index.js';
import { holdingsSummary, type Holdings } from '../quorum/index.js';

const EMPTY = { ids: [] as string[], ...holdingsSummary([]) };

/** A small digest at least this often while a request's holdings change… */
const CHANGED_DIGEST_MS = 1_000;
/** …and this often while they do not, so a node that missed a packet hears of it. */
const IDLE_DIGEST_MS = 5_000;
/** Full digests (with ids) per request, at least this far apart, doubling while peers keep differing. */
const FULL_DIGEST_MIN_MS = 500;
const FULL_DIGEST_MAX_MS = 8_000;
/** Times one missing packet is asked for before it is taken as one this node turns down. */
const ASKS_PER_PACKET = 3;
/** A packet a digest names but this node lacks is asked for only this long after: it may be on its way. */
const WANT_GRACE_MS = 500;
/** Holders whose offers wait to be asked for, per request. */
const PENDING_HOLDERS = 16;
/** Packets sent in answer to one node's wants per second. */
const ANSWERS_PER_SECOND = 512;
/** Requests not followed (yet) whose digests are still answered, and requesters whose wants are counted. */
const TABLE_LIMIT = 256;
/** A quiet node that heard a digest counting more than it holds checks this much later whether it caught up. */
const BEHIND_GRACE_MS = 1_000;
/** A quiet node that heard no digest of a request this long speaks up: those who speak may be out of its reach. */
const HEARD_NOTHING_MS = 2 * IDLE_DIGEST_MS;

interface RequestSync {
  lastDigestAt: number;
  lastCount: number;
  lastFullAt: number;
  fullIntervalMs: number;
  /** Times each missing short id was asked for. */
  asked: Map<string, number>;
  /** Short ids holders offered that this node lacked, to ask for once the grace passed. */
  offered: Map<string, { ids: string[]; dueAt: number }>;
  /** When a digest of this request was last heard from anyone. */
  heardAt: number;
  /** A quiet node's pending check: a digest counted this many packets; if it still holds fewer then, it speaks up. */
  behind?: { count: number; dueAt: number };
  /** A quiet node speaks up for being behind at least this far apart, doubling each time. */
  behindIntervalMs: number;
}

export interface ReconcilerOptions {
  self: string;
  /** What this node holds about a request, or undefined when it does not follow it. */
  holdings(requestId: string): Holdings | undefined;
  /** Requests this node turned down: their digests are not answered and their packets not pulled. */
  refuses?(requestId: string): boolean;
  /** Requests this node announces its digests of (those it may still lack packets of, or others may). */
  active(): string[];
  /**
   * Whether this node (or `node`) speaks for the request: the requester and its committers announce
   * digests and answer them; any other node stays quiet while it hears them, and speaks up only when
   * it stays behind what they announce or hears nobody (default: every node speaks).
   */
  speaks?(requestId: string, node?: string): boolean;
  /** Signs and broadcasts a digest, a batch of small digests or a want of this node. */
  publish(body: DigestBody | DigestsBody | WantBody): void;
  /** Re-sends a packet (signed by its author) to peers that miss it. */
  forward(packet: Packet): void;
}

/**
 * Brings the nodes that follow a request to hold the same packets about it, whatever was lost and
 * however the mesh is shaped. Each node announces a small digest of what it holds; a node whose
 * holdings differ answers with the full list of short ids; a node that lacks some asks their holder,
 * which re-sends them (packets are signed by their authors, so anyone may forward them). A node
 * linked to one peer learns of a request through that peer's digests and pulls it whole. Every
 * table and answer is bounded.
 */
export class Reconciler {
  private readonly sync = new Map<string, RequestSync>();
  private readonly answered = new Map<string, { second: number; count: number }>();
  private digestAllSoon = false;
  /** Small digests due, sent together as one packet at the end of a tick. */
  private batch: DigestEntry[] = [];

  constructor(private readonly options: ReconcilerOptions) {}

  /** A peer linked: it may miss everything, so every active request is announced at the next tick. */
  peerJoined(): void {
    this.digestAllSoon = true;
  }

  tick(now: number): void {
    const active = new Set(this.options.active());
    for (const requestId of active) {
      const held = this.options.holdings(requestId);
      if (!held) continue;
      const state = this.state(requestId, now);
      const since = now - state.lastDigestAt;
      if (this.options.speaks?.(requestId) === false) {
        const due = this.quietDue(held, state, now, since);
        if (due) this.digest(requestId, held, state, now, false, due === 'alone');
        continue;
      }
      const changed = held.size !== state.lastCount;
      if (this.digestAllSoon || (changed && since >= CHANGED_DIGEST_MS) || since >= IDLE_DIGEST_MS) this.digest(requestId, held, state, now, false);
    }
    for (const [requestId, state] of this.sync) this.askDue(requestId, state, now);
    this.digestAllSoon = false;
    for (const requestId of this.sync.keys()) if (!active.has(requestId) && this.options.holdings(requestId)) this.sync.delete(requestId);
    for (let start = 0; start < this.batch.length; start += LIMITS.digestEntries) {
      this.options.publish({ type: 'digests', entries: this.batch.slice(start, start + LIMITS.digestEntries) });
    }
    this.batch = [];
  }

  /** A batch of small digests: each is taken as if it came alone. */
  onDigests(from: string, body: DigestsBody, now: number): void {
    for (const { alone, ...entry } of body.entries) this.onDigest(from, { type: 'digest', ...entry }, now, alone === true);
  }

  /** `alone`: the sender follows quietly and has heard nobody who speaks for the request for a while. */
  onDigest(from: string, body: DigestBody, now: number, alone = false): void {
    if (this.options.refuses?.(body.requestId)) return;
    const held = this.options.holdings(body.requestId);
    const mine = held?.summary() ?? EMPTY;
    const state = this.state(body.requestId, now);
    state.heardAt = now;
    if (mine.hash === body.hash) return;
    if (body.ids) this.offer(from, body.ids, held, state, now);
    const speaks = this.options.speaks?.(body.requestId) ?? true;
    // A quiet node checks a little later whether it caught up with what a digest counted (it may be in flight).
    if (held && !speaks && body.count > mine.count) state.behind ??= { count: body.count, dueAt: now + BEHIND_GRACE_MS };
    // The sender may lack what this node holds: tell it, so it can ask in turn. A sender that holds
    // more learns what this node lacks from this node's own digests, and answers those.
    const offered = body.ids && new Set(body.ids);
    const senderLacks = offered ? mine.ids.some((id) => !offered.has(id)) : body.count <= mine.count;
    // Those who speak reconcile among themselves and answer quiet nodes. A quiet node answers only a quiet
    // one that hears none of them: answering every quiet digest would make each node's traffic grow with the network.
    const answers = speaks || (alone && this.options.speaks?.(body.requestId, from) === false);
    if (answers && senderLacks && now - state.lastFullAt >= state.fullIntervalMs) {
      this.digest(body.requestId, held, state, now, true);
      state.fullIntervalMs = Math.min(FULL_DIGEST_MAX_MS, state.fullIntervalMs * 2);
    } else if (!held && !body.ids && now - state.lastDigestAt >= CHANGED_DIGEST_MS) {
      // A request this node never received (the requester is not linked to it): it says it holds
      // nothing, so the holder answers with its ids and the request itself can be asked for.
      this.digest(body.requestId, held, state, now, false);
    }
  }

  onWant(from: string, body: WantBody, now: number): void {
    if (body.holder !== this.options.self) return;
    const held = this.options.holdings(body.requestId);
    if (!held) return;
    const second = Math.floor(now / 1000);
    let budget = this.answered.get(from);
    if (!budget || budget.second !== second) {
      if (!budget && this.answered.size >= TABLE_LIMIT) this.answered.delete(this.answered.keys().next().value!);
      this.answered.set(from, (budget = { second, count: 0 }));
    }
    for (const id of body.ids) {
      const packet = held.get(id);
      if (!packet || budget.count >= ANSWERS_PER_SECOND) continue;
      budget.count++;
      this.options.forward(packet);
    }
  }

  private offer(holder: string, ids: string[], held: Holdings | undefined, state: RequestSync, now: number): void {
    if (state.offered.has(holder) || ids.every((id) => held?.has(id))) return;
    if (state.offered.size >= PENDING_HOLDERS) state.offered.delete(state.offered.keys().next().value!);
    state.offered.set(holder, { ids, dueAt: now + WANT_GRACE_MS });
  }

  /** Asks each holder whose grace passed for what this node still lacks of what it offered. */
  private askDue(requestId: string, state: RequestSync, now: number): void {
    const held = this.options.holdings(requestId);
    for (const [holder, { ids: offered, dueAt }] of state.offered) {
      if (now < dueAt) continue;
      state.offered.delete(holder);
      const ids: string[] = [];
      for (const id of offered) {
        if (ids.length >= LIMITS.wantIds) break;
        const asked = state.asked.get(id) ?? 0;
        if (held?.has(id) || held?.refuses(id) || asked >= ASKS_PER_PACKET) continue;
        if (state.asked.size < LIMITS.digestIds * 2) state.asked.set(id, asked + 1);
        ids.push(id);
      }
      if (ids.length > 0) this.options.publish({ type: 'want', requestId, holder, ids });
    }
  }

  /**
   * When a quiet node speaks up: it stayed behind a digest it heard once the grace passed (so it is
   * answered with the ids it lacks), or it heard no digest of the request for a while (it may be out of
   * reach of those who speak). Both are spaced out, doubling, so a node that turns packets down does
   * not speak up for ever.
   */
  private quietDue(held: Holdings, state: RequestSync, now: number, since: number): 'behind' | 'alone' | undefined {
    const behind = state.behind;
    if (behind && now >= behind.dueAt) state.behind = undefined;
    const alone = now - state.heardAt >= HEARD_NOTHING_MS;
    const due = alone || (behind !== undefined && now >= behind.dueAt && held.size < behind.count);
    if (!due || since < state.behindIntervalMs) return undefined;
    state.behindIntervalMs = Math.min(FULL_DIGEST_MAX_MS, state.behindIntervalMs * 2);
    return alone ? 'alone' : 'behind';
  }

  private digest(requestId: string, held: Holdings | undefined, state: RequestSync, now: number, full: boolean, alone = false): void {
    const { ids, count, hash } = held?.summary() ?? EMPTY;
    if (count !== state.lastCount) state.fullIntervalMs = FULL_DIGEST_MIN_MS;
    state.lastDigestAt = now;
    state.lastCount = count;
    if (full) {
      state.lastFullAt = now;
      this.options.publish({ type: 'digest', requestId, count, hash, ids: ids.slice(0, LIMITS.digestIds) });
    } else this.batch.push(alone ? { requestId, count, hash, alone } : { requestId, count, hash });
  }

  private state(requestId: string, now: number): RequestSync {
    let state = this.sync.get(requestId);
    if (!state) {
      // Requests this node does not follow are bounded: the oldest are forgotten first.
      if (this.sync.size >= TABLE_LIMIT * 4) this.sync.delete(this.sync.keys().next().value!);
      state = { lastDigestAt: -Infinity, lastCount: -1, lastFullAt: -Infinity, fullIntervalMs: FULL_DIGEST_MIN_MS, asked: new Map(), offered: new Map(), heardAt: now, behindIntervalMs: CHANGED_DIGEST_MS };
      this.sync.set(requestId, state);
    }
    return state;
  }
}
