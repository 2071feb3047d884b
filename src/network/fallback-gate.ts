/**
 * When to open the fallback transports (heavier signaling kept back, such as MQTT): once the node has
 * heard no other node for `afterMs`, from the start or after losing every peer. It opens them once and
 * for good: a network that needed them once is likely to need them again.
 */
export class FallbackGate {
  private aloneSince: number | undefined;
  private opened = false;

  constructor(
    private readonly afterMs: number,
    private readonly open: () => void,
  ) {}

  /** Called on every sweep with whether any node is heard from directly. */
  observe(heard: boolean, now: number): void {
    if (this.opened) return;
    if (heard) {
      this.aloneSince = undefined;
      return;
    }
    this.aloneSince ??= now;
    if (now - this.aloneSince < this.afterMs) return;
    this.opened = true;
    this.open();
  }
}
