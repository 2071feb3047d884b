import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { securityFrame } from '../src/node/index.js';
import { EMBEDDING_MODEL, MODEL, QUICK_WINDOW_MS, SHORT_ANSWER } from './support/scripted-network.js';
import { scene } from './support/scene.js';

const meta: Meta = {
  title: 'Elements/rakis-quorum',
  component: 'rakis-quorum',
};
export default meta;
type Story = StoryObj;

const QUESTION = 'Why is the sky blue?';
const params = { acceptedModels: [MODEL], maxTokens: SHORT_ANSWER };

export const Idle: Story = {
  parameters: { rakisState: 'idle' },
  render: () =>
    scene(async (network) => {
      const node = await network.node();
      return html`<rakis-quorum .node=${node}></rakis-quorum>`;
    }),
};

export const RequestInFlight: Story = {
  parameters: { rakisState: 'in-flight' },
  render: () =>
    scene(async (network) => {
      await network.workers(2);
      const node = await network.node();
      node.request(QUESTION, securityFrame('balanced', { maxTimeMs: 120_000 }, EMBEDDING_MODEL), params);
      return html`<rakis-quorum .node=${node}></rakis-quorum>`;
    }),
};

/** Three honest answers agree; the garbage one is an outlier outside the sphere. */
export const Decided: Story = {
  parameters: { rakisState: 'decided' },
  render: () =>
    scene(async (network) => {
      await network.workers(3);
      await network.worker({ garbage: true });
      const node = await network.node();
      node.request(QUESTION, securityFrame('balanced', { maxTimeMs: QUICK_WINDOW_MS }, EMBEDDING_MODEL), params);
      return html`<rakis-quorum .node=${node}></rakis-quorum>`;
    }),
};

export const Failed: Story = {
  parameters: { rakisState: 'failed' },
  render: () =>
    scene(async (network) => {
      await network.workers(1);
      const node = await network.node();
      node.request(QUESTION, securityFrame('balanced', { maxTimeMs: 1_000 }, EMBEDDING_MODEL), params);
      return html`<rakis-quorum .node=${node}></rakis-quorum>`;
    }),
};

export const BadAttribute: Story = {
  parameters: { rakisState: 'error' },
  render: () => scene(() => html`<rakis-quorum request-id="latest"></rakis-quorum>`),
};
