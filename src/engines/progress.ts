/**
 * Load progress as one figure: the libraries report per file (transformers.js) or as a fraction
 * with text (WebLLM); a host wants a single monotonic 0..1, the bytes behind it, and the phase.
 */
export type LoadPhase = 'download' | 'compile' | 'warm-up' | 'ready';

export interface LoadProgress {
  /** Aggregated fraction, 0..1, never decreasing; exactly 1 once, when the engine is ready. */
  fraction: number;
  loadedBytes: number;
  /** Sum of the known file sizes so far (grows as files start). */
  totalBytes: number;
  phase: LoadPhase;
}

export type ProgressListener = (progress: LoadProgress) => void;

/** Share of the bar given to downloading; compile and warm-up fill the rest. */
const DOWNLOAD_SHARE = 0.9;
const PHASE_FLOOR: Record<LoadPhase, number> = { download: 0, compile: DOWNLOAD_SHARE, 'warm-up': 0.95, ready: 1 };

export interface ProgressAggregator {
  /** Bytes of one file so far (re-reporting a file replaces its figures). */
  file(name: string, loadedBytes: number, totalBytes: number): void;
  /** A fraction reported by a library that gives no bytes (WebLLM), mapped into the download share. */
  fraction(value: number, phase?: LoadPhase): void;
  phase(phase: LoadPhase): void;
  /** Emits the final `fraction: 1` event (always, even if throttled). */
  done(): void;
}

/**
 * Aggregates per-file progress and throttles it to one event per `intervalMs` (trailing events are
 * flushed by the next report or by `done`), with a non-decreasing fraction.
 */
export function createProgressAggregator(
  listener: ProgressListener | undefined,
  { intervalMs = 100, now = () => Date.now() }: { intervalMs?: number; now?: () => number } = {},
): ProgressAggregator {
  const files = new Map<string, { loaded: number; total: number }>();
  let phase: LoadPhase = 'download';
  let reported = 0;
  let external = 0;
  let lastEmit = -Infinity;
  let finished = false;

  const snapshot = (): LoadProgress => {
    let loadedBytes = 0;
    let totalBytes = 0;
    for (const f of files.values()) {
      loadedBytes += f.loaded;
      totalBytes += f.total;
    }
    const downloaded = totalBytes > 0 ? Math.min(1, loadedBytes / totalBytes) : external;
    const raw = Math.max(PHASE_FLOOR[phase], Math.min(DOWNLOAD_SHARE, downloaded * DOWNLOAD_SHARE));
    reported = Math.max(reported, Math.min(raw, phase === 'ready' ? 1 : 0.999));
    return { fraction: reported, loadedBytes, totalBytes, phase };
  };

  const emit = (force: boolean) => {
    if (finished || !listener) return;
    const t = now();
    if (!force && t - lastEmit < intervalMs) return;
    lastEmit = t;
    listener(snapshot());
  };

  return {
    file(name, loadedBytes, totalBytes) {
      files.set(name, { loaded: Math.max(0, loadedBytes), total: Math.max(totalBytes, loadedBytes, 0) });
      emit(false);
    },
    fraction(value, nextPhase) {
      external = Math.max(external, Math.min(1, Math.max(0, value)));
      if (nextPhase) phase = nextPhase;
      emit(false);
    },
    phase(nextPhase) {
      phase = nextPhase;
      emit(true);
    },
    done() {
      phase = 'ready';
      reported = 1;
      if (!finished && listener) listener(snapshot());
      finished = true;
    },
  };
}
