/** A small typed event emitter: `on` returns its own unsubscribe. Listener errors never reach the emitter. */
export class Emitter<Events extends Record<string, unknown>> {
  private readonly listeners = new Map<keyof Events, Set<(event: never) => void>>();

  on<K extends keyof Events>(type: K, listener: (event: Events[K]) => void): () => void {
    let set = this.listeners.get(type);
    if (!set) this.listeners.set(type, (set = new Set()));
    set.add(listener as (event: never) => void);
    return () => set!.delete(listener as (event: never) => void);
  }

  /** Whether anyone listens for `type` (so an event that is costly to build can be skipped). */
  hasListeners(type: keyof Events): boolean {
    return (this.listeners.get(type)?.size ?? 0) > 0;
  }

  emit<K extends keyof Events>(type: K, event: Events[K]): void {
    for (const listener of this.listeners.get(type) ?? []) {
      try {
        (listener as (event: Events[K]) => void)(event);
      } catch (error) {
        // A host page's buggy listener must not break the node; surface it where developers look.
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }
}
