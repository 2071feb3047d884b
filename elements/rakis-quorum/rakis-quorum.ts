// Registers <rakis-quorum>. Import rakis-quorum.component.js instead to use the class under a tag of your own.
import { RakisQuorumElement } from './rakis-quorum.component.js';

export { RakisQuorumElement };

if (!customElements.get('rakis-quorum')) customElements.define('rakis-quorum', RakisQuorumElement);

declare global {
  interface HTMLElementTagNameMap {
    'rakis-quorum': RakisQuorumElement;
  }
}
