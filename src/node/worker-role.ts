import { concatBytes, embeddingSegments, embeddingTextOf, TIME_WINDOW, type EmbeddingSegment, type InferenceRequestBody, type Packet } from '../protocol/index.js';
import type { Scheduler } from '../network/index.js';
import type { Embedder, TextGenerator } from './engine-ports.js';
import { FairQueue } from './fair-queue.js';

export type JobState = 'queued' | 'running' | 'done' | 'skipped' | 'failed' | 'cancelled';

export type SkipReason =
  | 'no-model'
  | 'no-embedder'
  | 'too-slow'
  | 'window-missed'
  | 'already-seen'
  | 'unhealthy'
  | 'stopped'
  | 'requester-busy'
  | 'queue-full';

/** Jobs waiting per engine at most, and per requester identity on one engine, so one requester's flood cannot starve the others. */
export const QUEUE_LIMITS = { waiting: 16, perRequester: 2 } as const;

/** How long a request is remembered as handled: past it, the mesh no longer takes it (too old), so it cannot come back. */
const SEEN_MS = TIME_WINDOW.maxAgeMs + TIME_WINDOW.futureSkewMs + 60_000;

export interface JobUpdate {
  requestId: string;
  model?: string;
  state: JobState;
  reason?: SkipReason | string;
}

export interface Answer {
  request: Packet<InferenceRequestBody>;
  model: string;
  output: string;
  bEmbedding: Uint8Array;
  tokens: number;
}

interface Job {
  request: Packet<InferenceRequestBody>;
  requester: string;
  tokens: number;
  generator: TextGenerator;
  /** One embedder per frame model, in frame order, with the bits the frame asks of it. */
  embedders: { embedder: Embedder; bits: number }[];
}

interface EngineQueue {
  generator: TextGenerator;
  /** Jobs waiting, in the order they are served (the requester served least recently first). */
  waiting: FairQueue<Job>;
  running?: { job: Job; abort: AbortController };
  /** Measured throughput (exponential moving average), tokens per second. */
  tokensPerSecond: number;
}

export interface WorkerRoleOptions {
  generators: TextGenerator[];
  embedders: Embedder[];
  scheduler: Scheduler;
  /** An answer is ready; the node commits it (if the window is still open). */
  onAnswer: (answer: Answer) => Promise<void>;
  onUpdate: (update: JobUpdate) => void;
  /** Starting throughput guess before anything was measured. */
  initialTokensPerSecond?: number;
  /** Time reserved for embedding and committing after generation. */
  commitReserveMs?: number;
}

/**
 * The worker side of a node: picks up requests it can serve, runs them one at a time per engine,
 * and hands answers back for committing. It skips what it could not finish before the commit window
 * closes (judged from its own measured tokens/s) and never runs a request twice.
 */
export class WorkerRole {
  private readonly queues: EngineQueue[];
  private readonly embedders: Embedder[];
  /** Requests handled, with when (in arrival order, so the oldest are forgotten first). */
  private readonly seen = new Map<string, number>();
  /** Requests refused for a full queue or a busy requester. */
  refused = 0;
  private stopped = false;
  private readonly options: WorkerRoleOptions;

  constructor(options: WorkerRoleOptions) {
    this.options = options;
    this.embedders = options.embedders;
    this.queues = options.generators.map((generator) => ({
      generator,
      waiting: new FairQueue(),
      tokensPerSecond: options.initialTokensPerSecond ?? 20,
    }));
  }

  /** Brings more engines into service (a node that starts contributing). */
  addGenerators(generators: TextGenerator[]): void {
    for (const generator of generators) {
      this.queues.push({ generator, waiting: new FairQueue(), tokensPerSecond: this.options.initialTokensPerSecond ?? 20 });
    }
  }

  get models(): string[] {
    return this.queues.filter((queue) => queue.generator.healthy()).map((queue) => queue.generator.model);
  }

  get contributes(): boolean {
    return this.queues.length > 0;
  }

  status(): { model: string; waiting: number; running: boolean; tokensPerSecond: number; healthy: boolean }[] {
    return this.queues.map((queue) => ({
      model: queue.generator.model,
      waiting: queue.waiting.length,
      running: !!queue.running,
      tokensPerSecond: queue.tokensPerSecond,
      healthy: queue.generator.healthy(),
    }));
  }

  /** Marks a request as handled without running it (e.g. resumed after a reload with its answer committed). */
  markSeen(requestId: string): void {
    this.remember(requestId);
  }

  private remember(requestId: string): void {
    const now = this.options.scheduler.now();
    for (const [id, at] of this.seen) {
      if (now - at <= SEEN_MS) break;
      this.seen.delete(id);
    }
    this.seen.set(requestId, now);
  }

  /** Considers a request; returns what it decided. */
  offer(request: Packet<InferenceRequestBody>): JobUpdate {
    const { requestId, acceptedModels, maxTokens, securityFrame } = request.body;
    const skip = (reason: SkipReason, model?: string): JobUpdate => {
      const update = { requestId, state: 'skipped' as const, reason, ...(model ? { model } : {}) };
      this.options.onUpdate(update);
      return update;
    };
    if (this.stopped) return skip('stopped');
    if (this.seen.has(requestId)) return skip('already-seen');
    this.remember(requestId);
    const queue = acceptedModels
      .map((model) => this.queues.find((candidate) => candidate.generator.model === model))
      .find((candidate): candidate is EngineQueue => !!candidate);
    if (!queue) return skip('no-model');
    const model = queue.generator.model;
    queue.waiting.asking(request.from);
    if (!queue.generator.healthy()) return skip('unhealthy', model);
    const embedders = this.embeddersFor(embeddingSegments(securityFrame));
    if (!embedders) return skip('no-embedder', model);
    const deadline = request.createdAt + securityFrame.maxTimeMs;
    if (queue.waiting.countOf(request.from) >= QUEUE_LIMITS.perRequester) {
      this.refused++;
      return skip('requester-busy', model);
    }
    if (queue.waiting.length >= QUEUE_LIMITS.waiting) {
      this.refused++;
      return skip('queue-full', model);
    }
    const job: Job = { request, requester: request.from, tokens: maxTokens, generator: queue.generator, embedders };
    if (this.estimatedFinish(queue, queue.waiting.tokensAhead(job) + maxTokens) > deadline) return skip('too-slow', model);
    queue.waiting.push(job);
    const update: JobUpdate = { requestId, model, state: 'queued' };
    this.options.onUpdate(update);
    this.pump(queue);
    return update;
  }

  /** A healthy embedder for every model of the frame (a commit binds one embedding per model), else undefined. */
  private embeddersFor(segments: EmbeddingSegment[] | undefined): Job['embedders'] | undefined {
    const found = segments?.map(({ model, bits }) => ({ embedder: this.embedders.find((candidate) => candidate.model === model && candidate.healthy()), bits }));
    if (!found || found.some((entry) => !entry.embedder)) return undefined;
    return found as Job['embedders'];
  }

  /** Aborts running work and refuses new work. */
  stop(): void {
    this.stopped = true;
    for (const queue of this.queues) {
      for (const job of queue.waiting.clear()) this.options.onUpdate({ requestId: job.request.body.requestId, model: queue.generator.model, state: 'cancelled', reason: 'stopped' });
      queue.running?.abort.abort();
    }
  }

  /** When a job would be done were `tokens` (its own and those served before it) generated after the running job. */
  private estimatedFinish(queue: EngineQueue, tokens: number): number {
    const running = queue.running?.job.tokens ?? 0;
    const reserve = this.options.commitReserveMs ?? 1_000;
    return this.options.scheduler.now() + ((running + tokens) / queue.tokensPerSecond) * 1000 + reserve;
  }

  private pump(queue: EngineQueue): void {
    if (queue.running || this.stopped) return;
    let job: Job | undefined;
    // A job that can no longer finish inside its window is dropped before it takes the engine's time.
    while ((job = queue.waiting.next())) {
      const { body, createdAt } = job.request;
      if (this.estimatedFinish(queue, job.tokens) <= createdAt + body.securityFrame.maxTimeMs) break;
      this.options.onUpdate({ requestId: body.requestId, model: queue.generator.model, state: 'skipped', reason: 'too-slow' });
    }
    if (!job) return;
    const abort = new AbortController();
    queue.running = { job, abort };
    void this.run(queue, job, abort.signal).finally(() => {
      queue.running = undefined;
      this.pump(queue);
    });
  }

  private async run(queue: EngineQueue, job: Job, signal: AbortSignal): Promise<void> {
    const { requestId, prompt, maxTokens, temperature, seed, securityFrame, responseSchema } = job.request.body;
    const model = job.generator.model;
    const deadline = job.request.createdAt + securityFrame.maxTimeMs;
    const update = (state: JobState, reason?: string) => this.options.onUpdate({ requestId, model, state, ...(reason ? { reason } : {}) });
    if (this.options.scheduler.now() > deadline) return update('skipped', 'window-missed');
    update('running');
    try {
      const started = this.options.scheduler.now();
      const generation = await job.generator.generate(prompt, { maxTokens, temperature, ...(seed !== undefined ? { seed } : {}), ...(responseSchema ? { responseSchema } : {}), signal });
      const elapsed = Math.max(1, this.options.scheduler.now() - started);
      if (generation.tokens > 0) queue.tokensPerSecond = 0.7 * queue.tokensPerSecond + 0.3 * ((generation.tokens * 1000) / elapsed);
      const bEmbedding = await embedEveryModel(job.embedders, embeddingTextOf(generation.text, responseSchema), signal);
      if (signal.aborted) return update('cancelled', 'stopped');
      if (this.options.scheduler.now() > deadline) return update('skipped', 'window-missed');
      await this.options.onAnswer({ request: job.request, model, output: generation.text, bEmbedding, tokens: generation.tokens });
      update('done');
    } catch (error) {
      if (signal.aborted) return update('cancelled', 'stopped');
      update('failed', error instanceof Error ? error.message : String(error));
    }
  }
}

/** The output's binary embedding under each frame model, concatenated in frame order. */
async function embedEveryModel(embedders: Job['embedders'], text: string, signal: AbortSignal): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for (const { embedder, bits } of embedders) parts.push((await embedder.embedBinary([text], bits, signal))[0]!);
  return concatBytes(...parts);
}
