import type { Scheduler } from '../../src/network/index.js';
import {
  computeInferenceId,
  computeListHash,
  computeResultHash,
  embeddingBits,
  encodePacket,
  signPacket,
  signRequest,
  type CommitBody,
  type CommitEntry,
  type ConsensusBody,
  type Identity,
  type InferenceRequestBody,
  type Packet,
  type PacketBody,
  type RevealBody,
  type SecurityFrame,
} from '../../src/protocol/index.js';
import type { MeshHarness } from '../../testkit/mesh-harness.js';
import { randomHex } from '../../testkit/random.js';
import { SIM_MODEL } from './answers.js';

/**
 * Floods, each played by one raw actor that may sign as many identities (an attacker relaying for
 * its own sybil keys through one link). None of them commits to the request being judged.
 */
export const FLOOD_KINDS = ['forged-from-flood', 'junk-reveal-flood', 'list-flood', 'attest-flood', 'hello-flood', 'request-flood'] as const;
export type FloodKind = (typeof FLOOD_KINDS)[number];

/** Packets claiming the requester's id under random signatures, sent just before the request. */
export const FORGED_FROM_PACKETS = 720;
/** Empty reveals during the commit window, from `JUNK_REVEAL_IDENTITIES` identities. */
export const JUNK_REVEALS = 1_024;
const JUNK_REVEAL_IDENTITIES = 3;
/** Reveal lists for the request, signed by attackers, after the fallback moment. */
const LIST_IDENTITIES = 8;
const LISTS_PER_IDENTITY = 16;
/** Attestations from many attacker identities, while nodes reveal and decide. */
const ATTEST_IDENTITIES = 64;
const ATTESTS_PER_IDENTITY = 16;
/** Hellos (and then statuses) from fresh identities. */
const HELLO_IDENTITIES = 512;
/** Valid requests from a few identities, half before the request, half during its commit window. */
const REQUEST_IDENTITIES = 3;
const REQUESTS_PER_IDENTITY = 700;

export interface FloodContext {
  scheduler: Scheduler;
  random: () => number;
  /** Fresh identities for the attacker's other keys. */
  identity: () => Identity;
  /** The honest requester, whose id the forged flood claims. */
  requesterId: string;
  /** The frame the flood's own requests ask for. */
  frame: SecurityFrame;
  /** When an attacker list is sent: the reveal timings the nodes use. */
  fallbackAfterCommitDeadlineMs: number;
  /** Requests per identity of the request flood (default 700). */
  requestsPerIdentity?: number;
}

/**
 * - `forged-from-flood`: 720 packets (hellos and commits) with `from` = the requester and random
 *   signatures, just before the request: a node that charged budget before checking signatures
 *   would then throttle or ban the requester.
 * - `junk-reveal-flood`: 1,024 validly signed empty reveals with made-up inferenceIds, from 3
 *   identities, during the commit window (before any reveal list exists).
 * - `list-flood`: once the fallback moment passed, 8 identities send 16 reveal lists each for the
 *   request: longer lists (every commit seen plus entries of their own, signed inside the window
 *   but never sent as commits), halves, a wrongly ordered one, one listing a committer twice.
 * - `attest-flood`: 64 identities attest 16 times each: decisions naming listed entries (with a
 *   recomputing result hash when the output is known), random result hashes, failures.
 * - `hello-flood`: 512 fresh identities say hello before the request and send a status during it.
 * - `request-flood`: 3 identities send 700 valid requests each (same models and frame as the honest
 *   request), half before it, half during its commit window.
 */
export class FloodActor {
  private request: Packet<InferenceRequestBody> | undefined;
  private readonly commits: CommitEntry[] = [];
  private readonly outputs = new Map<string, string>();
  private listed: string[] = [];
  private listHash: string | undefined;
  private listSeen = false;

  constructor(
    readonly kind: FloodKind,
    readonly identity: Identity,
    private readonly mesh: MeshHarness,
    private readonly ctx: FloodContext,
  ) {
    mesh.onPacket((packet) => this.onPacket(packet));
  }

  get synthientId(): string {
    return this.identity.synthientId;
  }

  start(): void {
    this.mesh.start();
  }

  stop(): Promise<void> {
    return this.mesh.close();
  }

  private get now(): number {
    return this.ctx.scheduler.now();
  }

  private later(ms: number, run: () => void): void {
    this.ctx.scheduler.setTimeout(run, Math.max(0, ms));
  }

  private sendAs(identity: Identity, body: unknown, createdAt = this.now): void {
    this.mesh.send(signPacket(identity, body as PacketBody, createdAt));
  }

  private identities(count: number): Identity[] {
    return [this.identity, ...Array.from({ length: count - 1 }, () => this.ctx.identity())];
  }

  /** Called by the world shortly before the honest request is sent. */
  beforeRequest(): void {
    if (this.kind === 'forged-from-flood') this.forgedFrom();
    if (this.kind === 'hello-flood') this.hellos('hello');
    if (this.kind === 'request-flood') this.requests(0);
  }

  private onPacket(packet: Packet): void {
    const body = packet.body;
    if (body.type === 'inferenceRequest') {
      if (this.request || packet.from !== this.ctx.requesterId) return;
      this.request = packet as Packet<InferenceRequestBody>;
      return this.onRequest();
    }
    const request = this.request;
    if (!request || !('requestId' in body) || body.requestId !== request.body.requestId) return;
    if (body.type === 'commit') {
      const { inferenceId, commitment, model } = body as CommitBody;
      this.commits.push({ from: packet.from, createdAt: packet.createdAt, inferenceId, commitment, model, sig: packet.sig });
    }
    if (body.type === 'revealRequest' && packet.from === request.from && !this.listSeen) {
      this.listSeen = true;
      this.listed = body.commits.map((entry) => entry.inferenceId);
      this.listHash = computeListHash(body.commits.map((entry) => entry.commitment));
      if (this.kind === 'attest-flood') this.attestations();
    }
    if (body.type === 'reveal') this.outputs.set((body as RevealBody).inferenceId, (body as RevealBody).output);
  }

  private onRequest(): void {
    const request = this.request!;
    const commitDeadline = request.createdAt + request.body.securityFrame.maxTimeMs;
    const soon = 300 + this.ctx.random() * 1_200;
    switch (this.kind) {
      case 'junk-reveal-flood':
        return this.later(soon, () => this.junkReveals());
      case 'list-flood':
        return this.later(commitDeadline + this.ctx.fallbackAfterCommitDeadlineMs + 100 - this.now, () => this.lists(commitDeadline));
      case 'hello-flood':
        return this.later(soon, () => this.hellos('status'));
      case 'request-flood':
        return this.later(1_000, () => this.requests(1));
      default:
        return;
    }
  }

  private forgedFrom(): void {
    const from = this.ctx.requesterId;
    for (let i = 0; i < FORGED_FROM_PACKETS; i++) {
      const requestId = randomHex(this.ctx.random, 32);
      const commitment = randomHex(this.ctx.random, 32);
      const body =
        i % 2 === 0
          ? { type: 'hello', role: 'worker', models: [SIM_MODEL], embeddingModels: [], tokensServed: i, client: 'rakis-elements/0.1' }
          : ({ type: 'commit', requestId, inferenceId: computeInferenceId(requestId, from, commitment), commitment, model: SIM_MODEL } satisfies CommitBody);
      this.mesh.sendBytes(encodePacket({ v: 1, from, createdAt: this.now, body: body as PacketBody, sig: randomHex(this.ctx.random, 64) }));
    }
  }

  private junkReveals(): void {
    const request = this.request!;
    const frame = request.body.securityFrame;
    const bytes = embeddingBits(frame.embeddingModel, frame.embeddingDims)! / 8;
    const signers = this.identities(JUNK_REVEAL_IDENTITIES);
    for (let i = 0; i < JUNK_REVEALS; i++) {
      const body: RevealBody = { type: 'reveal', requestId: request.body.requestId, inferenceId: randomHex(this.ctx.random, 32), output: '', bEmbedding: '00'.repeat(bytes), salt: randomHex(this.ctx.random, 32) };
      this.sendAs(signers[i % signers.length]!, body);
    }
  }

  private lists(commitDeadline: number): void {
    const requestId = this.request!.body.requestId;
    const signers = this.identities(LIST_IDENTITIES);
    const sorted = (entries: CommitEntry[]) => [...entries].sort((a, b) => (a.commitment < b.commitment ? -1 : a.commitment > b.commitment ? 1 : a.inferenceId < b.inferenceId ? -1 : 1));
    signers.forEach((signer, s) => {
      // Entries of its own: commits signed inside the window, never sent as commits.
      const own: CommitEntry[] = Array.from({ length: 1 + (s % 3) }, (_, k) => {
        const author = k === 0 ? signer : this.ctx.identity();
        const commitment = randomHex(this.ctx.random, 32);
        const body: CommitBody = { type: 'commit', requestId, inferenceId: computeInferenceId(requestId, author.synthientId, commitment), commitment, model: SIM_MODEL };
        const packet = signPacket(author, body, commitDeadline - 1_000);
        return { from: packet.from, createdAt: packet.createdAt, inferenceId: body.inferenceId, commitment, model: SIM_MODEL, sig: packet.sig };
      });
      for (let j = 0; j < LISTS_PER_IDENTITY; j++) {
        const seen = this.commits;
        let commits: CommitEntry[];
        switch (j % 4) {
          case 0:
            commits = sorted([...seen, ...own]);
            break;
          case 1:
            commits = sorted(seen.filter(() => this.ctx.random() < 0.5));
            break;
          case 2:
            commits = sorted([...seen, ...own]).reverse();
            break;
          default:
            commits = sorted([...seen, ...own, ...seen.slice(0, 1)]);
        }
        this.later(j * 120, () => this.sendAs(signer, { type: 'revealRequest', requestId, commits: commits.slice(0, 512) }));
      }
    });
  }

  private attestations(): void {
    const requestId = this.request!.body.requestId;
    const signers = this.identities(ATTEST_IDENTITIES);
    const round = (count: number) => {
      for (let i = 0; i < count; i++) {
        const signer = signers[i % signers.length]!;
        const chosen = this.listed[Math.floor(this.ctx.random() * this.listed.length)];
        const listHash = this.listHash!;
        let body: ConsensusBody;
        if (i % 8 === 7 || !chosen) body = { type: 'consensus', requestId, outcome: 'failed', listHash, reason: 'cluster-too-small' };
        else {
          const output = this.outputs.get(chosen);
          const validInferenceIds = [chosen];
          const resultHash = output !== undefined && i % 2 === 0 ? computeResultHash({ requestId, listHash, chosenInferenceId: chosen, chosenOutput: output, validInferenceIds }) : randomHex(this.ctx.random, 32);
          body = { type: 'consensus', requestId, outcome: 'decided', listHash, validInferenceIds, chosenInferenceId: chosen, resultHash };
        }
        this.sendAs(signer, body);
      }
    };
    const total = ATTEST_IDENTITIES * ATTESTS_PER_IDENTITY;
    this.later(1_000, () => round(total / 4));
    this.later(3_000, () => round(total / 4));
    this.later(6_000, () => round(total / 2));
  }

  private helloIdentities: Identity[] | undefined;

  private hellos(type: 'hello' | 'status'): void {
    this.helloIdentities ??= this.identities(HELLO_IDENTITIES);
    for (const [i, signer] of this.helloIdentities.entries()) {
      this.sendAs(signer, { type, role: i % 2 ? 'worker' : 'observer', models: i % 2 ? [SIM_MODEL] : [], embeddingModels: [this.ctx.frame.embeddingModel], tokensServed: i, client: 'rakis-elements/0.1' });
    }
  }

  private requestIdentities: Identity[] | undefined;

  /** Half of each identity's requests: `half` 0 before the honest request, 1 during its commit window. */
  private requests(half: 0 | 1): void {
    this.requestIdentities ??= this.identities(REQUEST_IDENTITIES);
    const count = Math.ceil((this.ctx.requestsPerIdentity ?? REQUESTS_PER_IDENTITY) / 2);
    for (const signer of this.requestIdentities) {
      for (let i = 0; i < count; i++) {
        const packet = signRequest(signer, { prompt: `Flood ${half}-${i}: why is the sky green?`, acceptedModels: [SIM_MODEL], temperature: 0, maxTokens: 64, securityFrame: this.ctx.frame }, this.now);
        this.mesh.send(packet);
      }
    }
  }
}
