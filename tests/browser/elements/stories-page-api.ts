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
}

declare global {
  interface Window {
    rakisStories?: StoriesPageApi;
  }
}
