// Renders the Storybook stories themselves (their CSF render functions) outside Storybook, so the
// element tests check exactly what the stories show.
import '../../../elements/register.js';
import * as dashboard from '../../../stories/dashboard.stories.js';
import * as nodeStories from '../../../stories/rakis-node.stories.js';
import * as promptStories from '../../../stories/rakis-prompt.stories.js';
import * as quorumStories from '../../../stories/rakis-quorum.stories.js';
import { EMBEDDING_MODEL, MODEL, QUICK_WINDOW_MS, ScriptedNetwork, SHORT_ANSWER } from '../../../stories/support/scripted-network.js';
import type { StoriesPageApi, StoryEntry } from './stories-page-api.js';

interface CsfStory {
  render?: (...args: never[]) => unknown;
  parameters?: { rakisState?: string; rakisElement?: string };
}

const files = { 'rakis-node': nodeStories, 'rakis-prompt': promptStories, 'rakis-quorum': quorumStories, dashboard } as Record<string, Record<string, unknown>>;
const renders = new Map<string, () => unknown>();
const stories: StoryEntry[] = [];

for (const [file, module] of Object.entries(files)) {
  const component = (module.default as { component?: string }).component;
  for (const [name, value] of Object.entries(module)) {
    const story = value as CsfStory;
    if (name === 'default' || typeof story.render !== 'function') continue;
    const id = `${file}--${name}`;
    renders.set(id, story.render as () => unknown);
    stories.push({ id, state: story.parameters?.rakisState ?? 'idle', element: story.parameters?.rakisElement ?? component ?? file });
  }
}

const api: StoriesPageApi = {
  stories,
  show(id) {
    const render = renders.get(id);
    if (!render) throw new Error(`no story ${id}`);
    document.querySelector('main')!.replaceChildren(render() as Node);
  },
  scripted: () => new ScriptedNetwork(),
  constants: { MODEL, EMBEDDING_MODEL, QUICK_WINDOW_MS, SHORT_ANSWER },
};
window.rakisStories = api;
