/**
 * A causal LM on transformers.js (WASM or its WebGPU device), in whatever thread loads it: greedy at
 * temperature 0, seeded sampling above it, tokens streamed as text, interruptible.
 */
import { libraryDevice, type TransformersDevice } from './devices.js';
import { EngineError, throwIfAborted } from './errors.js';
import type { TransformersLlmModel } from './models.js';
import type { ProgressAggregator } from './progress.js';
import type { GenerationResult } from './generation-stream.js';
import { yieldToEventLoop } from './yield.js';
import { JsonConstraint, tokenVocabulary, type TokenVocabulary } from './json-constraint.js';
import type { ObjectSchema } from '../protocol/index.js';
import { bindFetchSignal, configureTransformers, preloadOrtWasm, type ModelLocation } from './transformers-env.js';
import { trackTransformersProgress } from './transformers-progress.js';

/** Generation parameters; they travel with the inference request. */
export interface GenerateOptions {
  /** New tokens at most (default 64). */
  maxTokens?: number;
  /** 0 (default) is greedy and deterministic; above it, sampling. */
  temperature?: number;
  /** Seeds sampling so a request replays (ignored at temperature 0). */
  seed?: number;
  /** JSON mode: decoding is constrained so the text is JSON fitting this schema. */
  responseSchema?: ObjectSchema;
  signal?: AbortSignal;
}

export interface TextGenerationRuntime {
  generate(prompt: string, options: GenerateOptions, onText: (text: string) => void): Promise<GenerationResult>;
  dispose(): Promise<void>;
}

export interface TextGenerationRuntimeOptions {
  model: TransformersLlmModel;
  device: TransformersDevice;
  location: ModelLocation;
  signal?: AbortSignal;
  progress: ProgressAggregator;
}

export const DEFAULT_MAX_TOKENS = 64;

export async function loadTextGenerationRuntime(options: TextGenerationRuntimeOptions): Promise<TextGenerationRuntime> {
  const { model, device, location, signal, progress } = options;
  const transformers = await import('@huggingface/transformers');
  configureTransformers(transformers, location);
  const unbind = bindFetchSignal(signal);
  const callback = trackTransformersProgress(progress);
  let tokenizer: Awaited<ReturnType<typeof transformers.AutoTokenizer.from_pretrained>>;
  let lm: Awaited<ReturnType<typeof transformers.AutoModelForCausalLM.from_pretrained>>;
  try {
    await preloadOrtWasm(transformers, location);
    throwIfAborted(signal);
    [tokenizer, lm] = await Promise.all([
      transformers.AutoTokenizer.from_pretrained(model.path, { progress_callback: callback }),
      transformers.AutoModelForCausalLM.from_pretrained(model.path, {
        device: libraryDevice(device),
        dtype: model.dtype[device],
        progress_callback: callback,
      }),
    ]);
  } finally {
    unbind();
  }
  if (signal?.aborted) {
    await lm.dispose();
    throwIfAborted(signal);
  }
  // One forward pass per token: yield before each so an abort can arrive mid-generation.
  const forward = lm.forward.bind(lm);
  lm.forward = async (inputs: Parameters<typeof forward>[0]) => {
    await yieldToEventLoop();
    return forward(inputs);
  };
  // Built on the first JSON-mode request: one decode per vocabulary entry.
  let vocabulary: TokenVocabulary | undefined;
  const vocabularyOf = () =>
    (vocabulary ??= tokenVocabulary(
      Array.from({ length: Math.max(...tokenizer.get_vocab().values()) + 1 }, (_, id) => tokenizer.decode([id], { skip_special_tokens: true })),
      eosTokenId(lm.generation_config, lm.config, tokenizer),
    ));

  const runtime: TextGenerationRuntime = {
    async generate(prompt, { maxTokens = DEFAULT_MAX_TOKENS, temperature = 0, seed, responseSchema, signal: stop }, onText) {
      throwIfAborted(stop);
      const stopping = new transformers.InterruptableStoppingCriteria();
      const interrupt = () => stopping.interrupt();
      stop?.addEventListener('abort', interrupt, { once: true });
      const sampling = temperature > 0;
      // Sampling draws from transformers.js' global generator; one generation runs at a time per thread.
      if (sampling) transformers.random.seed(seed ?? Math.floor(Math.random() * 2 ** 32));
      let text = '';
      let tokens = 0;
      const streamer = new transformers.TextStreamer(tokenizer, {
        skip_prompt: true,
        skip_special_tokens: true,
        token_callback_function: () => void tokens++,
        callback_function: (piece: string) => {
          text += piece;
          if (piece) onText(piece);
        },
      });
      try {
        const inputs = tokenizer(prompt);
        const limit = Math.max(1, Math.floor(maxTokens));
        await lm.generate({
          ...inputs,
          max_new_tokens: limit,
          ...(responseSchema ? { logits_processor: jsonLogitsProcessors(transformers, new JsonConstraint(vocabularyOf(), responseSchema, limit)) } : {}),
          do_sample: sampling,
          ...(sampling ? { temperature, top_k: 0 } : {}),
          streamer,
          stopping_criteria: [stopping],
        });
      } finally {
        stop?.removeEventListener('abort', interrupt);
      }
      throwIfAborted(stop);
      checkText(text);
      return { text, tokens };
    },
    async dispose() {
      await lm.dispose();
    },
  };

  progress.phase('warm-up');
  await runtime.generate('The', { maxTokens: 1 }, () => undefined);
  return runtime;
}

/** Text no model means to write (NUL bytes, nothing but replacement characters) marks the engine unhealthy. */
export function checkText(text: string): void {
  if (text.includes('\u0000') || (text.length > 0 && /^[\uFFFD\x00-\x08\x0E-\x1F\x7F]+$/.test(text))) {
    throw new EngineError('unhealthy', 'the language model produced garbage (control or replacement characters only)');
  }
}

/**
 * A transformers.js logits processor (the library calls it with the ids so far and the next token's
 * scores) that lets through only what the JSON constraint allows.
 */
function jsonLogitsProcessors(transformers: typeof import('@huggingface/transformers'), constraint: JsonConstraint) {
  let seen: number | undefined;
  const list = new transformers.LogitsProcessorList();
  // The list calls each entry as a function; a plain one needs no subclass of the library's Callable.
  list.push(((ids: bigint[][], logits: { data: unknown }) => {
    const row = ids[0]!;
    // The first call sees the prompt alone; each later call, one more chosen token.
    for (let i = seen ?? row.length; i < row.length; i++) constraint.accept(Number(row[i]));
    seen = row.length;
    constraint.mask(logits.data as Float32Array);
    return logits;
  }) as unknown as InstanceType<typeof transformers.LogitsProcessor>);
  return list;
}

function eosTokenId(...configs: unknown[]): number {
  for (const config of configs) {
    const id = (config as { eos_token_id?: number | number[] } | undefined)?.eos_token_id;
    if (typeof id === 'number') return id;
    if (Array.isArray(id) && typeof id[0] === 'number') return id[0];
  }
  throw new EngineError('unsupported', 'the model names no end-of-text token, so JSON mode cannot end an answer');
}
