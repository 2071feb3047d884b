import { DEFAULT_NETWORK, type NetworkTransportOptions, type SignalingStrategy } from '../network/index.js';
import type { NodeStore } from '../store/types.js';
import { RakisError } from './errors.js';
import { resolveIdentity } from './identity.js';
import type { NodeApi } from './node-api.js';
import { RakisNode, type RakisNodeOptions } from './rakis-node.js';
import { canShareAcrossTabs } from './tab-link/tab-platform.js';

/**
 * Building a node from the strings an HTML page can give (the attributes of `<rakis-node>` and of the
 * elements that start an observer node of their own). Every bad value is refused with a
 * `RakisError('invalid-options')` naming the attribute, so a widget can explain it.
 */
export interface NodeAttributes {
  /** Network name; empty means the public network. */
  network?: string | null;
  /** Relay URLs per signaling strategy: `torrent=ws://host:8000 mqtt=ws://host:8083/mqtt libp2p=ws://host:8790` (spaces or commas between pairs). */
  relays?: string | null;
  /**
   * Transports to join: any of `torrent mqtt nostr libp2p broadcast-channel`; default: the strategies named in
   * `relays`, else torrent and BroadcastChannel at once, and nostr and MQTT if they find no peer within 5 s.
   * `libp2p` (gossipsub over WebRTC, a bounded number of links per page) needs a `libp2p=` relay.
   */
  transports?: string | null;
  /**
   * `site` (the default): IndexedDB of this site and network, and one node for all the site's tabs (one
   * tab runs it, the others use it); any other name: that IndexedDB namespace, shared the same way;
   * `tab`: a node and IndexedDB namespace of this tab's own, kept across reloads of the tab and deleted by a
   * later tab once it has been gone an hour (`src/store/tab-stores.ts`); `none`:
   * memory only, a node of this tab's own.
   */
  storage?: string | null;
}

export type StorageChoice = { kind: 'none' } | { kind: 'tab' } | { kind: 'indexeddb'; namespace: string };

export interface ParsedNodeAttributes {
  network: string;
  relays: Omit<NetworkTransportOptions, 'network'>;
  storage: StorageChoice;
}

const STRATEGIES: readonly SignalingStrategy[] = ['torrent', 'mqtt', 'nostr'];
const BROADCAST = 'broadcast-channel';
const LIBP2P = 'libp2p';
type RelayName = SignalingStrategy | typeof LIBP2P;
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

function invalid(attribute: string, message: string): RakisError {
  return new RakisError('invalid-options', `${attribute}: ${message}`);
}

function isStrategy(value: string): value is SignalingStrategy {
  return (STRATEGIES as readonly string[]).includes(value);
}

/** Splits a list attribute on spaces and commas. */
export function listAttribute(value: string | null | undefined): string[] {
  return (value ?? '').split(/[\s,]+/).filter((item) => item !== '');
}

function parseRelays(value: string | null | undefined): Partial<Record<RelayName, string[]>> {
  const relayUrls: Partial<Record<RelayName, string[]>> = {};
  for (const pair of listAttribute(value)) {
    const at = pair.indexOf('=');
    const strategy = pair.slice(0, at);
    const url = pair.slice(at + 1);
    if (at <= 0 || !(isStrategy(strategy) || strategy === LIBP2P)) {
      throw invalid('relays', `"${pair}" is not strategy=url (strategies: ${[...STRATEGIES, LIBP2P].join(', ')})`);
    }
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw invalid('relays', `"${url}" is not a URL`);
    }
    if (!['ws:', 'wss:', 'http:', 'https:'].includes(parsed.protocol)) {
      throw invalid('relays', `"${url}" must be a ws:, wss:, http: or https: URL`);
    }
    if (strategy === LIBP2P && !['ws:', 'wss:'].includes(parsed.protocol)) throw invalid('relays', `libp2p relay "${url}" must be a ws: or wss: URL`);
    (relayUrls[strategy] ??= []).push(url);
  }
  return relayUrls;
}

export function parseNodeAttributes(attributes: NodeAttributes): ParsedNodeAttributes {
  const network = (attributes.network ?? '').trim() || DEFAULT_NETWORK;
  if (!NAME.test(network)) throw invalid('network', `"${network}" must be 1-64 letters, digits, dots, dashes or underscores`);

  const { libp2p: libp2pRelays, ...relayUrls } = parseRelays(attributes.relays);
  const named = listAttribute(attributes.transports);
  for (const name of named) {
    if (name !== BROADCAST && name !== LIBP2P && !isStrategy(name)) throw invalid('transports', `unknown transport "${name}" (use ${[...STRATEGIES, LIBP2P, BROADCAST].join(', ')})`);
  }
  const withRelays = Object.keys(relayUrls) as SignalingStrategy[];
  const libp2p = named.length > 0 ? named.includes(LIBP2P) : libp2pRelays !== undefined;
  if (libp2p && !libp2pRelays) throw invalid('relays', 'the libp2p transport needs a relay node: libp2p=wss://host:port');
  // Neither attribute: the default transports of `networkTransports` (nostr and MQTT as fallbacks); only a
  // libp2p relay given: libp2p alone (and BroadcastChannel).
  const strategies = named.length > 0 ? named.filter(isStrategy) : withRelays.length > 0 || libp2p ? withRelays : undefined;
  const broadcastChannel = named.length > 0 ? named.includes(BROADCAST) : true;
  if (strategies?.length === 0 && !broadcastChannel && !libp2p) throw invalid('transports', 'name at least one transport');

  const storageValue = (attributes.storage ?? '').trim();
  let storage: StorageChoice;
  if (storageValue === 'none') storage = { kind: 'none' };
  else if (storageValue === 'tab') storage = { kind: 'tab' };
  else if (storageValue === '' || storageValue === 'site') storage = { kind: 'indexeddb', namespace: `rakis-${network}` };
  else if (NAME.test(storageValue)) storage = { kind: 'indexeddb', namespace: storageValue };
  else throw invalid('storage', `"${storageValue}" must be "none" or a namespace of letters, digits, dots, dashes or underscores`);

  return { network, relays: { ...(strategies && { strategies }), relayUrls, ...(libp2p && libp2pRelays && { libp2p: { relayUrls: libp2pRelays } }), broadcastChannel }, storage };
}

/**
 * A node configured by attribute strings; `extra` carries what attributes cannot express (engine
 * loader, injected transports, scheduler). Throws `RakisError('invalid-options')` for bad values.
 * A node stored in a shared IndexedDB namespace is one for every tab of the site (`tab-link`).
 */
export async function createNodeFromAttributes(
  attributes: NodeAttributes,
  extra: Omit<RakisNodeOptions, 'network' | 'relays' | 'store'> = {},
): Promise<{ node: NodeApi; warning?: string }> {
  const parsed = parseNodeAttributes(attributes);
  // A tab's own namespace: two tabs sharing one identity would look like one node committing twice, while
  // a reload must come back as the same node.
  const tab = parsed.storage.kind === 'tab' ? await (await import('../store/tab-stores.js')).openTabNamespace() : undefined;
  const namespace = parsed.storage.kind === 'indexeddb' ? parsed.storage.namespace : tab && 'namespace' in tab ? tab.namespace : undefined;
  // Where IndexedDB cannot be used the node still runs, from memory, and the warning says so. The store's
  // code is its own chunk: an observer node (storage none) never downloads it.
  const { store, fallback } = namespace ? await (await import('./open-store.js')).openNodeStore(namespace) : { store: undefined, fallback: tab && 'warning' in tab ? tab.warning : undefined };
  // An element's node may never ask nor hear a request: the code that follows them comes when it does.
  const create = () => RakisNode.create({ loadRequestsOnUse: true, ...extra, network: parsed.network, relays: parsed.relays, ...(store ? { store } : {}) });
  if (store && !fallback && parsed.storage.kind === 'indexeddb' && canShareAcrossTabs()) {
    return { node: await siteNode(`rakis-node:${parsed.storage.namespace}:${parsed.network}`, parsed.network, store, create) };
  }
  return { node: await create(), ...(fallback ? { warning: fallback } : {}) };
}

/** The node every tab of the site shares over `name` (its code is a chunk of its own). */
async function siteNode(name: string, network: string, store: NodeStore, createNode: () => Promise<RakisNode>): Promise<NodeApi> {
  // One tab at a time reads or makes the identity, so tabs opened together do not each save one of their own.
  const identity = await navigator.locks.request(`${name}:identity`, () => resolveIdentity({ store }));
  const { SharedNode } = await import('./tab-link/shared-node.js');
  return new SharedNode({ name, network, identity, createNode });
}
