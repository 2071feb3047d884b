import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { EMBEDDING_MODEL, MODEL, QUICK_WINDOW_MS, SHORT_ANSWER } from './support/scripted-network.js';
import { query, scene, until } from './support/scene.js';

const meta: Meta = { title: 'Pages/Dashboard' };
export default meta;

/** The three elements on one node, as dashboard.html uses them: ask, watch the quorum, see the peers. */
export const AllThree: StoryObj = {
  parameters: { rakisState: 'decided', rakisElement: 'rakis-quorum' },
  render: () =>
    scene(
      async (network) => {
        await network.workers(3);
        await network.worker({ garbage: true });
        const node = await network.node();
        return html`<rakis-node id="dashboard-node" peers-open .node=${node}></rakis-node>
          <rakis-prompt node="dashboard-node" max-tokens=${SHORT_ANSWER} models=${MODEL} embedding-model=${EMBEDDING_MODEL} .frame=${{ maxTimeMs: QUICK_WINDOW_MS }}></rakis-prompt>
          <rakis-quorum node="dashboard-node"></rakis-quorum>`;
      },
      async (stage) => {
        const prompt = query(stage, 'rakis-prompt');
        await until(() => prompt.state === 'idle');
        void prompt.ask('Why is the sky blue?');
      },
    ),
};
