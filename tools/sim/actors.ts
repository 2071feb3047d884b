import type { Scheduler } from '../../src/network/index.js';
import type { Embedder } from '../../src/node/index.js';
import {
  bytesToHex,
  computeCommitment,
  computeInferenceId,
  computeListHash,
  computeResultHash,
  embeddingBits,
  encodePacket,
  signPacket,
  type CommitBody,
  type Identity,
  type InferenceRequestBody,
  type Packet,
  type PacketBody,
  type RevealBody,
} from '../../src/protocol/index.js';
import type { MeshHarness } from '../../testkit/mesh-harness.js';
import { randomBytes, randomHex } from '../../testkit/random.js';
import { garbageText, honestAnswer, SIM_MODEL, wrongAnswer } from './answers.js';

/** Byzantine behaviours played by raw actors: they sign and send crafted packets through their own mesh. */
export const ACTOR_KINDS = [
  'copy-commit',
  'copy-reveal',
  'equivocate',
  'mismatch-reveal',
  'withhold',
  'late-commit',
  'replay',
  'forge',
  'flood',
  'false-attest',
  'reveal-split',
] as const;
export type ActorKind = (typeof ACTOR_KINDS)[number];

/** Actors whose commit makes it into the reveal list (and so counts against agreement). */
export const COMMITTING_ACTORS: ReadonlySet<ActorKind> = new Set(['copy-commit', 'copy-reveal', 'equivocate', 'mismatch-reveal', 'withhold', 'reveal-split']);

export interface ActorContext {
  scheduler: Scheduler;
  random: () => number;
  embedder: Embedder;
  /** How long the reveal splitter waits after seeing the list before it reveals (default: at once). */
  revealDelayMs?: number;
}

interface Opening {
  inferenceId: string;
  commitment: string;
  output: string;
  bEmbedding: Uint8Array;
  salt: Uint8Array;
}

const MAX_REPLAYS = 300;
/** Past the rate limiter's burst (400) and strikes (200), so the flooder ends up banned. */
const FLOOD_PACKETS = 650;
const FLOOD_SIGNED = 100;
const FLOOD_JUNK = 100;

/**
 * One byzantine actor. It follows the request it sees and plays its part:
 * - `copy-commit`: re-sends the first commitment it sees under its own id (a valid commit it cannot
 *   open), and the victim's commit body as is (wrong inferenceId); reveals the victim's opening.
 * - `copy-reveal`: commits to random bytes, then re-sends the first reveal it sees as its own, and as is.
 * - `equivocate`: commits twice (a wrong answer, then garbage, a few ms apart, so receivers see them
 *   in different orders), reveals both openings, and attests twice, differently.
 * - `mismatch-reveal`: commits to a wrong answer, reveals garbage under the same salt and embedding.
 * - `withhold`: commits to a wrong answer and never reveals.
 * - `late-commit`: commits after the window, and again backdated into the window but sent after the grace.
 * - `replay`: re-sends packets it received, byte for byte, up to a few seconds later.
 * - `forge`: sends packets in honest nodes' names with bad signatures, tampered copies of real
 *   packets under their original signature, and packets it signs itself whose bodies are nonsense.
 * - `false-attest`: colludes with sybils: as soon as a sybil's reveal is out, attests a well-formed
 *   decision choosing it (its result hash recomputes), hoping nodes that cannot verify follow it.
 * - `flood`: a burst of packets about requests that do not exist (a few validly signed, most not), then junk bytes.
 * - `reveal-split`: commits to the honest answer through two meshes under one identity, each reaching
 *   only one half of the network (`second`); to one half it sends a reveal under a wrong salt, then
 *   its valid reveal; to the other half the valid one first, then the wrong one. A node that let the
 *   first opening it judged decide the committer's fate would disagree with the other half on the cluster.
 */
export class RawActor {
  private request: Packet<InferenceRequestBody> | undefined;
  private bits = 0;
  private readonly openings: Opening[] = [];
  private victim: { from: string; ownInferenceId: string } | undefined;
  private copiedReveal = false;
  private attested = false;
  private replays = 0;
  private listHash: string | undefined;
  private revealed = false;

  constructor(
    readonly kind: ActorKind,
    readonly identity: Identity,
    private readonly mesh: MeshHarness,
    private readonly ctx: ActorContext,
    /** A second mesh under the same identity (the reveal splitter's other half). */
    private readonly second?: MeshHarness,
  ) {
    mesh.onPacket((packet) => this.onPacket(packet));
    second?.onPacket((packet) => this.onPacket(packet));
  }

  get synthientId(): string {
    return this.identity.synthientId;
  }

  start(): void {
    this.mesh.start();
    this.second?.start();
  }

  async stop(): Promise<void> {
    await this.mesh.close();
    await this.second?.close();
  }

  private get now(): number {
    return this.ctx.scheduler.now();
  }

  private later(ms: number, run: () => void): void {
    this.ctx.scheduler.setTimeout(run, ms);
  }

  /** Signs `body` now and sends it on every mesh of this actor. */
  private publish(body: unknown): void {
    const packet = signPacket(this.identity, body as PacketBody, this.now);
    this.mesh.send(packet);
    this.second?.send(packet);
  }

  private onPacket(packet: Packet): void {
    const body = packet.body;
    if (this.kind === 'replay' && this.replays < MAX_REPLAYS) {
      this.replays++;
      const bytes = encodePacket(packet);
      this.later(50 + this.ctx.random() * 3_000, () => this.mesh.sendBytes(bytes));
    }
    if (body.type === 'inferenceRequest') return this.onRequest(packet as Packet<InferenceRequestBody>);
    const request = this.request;
    if (!request || !('requestId' in body) || body.requestId !== request.body.requestId) return;
    if (body.type === 'commit') this.onCommit(packet as Packet<CommitBody>);
    if (body.type === 'revealRequest' && packet.from === request.from) this.listHash = computeListHash(body.commits.map((entry) => entry.commitment));
    if (body.type === 'revealRequest') this.onRevealList(body.commits.map((entry) => entry.inferenceId), body.commits.map((entry) => entry.from));
    if (body.type === 'reveal') this.onReveal(packet as Packet<RevealBody>);
    if (body.type === 'consensus' && body.outcome === 'decided' && this.kind === 'equivocate' && !this.attested) {
      this.attested = true;
      this.publish({ ...body, resultHash: randomHex(this.ctx.random, 32) });
      this.publish({ type: 'consensus', requestId: body.requestId, outcome: 'failed', reason: 'cluster-too-small' });
    }
  }

  private onRequest(request: Packet<InferenceRequestBody>): void {
    if (this.request) return;
    this.request = request;
    const frame = request.body.securityFrame;
    this.bits = embeddingBits(frame.embeddingModel, frame.embeddingDims)!;
    const deadline = request.createdAt + frame.maxTimeMs;
    const soon = 300 + this.ctx.random() * 1_200;
    switch (this.kind) {
      case 'copy-reveal':
        return this.later(soon, () => this.commitRandom());
      case 'equivocate':
        this.later(soon, () => void this.commitTo(wrongAnswer()));
        return this.later(soon + 3, () => void this.commitTo(garbageText(this.ctx.random)));
      case 'mismatch-reveal':
      case 'withhold':
        return this.later(soon, () => void this.commitTo(wrongAnswer()));
      case 'reveal-split':
        return this.later(soon, () => void this.commitTo(honestAnswer(request.body.prompt)));
      case 'late-commit':
        this.later(deadline - this.now + 200, () => this.commitRandom());
        // Signed inside the window, sent after the grace: late by receipt.
        return this.later(deadline - this.now + 1_700, () => {
          const commitment = randomHex(this.ctx.random, 32);
          const body = this.commitBody(commitment);
          this.mesh.send(signPacket(this.identity, body, deadline - 500));
        });
      case 'forge':
        return this.later(50, () => this.forgeCommits());
      case 'flood':
        return this.later(soon, () => this.flood());
      default:
        return;
    }
  }

  private commitBody(commitment: string): CommitBody {
    const requestId = this.request!.body.requestId;
    return { type: 'commit', requestId, inferenceId: computeInferenceId(requestId, this.synthientId, commitment), commitment, model: SIM_MODEL };
  }

  private commitRandom(): void {
    const body = this.commitBody(randomHex(this.ctx.random, 32));
    this.openings.push({ inferenceId: body.inferenceId, commitment: body.commitment, output: '', bEmbedding: new Uint8Array(this.bits / 8), salt: new Uint8Array(32) });
    this.publish(body);
  }

  /** A well-formed commitment to `output`, which this actor can open. */
  private async commitTo(output: string): Promise<void> {
    const requestId = this.request!.body.requestId;
    const [bEmbedding] = await this.ctx.embedder.embedBinary([output], this.bits);
    const salt = randomBytes(this.ctx.random, 32);
    const commitment = computeCommitment({ requestId, synthientId: this.synthientId, output, bEmbedding: bEmbedding!, salt });
    const body = this.commitBody(commitment);
    this.openings.push({ inferenceId: body.inferenceId, commitment, output, bEmbedding: bEmbedding!, salt });
    this.publish(body);
  }

  private onCommit(packet: Packet<CommitBody>): void {
    if (this.kind === 'copy-commit' && !this.victim) {
      const body = this.commitBody(packet.body.commitment);
      this.victim = { from: packet.from, ownInferenceId: body.inferenceId };
      this.publish(body);
      this.publish(packet.body);
    }
    if (this.kind === 'forge') {
      // The victim's signature over a changed body.
      const tampered = { ...packet, body: { ...packet.body, commitment: randomHex(this.ctx.random, 32) } };
      this.mesh.sendBytes(encodePacket(tampered));
    }
  }

  private onRevealList(inferenceIds: string[], committers: string[]): void {
    const listed = this.openings.filter((opening) => inferenceIds.includes(opening.inferenceId));
    const requestId = this.request!.body.requestId;
    const reveal = (opening: Opening, output = opening.output) =>
      this.publish({ type: 'reveal', requestId, inferenceId: opening.inferenceId, output, bEmbedding: bytesToHex(opening.bEmbedding), salt: bytesToHex(opening.salt) } satisfies RevealBody);
    if (this.kind === 'equivocate' && listed.length > 0) for (const opening of this.openings) reveal(opening);
    if (this.kind === 'mismatch-reveal') for (const opening of listed) reveal(opening, garbageText(this.ctx.random));
    if (this.kind === 'reveal-split' && !this.revealed && listed[0]) {
      this.revealed = true;
      const opening = listed[0];
      const body = (salt: string): RevealBody => ({ type: 'reveal', requestId, inferenceId: opening.inferenceId, output: opening.output, bEmbedding: bytesToHex(opening.bEmbedding), salt });
      const valid = signPacket(this.identity, body(bytesToHex(opening.salt)), this.now);
      const wrongSalt = signPacket(this.identity, body(randomHex(this.ctx.random, 32)), this.now);
      const go = () => {
        this.mesh.send(wrongSalt);
        this.mesh.send(valid);
        this.second?.send(valid);
        this.second?.send(wrongSalt);
      };
      if (this.ctx.revealDelayMs) this.later(this.ctx.revealDelayMs, go);
      else go();
    }
    if (this.kind === 'forge') {
      // A reveal in an honest committer's name, and a reveal list in the requester's, neither signed by them.
      const victim = committers.find((id) => id !== this.synthientId);
      if (victim) {
        this.mesh.sendBytes(
          encodePacket({
            v: 1,
            from: victim,
            createdAt: this.now,
            body: { type: 'reveal', requestId, inferenceId: inferenceIds[0]!, output: garbageText(this.ctx.random), bEmbedding: randomHex(this.ctx.random, this.bits / 8), salt: randomHex(this.ctx.random, 32) },
            sig: randomHex(this.ctx.random, 64),
          }),
        );
      }
      // Signed by this actor, but nonsense: an embedding no model produces, a list of nothing.
      this.publish({ type: 'reveal', requestId, inferenceId: randomHex(this.ctx.random, 32), output: 'x', bEmbedding: 'abc', salt: randomHex(this.ctx.random, 32) });
      this.publish({ type: 'revealRequest', requestId, commits: [] });
    }
  }

  private onReveal(packet: Packet<RevealBody>): void {
    const { output, bEmbedding, salt } = packet.body;
    const requestId = this.request!.body.requestId;
    if (this.kind === 'copy-commit' && this.victim?.from === packet.from) {
      this.publish({ type: 'reveal', requestId, inferenceId: this.victim.ownInferenceId, output, bEmbedding, salt } satisfies RevealBody);
    }
    if (this.kind === 'false-attest' && !this.attested && this.listHash && output === wrongAnswer()) {
      this.attested = true;
      const { inferenceId } = packet.body;
      const validInferenceIds = [inferenceId];
      const resultHash = computeResultHash({ requestId, listHash: this.listHash, chosenInferenceId: inferenceId, chosenOutput: output, validInferenceIds });
      this.publish({ type: 'consensus', requestId, outcome: 'decided', listHash: this.listHash, validInferenceIds, chosenInferenceId: inferenceId, resultHash });
    }
    if (this.kind === 'copy-reveal' && !this.copiedReveal && this.openings[0]) {
      this.copiedReveal = true;
      this.publish({ type: 'reveal', requestId, inferenceId: this.openings[0].inferenceId, output, bEmbedding, salt } satisfies RevealBody);
      this.publish(packet.body);
    }
  }

  private forgeCommits(): void {
    const requestId = this.request!.body.requestId;
    for (const peer of this.mesh.peers().slice(0, 5)) {
      const commitment = randomHex(this.ctx.random, 32);
      this.mesh.sendBytes(
        encodePacket({
          v: 1,
          from: peer.synthientId,
          createdAt: this.now,
          body: { type: 'commit', requestId, inferenceId: computeInferenceId(requestId, peer.synthientId, commitment), commitment, model: SIM_MODEL },
          sig: randomHex(this.ctx.random, 64),
        }),
      );
    }
  }

  /** More than the burst the rate limiter allows, so receivers throttle and then ban this sender. */
  private flood(): void {
    for (let i = 0; i < FLOOD_PACKETS; i++) {
      const requestId = randomHex(this.ctx.random, 32);
      const commitment = randomHex(this.ctx.random, 32);
      const body: CommitBody = { type: 'commit', requestId, inferenceId: computeInferenceId(requestId, this.synthientId, commitment), commitment, model: SIM_MODEL };
      // A few validly signed (they reach the node, about requests nobody made); the rest only claim to be.
      if (i < FLOOD_SIGNED) this.publish(body);
      else this.mesh.sendBytes(encodePacket({ v: 1, from: this.synthientId, createdAt: this.now, body, sig: randomHex(this.ctx.random, 64) }));
    }
    for (let i = 0; i < FLOOD_JUNK; i++) this.mesh.sendBytes(randomBytes(this.ctx.random, 1 + Math.floor(this.ctx.random() * 512)));
  }
}
