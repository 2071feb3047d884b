// Registers <rakis-node>. Import rakis-node.component.js instead to use the class under a tag of your own.
import { RakisNodeElement } from './rakis-node.component.js';

export { RakisNodeElement };

if (!customElements.get('rakis-node')) customElements.define('rakis-node', RakisNodeElement);

declare global {
  interface HTMLElementTagNameMap {
    'rakis-node': RakisNodeElement;
  }
}
