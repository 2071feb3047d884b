/** Dispatches a prefixed DOM event that bubbles out of shadow roots, as every Rakis element event does. */
export function emit<T>(target: EventTarget, name: `rakis-${string}`, detail: T): void {
  target.dispatchEvent(new CustomEvent<T>(name, { detail, bubbles: true, composed: true }));
}
