// The host page's own Lit (from node_modules, bundled by Vite as a site would): it creates the
// `lit-html` Trusted Types policy before our bundle loads.
import { LitElement, html } from 'lit';

class HostGreeting extends LitElement {
  override render() {
    return html`<p>Rendered by the host page's Lit</p>`;
  }
}
customElements.define('host-greeting', HostGreeting);
