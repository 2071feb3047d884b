/**
 * Registers tags whose code loads only once the document holds one of them: a page that only asks
 * need not download the node's widget or the quorum view. Until its code arrives such an element is
 * an undefined custom element (`customElements.whenDefined` waits for it); properties set on it
 * before then are taken over when it upgrades.
 */
export function defineOnUse(loaders: Record<string, () => Promise<unknown>>): void {
  const pending = new Map(Object.entries(loaders));
  const check = () => {
    for (const [tag, load] of pending) {
      if (!document.querySelector(tag)) continue;
      pending.delete(tag);
      load().catch((error: unknown) => console.error(`rakis: could not load <${tag}>:`, error));
    }
    if (pending.size === 0) observer.disconnect();
  };
  const observer = new MutationObserver(check);
  observer.observe(document, { childList: true, subtree: true });
  check();
}
