import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { EMBEDDING_MODEL, MODEL, QUICK_WINDOW_MS, SHORT_ANSWER } from './support/scripted-network.js';
import { query, scene, until } from './support/scene.js';

const meta: Meta = {
  title: 'Elements/rakis-prompt',
  component: 'rakis-prompt',
};
export default meta;
type Story = StoryObj;

const QUESTION = 'Why is the sky blue?';

export const Idle: Story = {
  parameters: { rakisState: 'idle' },
  render: () =>
    scene(async (network) => {
      await network.workers(3);
      const node = await network.node();
      return html`<rakis-prompt max-tokens=${SHORT_ANSWER} models=${MODEL} embedding-model=${EMBEDDING_MODEL} .node=${node}></rakis-prompt>`;
    }),
};

/** Two workers for a quorum of three: the request waits out its window. */
export const RequestInFlight: Story = {
  parameters: { rakisState: 'in-flight' },
  render: () =>
    scene(
      async (network) => {
        await network.workers(2);
        const node = await network.node();
        return html`<rakis-prompt max-tokens=${SHORT_ANSWER} models=${MODEL} embedding-model=${EMBEDDING_MODEL} .frame=${{ maxTimeMs: 120_000 }} .node=${node}></rakis-prompt>`;
      },
      async (stage) => {
        const prompt = query(stage, 'rakis-prompt');
        await until(() => prompt.state === 'idle');
        void prompt.ask(QUESTION);
      },
    ),
};

/** Three honest workers and one that answers garbage: the honest answer wins. */
export const Decided: Story = {
  parameters: { rakisState: 'decided' },
  render: () =>
    scene(
      async (network) => {
        await network.workers(3);
        await network.worker({ garbage: true });
        const node = await network.node();
        return html`<rakis-prompt max-tokens=${SHORT_ANSWER} models=${MODEL} embedding-model=${EMBEDDING_MODEL} .frame=${{ maxTimeMs: QUICK_WINDOW_MS }} .node=${node}></rakis-prompt>`;
      },
      async (stage) => {
        const prompt = query(stage, 'rakis-prompt');
        await until(() => prompt.state === 'idle');
        void prompt.ask(QUESTION);
      },
    ),
};

/** One worker for a quorum of three: not enough commits. */
export const Failed: Story = {
  parameters: { rakisState: 'failed' },
  render: () =>
    scene(
      async (network) => {
        await network.workers(1);
        const node = await network.node();
        return html`<rakis-prompt max-tokens=${SHORT_ANSWER} models=${MODEL} embedding-model=${EMBEDDING_MODEL} .frame=${{ maxTimeMs: 1_000 }} .node=${node}></rakis-prompt>`;
      },
      async (stage) => {
        const prompt = query(stage, 'rakis-prompt');
        await until(() => prompt.state === 'idle');
        void prompt.ask(QUESTION);
      },
    ),
};

/** Frame values out of range: each field explains itself and nothing is sent. */
export const InvalidFrame: Story = {
  parameters: { rakisState: 'idle' },
  render: () =>
    scene(async (network) => {
      const node = await network.node();
      return html`<rakis-prompt
        advanced
        models=${MODEL}
        embedding-model=${EMBEDDING_MODEL}
        .frame=${{ quorum: 0, secPercentage: 1.5 }}
        .node=${node}
      ></rakis-prompt>`;
    }),
};

export const BadAttribute: Story = {
  parameters: { rakisState: 'error' },
  render: () => scene(() => html`<rakis-prompt preset="extreme"></rakis-prompt>`),
};

export const NoSuchNode: Story = {
  parameters: { rakisState: 'error' },
  render: () => scene(() => html`<rakis-prompt node="missing-node"></rakis-prompt>`),
};
