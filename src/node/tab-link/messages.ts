import type { PeerInfo } from '../../network/index.js';
import type { QuorumSnapshot } from '../../quorum/index.js';
import type { StoredResult } from '../../store/types.js';
import type { ContributeOptions } from '../engine-loader.js';
import type { NodeStatus, RakisNodeEvents } from '../node-events.js';

/**
 * What the tabs of one site say to each other over their BroadcastChannel: followers ask the leader
 * (the tab that runs the node), the leader answers and forwards its node's events. Any script of the
 * origin can post on the channel, so every message is checked for shape and size before use, and what
 * a tab keeps from them is bounded.
 */

/** Most requests a follower hands over in one message. */
export const MAX_SUBMITTED = 32;
/** Most request snapshots and results a tab keeps of the leader's. */
export const MAX_SNAPSHOTS = 200;
export const MAX_RESULTS = 200;
/** Most calls a follower may have waiting on the leader. */
export const MAX_PENDING_CALLS = 16;
const MAX_PACKET_CHARS = 64 * 1024;
const MAX_ID_CHARS = 128;
const MAX_MODELS = 64;

/** The node as a follower shows it until the next event. */
export interface LinkState {
  status: NodeStatus;
  peers: PeerInfo[];
  results: StoredResult[];
  snapshots: QuorumSnapshot[];
  /** Who the node knows to serve each model (see `RakisNode.knownContributors`). */
  contributors: Record<string, string[]>;
  /** What the node was asked to contribute, so a tab that takes over contributes the same. */
  contributing: ContributeOptions | undefined;
}

export const FORWARDED_EVENTS = [
  'status',
  'peers',
  'peer-joined',
  'peer-left',
  'request',
  'request-change',
  'quorum',
  'consensus',
  'failed',
  'job',
  'engine-progress',
  'error',
] as const satisfies readonly (keyof RakisNodeEvents)[];
export type ForwardedEvent = (typeof FORWARDED_EVENTS)[number];

export type FollowerMessage =
  | { kind: 'hello'; tab: string }
  /** Requests signed in the follower (encoded packets), to send, or to keep following after a takeover. */
  | { kind: 'submit'; tab: string; packets: string[] }
  | { kind: 'call'; tab: string; callId: number; method: 'contribute'; options: ContributeOptions }
  | { kind: 'call'; tab: string; callId: number; method: 'cancel-contribute' };

export type LeaderMessage =
  | { kind: 'state'; leader: string; state: LinkState }
  | { kind: 'event'; leader: string; type: ForwardedEvent; event: unknown; snapshot?: QuorumSnapshot; contributors?: Record<string, string[]> }
  | { kind: 'results'; leader: string; results: StoredResult[] }
  | { kind: 'reply'; leader: string; tab: string; callId: number; error?: { code: string; message: string } };

type Loose = Record<string, unknown>;
const isObject = (value: unknown): value is Loose => typeof value === 'object' && value !== null && !Array.isArray(value);
const isId = (value: unknown): value is string => typeof value === 'string' && value.length > 0 && value.length <= MAX_ID_CHARS;
const isCallId = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;
const isStringList = (value: unknown, max: number, maxChars = MAX_ID_CHARS): value is string[] =>
  Array.isArray(value) && value.length <= max && value.every((item) => typeof item === 'string' && item.length <= maxChars);

function isContributeOptions(value: unknown): value is ContributeOptions {
  return (
    isObject(value) &&
    isStringList(value.models, MAX_MODELS) &&
    isStringList(value.embeddingModels, MAX_MODELS) &&
    (value.modelBaseUrl === undefined || (typeof value.modelBaseUrl === 'string' && value.modelBaseUrl.length <= 2048))
  );
}

function isContributors(value: unknown): value is Record<string, string[]> {
  if (!isObject(value)) return false;
  const entries = Object.entries(value);
  return entries.length <= MAX_MODELS && entries.every(([model, ids]) => model.length <= MAX_ID_CHARS && isStringList(ids, 1024));
}

const isSnapshot = (value: unknown): value is QuorumSnapshot => isObject(value) && isId(value.requestId) && typeof value.phase === 'string';
const isResult = (value: unknown): value is StoredResult => isObject(value) && isId(value.requestId) && (value.outcome === 'decided' || value.outcome === 'failed');
const isStatus = (value: unknown): value is NodeStatus => isObject(value) && isId(value.synthientId) && typeof value.role === 'string' && Array.isArray(value.models);

function isState(value: unknown): value is LinkState {
  return (
    isObject(value) &&
    isStatus(value.status) &&
    Array.isArray(value.peers) &&
    value.peers.length <= 1024 &&
    Array.isArray(value.results) &&
    value.results.length <= MAX_RESULTS &&
    value.results.every(isResult) &&
    Array.isArray(value.snapshots) &&
    value.snapshots.length <= MAX_SNAPSHOTS &&
    value.snapshots.every(isSnapshot) &&
    isContributors(value.contributors) &&
    (value.contributing === undefined || isContributeOptions(value.contributing))
  );
}

/** An event's payload: the few fields the follower reads, checked. */
function isEventPayload(type: ForwardedEvent, event: unknown): boolean {
  if (!isObject(event) && !(type === 'peers' && Array.isArray(event))) return false;
  switch (type) {
    case 'status':
      return isStatus(event);
    case 'peers':
      return Array.isArray(event) && event.length <= 1024;
    case 'request-change':
    case 'quorum':
    case 'consensus':
    case 'failed':
    case 'request':
      return isId((event as Loose).requestId);
    default:
      return true;
  }
}

/** A follower's message as the leader may act on it, or undefined for anything else. */
export function readFollowerMessage(data: unknown): FollowerMessage | undefined {
  if (!isObject(data) || !isId(data.tab)) return undefined;
  switch (data.kind) {
    case 'hello':
      return { kind: 'hello', tab: data.tab };
    case 'submit':
      return isStringList(data.packets, MAX_SUBMITTED, MAX_PACKET_CHARS) ? { kind: 'submit', tab: data.tab, packets: data.packets } : undefined;
    case 'call':
      if (!isCallId(data.callId)) return undefined;
      if (data.method === 'cancel-contribute') return { kind: 'call', tab: data.tab, callId: data.callId, method: 'cancel-contribute' };
      if (data.method === 'contribute' && isContributeOptions(data.options)) return { kind: 'call', tab: data.tab, callId: data.callId, method: 'contribute', options: data.options };
      return undefined;
    default:
      return undefined;
  }
}

/** A leader's message as a follower may use it, or undefined for anything else. */
export function readLeaderMessage(data: unknown): LeaderMessage | undefined {
  if (!isObject(data) || !isId(data.leader)) return undefined;
  const leader = data.leader;
  switch (data.kind) {
    case 'state':
      return isState(data.state) ? { kind: 'state', leader, state: data.state } : undefined;
    case 'event': {
      const type = data.type as ForwardedEvent;
      if (!(FORWARDED_EVENTS as readonly unknown[]).includes(type) || !isEventPayload(type, data.event)) return undefined;
      if (data.snapshot !== undefined && !isSnapshot(data.snapshot)) return undefined;
      if (data.contributors !== undefined && !isContributors(data.contributors)) return undefined;
      return { kind: 'event', leader, type, event: data.event, ...(data.snapshot ? { snapshot: data.snapshot } : {}), ...(data.contributors ? { contributors: data.contributors } : {}) };
    }
    case 'results':
      return Array.isArray(data.results) && data.results.length <= MAX_RESULTS && data.results.every(isResult) ? { kind: 'results', leader, results: data.results } : undefined;
    case 'reply': {
      if (!isId(data.tab) || !isCallId(data.callId)) return undefined;
      const error = data.error;
      if (error !== undefined && !(isObject(error) && typeof error.code === 'string' && typeof error.message === 'string')) return undefined;
      return { kind: 'reply', leader, tab: data.tab, callId: data.callId, ...(error ? { error: { code: String(error.code).slice(0, 64), message: String(error.message).slice(0, 2048) } } : {}) };
    }
    default:
      return undefined;
  }
}
