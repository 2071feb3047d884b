import {
  computeCommitment,
  computeInferenceId,
  createIdentity,
  signPacket,
  signRequest,
  type CommitBody,
  type Identity,
  type InferenceRequestBody,
  type Packet,
  type SecurityFrame,
} from '../../src/protocol/index.js';
import { Quorum, type QuorumEvent, type QuorumStep, type QuorumTimings, type OwnReveal } from '../../src/quorum/index.js';
import { randomBytes, seededRandom } from '../../testkit/random.js';

export const T0 = 1_800_000_000_000;
export const MODEL = 'rakis-test/lm-mini';

export const FRAME: SecurityFrame = {
  quorum: 3,
  maxTimeMs: 10_000,
  secDistance: 0.1,
  secPercentage: 0.6,
  embeddingModel: 'rakis-test/encoder-mini',
};

export interface NetNode {
  name: string;
  identity: Identity;
  quorum: Quorum;
  /** The node's embedder, for verification; absent for nodes that cannot verify. */
  embed?: (output: string) => Uint8Array;
  /** Drops every packet this node would send (a vanished node). */
  silent: boolean;
  events: QuorumEvent[];
  sent: Packet[];
}

/**
 * A handful of quorums wired together with instant, lossless delivery, for lifecycle tests.
 * Each node's outgoing bodies are signed with its own identity and delivered to all other nodes.
 */
export class QuorumNet {
  readonly nodes = new Map<string, NetNode>();
  readonly request: Packet<InferenceRequestBody>;
  readonly requester: Identity;
  now = T0;
  /** Packets for which this returns true never reach node `to` (a lossy or partial link). */
  drop: (packet: Packet, to: string) => boolean = () => false;
  private readonly queue: { packet: Packet; to?: string }[] = [];
  private readonly random = seededRandom(99);

  constructor(options: { frame?: Partial<SecurityFrame>; timings?: Partial<QuorumTimings> } = {}) {
    this.requester = createIdentity();
    this.request = signRequest(
      this.requester,
      { prompt: 'What colour is the sky?', acceptedModels: [MODEL], temperature: 0, maxTokens: 16, securityFrame: { ...FRAME, ...options.frame } },
      T0,
    );
    this.timings = options.timings;
  }

  private readonly timings: Partial<QuorumTimings> | undefined;

  /** `embed` gives the node's re-embedding: every frame model's it runs (all but `unverifiedModels`), concatenated. */
  add(name: string, options: { embed?: (output: string) => Uint8Array; identity?: Identity; unverifiedModels?: string[] } = {}): NetNode {
    const identity = options.identity ?? (name === 'requester' ? this.requester : createIdentity());
    const node: NetNode = {
      name,
      identity,
      quorum: new Quorum({ request: this.request, identity, canVerify: !!options.embed, timings: this.timings, ...(options.unverifiedModels ? { unverifiedModels: options.unverifiedModels } : {}) }),
      embed: options.embed,
      silent: false,
      events: [],
      sent: [],
    };
    this.nodes.set(name, node);
    return node;
  }

  node(name: string): NetNode {
    const node = this.nodes.get(name);
    if (!node) throw new Error(`no node ${name}`);
    return node;
  }

  /** Makes `name` commit to `output` (with `embedding`); returns the commit packet (already broadcast unless `send` is false). */
  commit(name: string, output: string, embedding: Uint8Array, { send = true, at = this.now } = {}): { packet: Packet<CommitBody>; own: OwnReveal } {
    const node = this.node(name);
    const salt = randomBytes(this.random, 32);
    const requestId = this.request.body.requestId;
    const commitment = computeCommitment({ requestId, synthientId: node.identity.synthientId, output, bEmbedding: embedding, salt });
    const inferenceId = computeInferenceId(requestId, node.identity.synthientId, commitment);
    const packet = signPacket(node.identity, { type: 'commit', requestId, inferenceId, commitment, model: MODEL }, at);
    const own = { inferenceId, output, bEmbedding: embedding, salt };
    this.handle(node, node.quorum.setOwnReveal(own, this.now));
    this.handle(node, node.quorum.receive(packet, this.now));
    if (send) this.broadcast(packet);
    return { packet, own };
  }

  /** Delivers a packet to every node but its sender (or to one node). */
  broadcast(packet: Packet, to?: string): void {
    this.queue.push({ packet, ...(to ? { to } : {}) });
    this.flush();
  }

  /** Moves every node's clock to `time`. */
  advanceTo(time: number): void {
    this.now = time;
    for (const node of this.nodes.values()) this.handle(node, node.quorum.tick(time));
    this.flush();
  }

  /** Lets `name` (the requester) close its commit window early, given who it knows could answer. */
  closeEarly(name: string, eligible: string[], now = this.now): void {
    const node = this.node(name);
    this.handle(node, node.quorum.closeEarly(eligible, now));
    this.flush();
  }

  /** Runs the clock forward in steps until every node settles or `until`. */
  run(until: number, stepMs = 250): void {
    while (this.now < until) {
      this.advanceTo(Math.min(until, this.now + stepMs));
      if ([...this.nodes.values()].every((n) => ['decided', 'failed'].includes(n.quorum.currentPhase))) break;
    }
  }

  eventsOf(name: string, type: QuorumEvent['type']): QuorumEvent[] {
    return this.node(name).events.filter((event) => event.type === type);
  }

  private flush(): void {
    while (this.queue.length > 0) {
      const { packet, to } = this.queue.shift()!;
      for (const node of this.nodes.values()) {
        if (node.identity.synthientId === packet.from || (to && node.name !== to) || this.drop(packet, node.name)) continue;
        this.handle(node, node.quorum.receive(packet, this.now));
      }
    }
  }

  private handle(node: NetNode, step: QuorumStep): void {
    node.events.push(...step.events);
    if (!node.silent) {
      for (const packet of step.send) {
        node.sent.push(packet);
        this.queue.push({ packet });
      }
    }
    for (const event of step.events) {
      if (event.type === 'needs-embedding' && node.embed) {
        this.handle(node, node.quorum.supplyEmbedding(event.inferenceId, node.embed(event.output), this.now));
      }
    }
  }
}
