import { render, type TemplateResult } from 'lit';
import { ScriptedNetwork } from './scripted-network.js';

/**
 * A story's stage. It first builds the story's scripted network, then renders the elements with their
 * nodes already assigned (so no element ever starts a real node of its own), then runs the script
 * that drives them into the story's state. The network stops when the stage leaves the page
 * (Storybook re-renders stories often; nodes left running would keep their timers alive).
 */
export class StoryScene extends HTMLElement {
  readonly network = new ScriptedNetwork();

  disconnectedCallback(): void {
    void this.network.stop();
  }
}

if (!customElements.get('rakis-story-scene')) customElements.define('rakis-story-scene', StoryScene);

export function scene(
  build: (network: ScriptedNetwork) => TemplateResult | Promise<TemplateResult>,
  script?: (stage: StoryScene) => Promise<void>,
): StoryScene {
  const stage = document.createElement('rakis-story-scene') as StoryScene;
  stage.style.display = 'grid';
  stage.style.gap = '1rem';
  void (async () => {
    render(await build(stage.network), stage);
    await script?.(stage);
  })().catch((error: unknown) => console.error('story script failed', error));
  return stage;
}

export function query<K extends keyof HTMLElementTagNameMap>(stage: StoryScene, tag: K): HTMLElementTagNameMap[K] {
  const element = stage.querySelector(tag);
  if (!element) throw new Error(`the story has no <${tag}>`);
  return element;
}

/** Waits (in real time) until `probe` holds. */
export async function until(probe: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error('a story script timed out');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
