/**
 * Status bookkeeping shared by every engine: idle → loading → ready ⇄ busy, and `unhealthy` once the
 * model lost its device or produced garbage; an unhealthy engine refuses work until reloaded.
 */
import { EngineError, toEngineError } from './errors.js';
import type { ProgressListener } from './progress.js';

export type EngineStatus = 'idle' | 'loading' | 'ready' | 'busy' | 'unhealthy';

export interface LoadOptions {
  /** Cancels the load (downloads and compilation stop; the engine returns to `idle`). */
  signal?: AbortSignal;
  /** Aggregated progress, throttled to ~100 ms, monotonic, ending with `fraction: 1`. */
  onProgress?: ProgressListener;
}

export type StatusListener = (status: EngineStatus, error?: EngineError) => void;

const FATAL: ReadonlySet<string> = new Set(['unhealthy', 'adapter-lost', 'out-of-memory']);

export class EngineLifecycle {
  private current: EngineStatus = 'idle';
  private error: EngineError | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly listener?: StatusListener) {}

  get status(): EngineStatus {
    return this.current;
  }

  get lastError(): EngineError | undefined {
    return this.error;
  }

  set(status: EngineStatus, error?: EngineError): void {
    this.current = status;
    if (error) this.error = error;
    this.listener?.(status, error);
  }

  /** Runs a load; failure leaves the engine `idle` (or `unhealthy` for fatal codes) and rethrows typed. */
  async load(work: () => Promise<void>, signal?: AbortSignal): Promise<void> {
    this.set('loading');
    try {
      await work();
      this.error = undefined;
      this.set('ready');
    } catch (error) {
      const typed = toEngineError(error, signal);
      this.set(FATAL.has(typed.code) ? 'unhealthy' : 'idle', typed);
      throw typed;
    }
  }

  /** Runs one unit of work after the previous one; fatal failures make the engine unhealthy. */
  work<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const run = async (): Promise<T> => {
      if (this.current === 'unhealthy') {
        throw new EngineError('unhealthy', `engine is unhealthy: ${this.error?.message ?? 'unknown cause'}`);
      }
      if (this.current !== 'ready') throw new EngineError('not-loaded', `engine is ${this.current}, not ready`);
      this.set('busy');
      try {
        const result = await task();
        this.set('ready');
        return result;
      } catch (error) {
        const typed = toEngineError(error, signal);
        this.set(FATAL.has(typed.code) ? 'unhealthy' : 'ready', typed);
        throw typed;
      }
    };
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }
}
