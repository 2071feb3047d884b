import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { EMBEDDING_MODEL, failingEngineLoader, MODEL, scriptedEngineLoader } from './support/scripted-network.js';
import { scene } from './support/scene.js';

/** `parameters.rakisState` is the `state` each story settles in; the element tests wait for it. */
const meta: Meta = {
  title: 'Elements/rakis-node',
  component: 'rakis-node',
};
export default meta;
type Story = StoryObj;

export const Follower: Story = {
  parameters: { rakisState: 'running' },
  render: () =>
    scene(async (network) => {
      await network.workers(2);
      const node = await network.node();
      return html`<rakis-node peers-open .node=${node}></rakis-node>`;
    }),
};

export const AskingConsent: Story = {
  parameters: { rakisState: 'asking' },
  render: () =>
    scene(async (network) => {
      await network.workers(1);
      const node = await network.node({ engineLoader: scriptedEngineLoader() });
      return html`<rakis-node contribute models=${MODEL} embedding-models=${EMBEDDING_MODEL} model-base-url="/models/" .node=${node}>
        <p slot="consent">This blog thanks you: answers stay in the network, nothing is sent to us.</p>
      </rakis-node>`;
    }),
};

export const LoadingModels: Story = {
  parameters: { rakisState: 'loading' },
  render: () =>
    scene(async (network) => {
      const node = await network.node({ engineLoader: scriptedEngineLoader({ holdAt: 0.42 }) });
      return html`<rakis-node contribute="auto" models=${MODEL} embedding-models=${EMBEDDING_MODEL} model-base-url="/models/" .node=${node}></rakis-node>`;
    }),
};

export const Contributing: Story = {
  parameters: { rakisState: 'contributing' },
  render: () =>
    scene(async (network) => {
      await network.workers(2);
      const node = await network.node({ engineLoader: scriptedEngineLoader({ stepMs: 10 }) });
      return html`<rakis-node contribute="auto" models=${MODEL} embedding-models=${EMBEDDING_MODEL} .node=${node}></rakis-node>`;
    }),
};

/** The engines cannot load on this device: the widget says why and offers to try again. */
export const EngineFailed: Story = {
  parameters: { rakisState: 'error' },
  render: () =>
    scene(async (network) => {
      const node = await network.node({ engineLoader: failingEngineLoader('no WebGPU adapter, and the WebAssembly runtime could not be fetched') });
      return html`<rakis-node contribute="auto" models=${MODEL} embedding-models=${EMBEDDING_MODEL} .node=${node}></rakis-node>`;
    }),
};

export const BadAttribute: Story = {
  parameters: { rakisState: 'error' },
  render: () => scene(() => html`<rakis-node relays="pigeon=ws://127.0.0.1:1" storage="none"></rakis-node>`),
};
