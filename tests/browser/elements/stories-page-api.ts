import type { ScriptedNetwork } from '../../../stories/support/scripted-network.js';

/** What the stories fixture page exposes to the test driving it. */
export interface StoryEntry {
  /** `file--Export`, e.g. `rakis-node--Follower`. */
  id: string;
  /** The `state` the story's element settles in. */
  state: string;
  /** The tag of the element that reaches it. */
  element: string;
}

export interface StoriesPageApi {
  stories: StoryEntry[];
  /** Renders one story into the page. */
  show(id: string): void;
  /** A fresh scripted network, for tests that build elements themselves. */
  scripted(): ScriptedNetwork;
  constants: { MODEL: string; EMBEDDING_MODEL: string; QUICK_WINDOW_MS: number; SHORT_ANSWER: number };
}

declare global {
  interface Window {
    rakisStories?: StoriesPageApi;
  }
}
