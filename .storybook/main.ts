import type { StorybookConfig } from '@storybook/web-components-vite';

// Stories run on a scripted in-memory network (stories/support), so Storybook needs no network at all.
const config: StorybookConfig = {
  stories: ['../stories/**/*.stories.ts'],
  framework: { name: '@storybook/web-components-vite', options: {} },
  core: { disableTelemetry: true, disableWhatsNewNotifications: true },
  // The node's engine loader code-splits its workers, which only ES-module workers can do.
  viteFinal: (config) => ({ ...config, worker: { ...config.worker, format: 'es' } }),
};
export default config;
