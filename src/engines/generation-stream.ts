/** A streamed generation: iterate it for text pieces as they come, or await `text` for the whole. */
import { EngineError, toEngineError } from './errors.js';

export interface GenerationStream extends AsyncIterable<string> {
  /** The complete generated text; rejects with an `EngineError` (e.g. `aborted`). */
  readonly text: Promise<string>;
}

export interface GenerationSink {
  push(piece: string): void;
  end(text: string): void;
  fail(error: unknown): void;
}

export function createGenerationStream(): { stream: GenerationStream; sink: GenerationSink } {
  const pieces: string[] = [];
  let finished = false;
  let failure: EngineError | undefined;
  let wake: (() => void) | undefined;
  let resolveText!: (text: string) => void;
  let rejectText!: (error: EngineError) => void;
  const text = new Promise<string>((resolve, reject) => {
    resolveText = resolve;
    rejectText = reject;
  });
  // Consumers that only iterate must not see an unhandled rejection.
  text.catch(() => undefined);

  const notify = () => {
    wake?.();
    wake = undefined;
  };

  const stream: GenerationStream = {
    text,
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
      resolveText(full);
      notify();
    },
    fail(error) {
      if (finished || failure) return;
      failure = toEngineError(error);
      rejectText(failure);
      notify();
    },
  };
  return { stream, sink };
}
