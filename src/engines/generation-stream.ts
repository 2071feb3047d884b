/** A streamed generation: iterate it for text pieces as they come, or await `text` for the whole. */
import { EngineError, toEngineError } from './errors.js';

export interface GenerationResult {
  text: string;
  /** Tokens generated (for throughput figures). */
  tokens: number;
}

export interface GenerationStream extends AsyncIterable<string> {
  /** The complete generated text; rejects with an `EngineError` (e.g. `aborted`). */
  readonly text: Promise<string>;
  /** The text with its token count; settles with `text`. */
  readonly result: Promise<GenerationResult>;
}

export interface GenerationSink {
  push(piece: string): void;
  end(result: GenerationResult): void;
  fail(error: unknown): void;
}

export function createGenerationStream(): { stream: GenerationStream; sink: GenerationSink } {
  const pieces: string[] = [];
  let finished = false;
  let failure: EngineError | undefined;
  let wake: (() => void) | undefined;
  let resolveResult!: (result: GenerationResult) => void;
  let rejectResult!: (error: EngineError) => void;
  const result = new Promise<GenerationResult>((resolve, reject) => {
    resolveResult = resolve;
    rejectResult = reject;
  });
  const text = result.then((r) => r.text);
  // Consumers that only iterate must not see an unhandled rejection.
  result.catch(() => undefined);
  text.catch(() => undefined);

  const notify = () => {
    wake?.();
    wake = undefined;
  };

  const stream: GenerationStream = {
    text,
    result,
    async *[Symbol.asyncIterator]() {
      for (;;) {
        if (pieces.length > 0) {
          yield pieces.shift()!;
          continue;
        }
        if (failure) throw failure;
        if (finished) return;
        await new Promise<void>((resolve) => (wake = resolve));
      }
    },
  };
  const sink: GenerationSink = {
    push(piece) {
      if (finished || failure) return;
      pieces.push(piece);
      notify();
    },
    end(full) {
      if (finished || failure) return;
      finished = true;
      resolveResult(full);
      notify();
    },
    fail(error) {
      if (finished || failure) return;
      failure = toEngineError(error);
      rejectResult(failure);
      notify();
    },
  };
  return { stream, sink };
}
