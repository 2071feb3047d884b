import { html, nothing, type TemplateResult } from 'lit';
import type { NodeStatus } from '../../src/node/index.js';

type TransportHealth = NodeStatus['transports'][number];

const plural = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;

/**
 * One transport as the node judges it: its state and why (`torrent: down (relay unreachable)`), its
 * peers (for a transport that links peers through relays, even when that is none) and the links that
 * failed to form.
 */
function transportItem(health: TransportHealth): TemplateResult {
  const why = health.reason ?? (health.state === 'waiting' ? health.lastError : undefined);
  const linksPeers = health.relays.length > 0 || health.peers > 0;
  const relays = health.relays.map((relay) => `${relay.url}: ${relay.open ? 'connected' : 'not connected'}`).join('\n');
  return html`<li title=${relays}>
    <span class="dot ${health.state}" aria-hidden="true"></span>${health.transport}: ${health.state}${why ? ` (${why})` : ''}${linksPeers
      ? html` <span class="muted">· ${plural(health.peers, 'peer', 'peers')}</span>`
      : nothing}${health.handshakeFailures > 0
      ? html` <span class="muted" title=${health.lastHandshakeError ?? ''}>· ${plural(health.handshakeFailures, 'failed handshake', 'failed handshakes')}</span>`
      : nothing}
  </li>`;
}

/** The node's transports and their health. */
export function transportList(transports: TransportHealth[]): TemplateResult {
  return html`<ul class="transports" part="transports">
    ${transports.map(transportItem)}
  </ul>`;
}
