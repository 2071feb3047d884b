import type { Preview } from '@storybook/web-components-vite';
import '../elements/register.js';

const preview: Preview = {
  parameters: { layout: 'padded' },
};
export default preview;
