// Registers <rakis-prompt>. Import rakis-prompt.component.js instead to use the class under a tag of your own.
import { RakisPromptElement } from './rakis-prompt.component.js';

export { RakisPromptElement };

if (!customElements.get('rakis-prompt')) customElements.define('rakis-prompt', RakisPromptElement);

declare global {
  interface HTMLElementTagNameMap {
    'rakis-prompt': RakisPromptElement;
  }
}
