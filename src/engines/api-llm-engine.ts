/**
 * `LlmEngine` over an OpenAI-compatible endpoint: nothing to download, `load` checks that the endpoint
 * answers, takes the key and serves the model. A refused key makes the engine unhealthy (no more
 * work until the person fixes it); a rate limit waits once, as long as the server asked, when that is
 * short. In JSON mode the endpoint is asked for the schema (`response_format`) and its answer is checked
 * against it: an endpoint that ignores the format fails the job (`off-schema`) instead of committing an
 * answer every verifier would reject.
 */
import { readJsonAnswer } from '../protocol/json-answer-check.js';
import type { EngineStatus, LoadOptions } from './engine-lifecycle.js';
import { EngineError, toEngineError } from './errors.js';
import { createGenerationStream, type GenerationStream } from './generation-stream.js';
import type { LlmEngine } from './llm-engine.js';
import { listApiModels, streamChatCompletion, type ApiEndpoint } from './openai-api.js';
import { DEFAULT_MAX_TOKENS, type GenerateOptions } from './text-generation-runtime.js';

/** The longest Retry-After the engine waits out itself; longer ones fail the job and say so. */
export const MAX_RETRY_WAIT_MS = 10_000;

export class ApiLlmEngine implements LlmEngine {
  readonly backend = 'api' as const;
  private current: EngineStatus = 'idle';
  private error: EngineError | undefined;

  constructor(
    readonly modelId: string,
    private readonly endpoint: ApiEndpoint,
  ) {}

  get status(): EngineStatus {
    return this.current;
  }

  get lastError(): EngineError | undefined {
    return this.error;
  }

  /** @throws EngineError `auth`, `network`, `timeout`, or `unknown-model` when the endpoint does not list the model. */
  async load({ signal, onProgress }: LoadOptions = {}): Promise<void> {
    this.current = 'loading';
    try {
      const models = await listApiModels(this.endpoint, signal);
      if (!models.includes(this.modelId)) {
        throw new EngineError('unknown-model', `${this.endpoint.baseUrl} does not serve ${this.modelId} (it lists ${models.join(', ') || 'no model'})`);
      }
      this.current = 'ready';
      onProgress?.({ phase: 'ready', fraction: 1, loadedBytes: 0, totalBytes: 0 });
    } catch (error) {
      this.fail(toEngineError(error, signal), 'idle');
      throw this.error;
    }
  }

  generate(prompt: string, { maxTokens = DEFAULT_MAX_TOKENS, temperature = 0, seed, responseSchema, signal }: GenerateOptions = {}): GenerationStream {
    const { stream, sink } = createGenerationStream();
    const params = { model: this.modelId, prompt, maxTokens, temperature, ...(seed !== undefined ? { seed } : {}), ...(responseSchema ? { responseSchema } : {}) };
    const attempt = async () => {
      const { text, tokens, cutShort } = await streamChatCompletion(this.endpoint, params, (piece) => sink.push(piece), signal);
      const read = responseSchema && readJsonAnswer(text, responseSchema);
      if (read && 'problem' in read) {
        const why = cutShort ? `stopped at the request's ${maxTokens} tokens before its JSON answer was complete` : 'ignored the JSON schema';
        throw new EngineError('off-schema', `${this.endpoint.baseUrl} ${why}: ${read.problem}`);
      }
      return { text, tokens };
    };
    const run = async () => {
      if (this.current === 'unhealthy') throw this.error ?? new EngineError('unhealthy', 'the API engine is unhealthy');
      if (this.current !== 'ready') throw new EngineError('not-loaded', 'load the API engine first');
      try {
        return await attempt();
      } catch (error) {
        const wait = error instanceof EngineError && error.code === 'rate-limited' ? error.retryAfterMs : undefined;
        if (wait === undefined || wait > MAX_RETRY_WAIT_MS) throw error;
        await sleep(wait, signal);
        return attempt();
      }
    };
    run().then(
      (result) => sink.end(result),
      (error: unknown) => {
        const failure = toEngineError(error, signal);
        // A refused key stays refused: stop taking work until the person enters another.
        if (failure.code === 'auth') this.fail(failure, 'unhealthy');
        else this.error = failure;
        sink.fail(failure);
      },
    );
    return stream;
  }

  async unload(): Promise<void> {
    this.current = 'idle';
  }

  private fail(error: EngineError, status: EngineStatus): void {
    this.error = error;
    this.current = status;
  }
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new EngineError('aborted', 'aborted'));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', abort);
      resolve();
    }, ms);
    const abort = () => {
      clearTimeout(timer);
      reject(new EngineError('aborted', 'aborted'));
    };
    signal?.addEventListener('abort', abort, { once: true });
  });
}
