import type { PeerInfo } from '../network/index.js';
import type { InferenceRequestBody, Packet, PeerRole, SecurityFrame } from '../protocol/index.js';
import type { QuorumSnapshot } from '../quorum/index.js';
import type { StoredResult } from '../store/types.js';
import type { ContributeOptions } from './engine-loader.js';
import type { NodeStatus, RakisNodeEvents } from './node-events.js';
import type { RequestHandle } from './request-handle.js';
import type { RequestParams } from './security-frame.js';

/**
 * What elements and host pages use of a node: a `RakisNode` running in this tab, or the node of this
 * site that another tab runs (`tab-link`). Everything here is answered from what the tab holds.
 */
export interface NodeApi {
  readonly synthientId: string;
  readonly network: string;
  readonly role: PeerRole;
  readonly status: NodeStatus;
  readonly peers: PeerInfo[];
  /** Settled requests, newest first. */
  readonly results: readonly StoredResult[];
  on<K extends keyof RakisNodeEvents>(type: K, listener: (event: RakisNodeEvents[K]) => void): () => void;
  knownContributors(models: readonly string[]): Set<string>;
  quorum(requestId: string): QuorumSnapshot | undefined;
  requests(): QuorumSnapshot[];
  start(): Promise<void>;
  stop(): Promise<void>;
  contribute(options: ContributeOptions): Promise<void>;
  cancelContribute(): void;
  request(prompt: string, frame: SecurityFrame, params: RequestParams): RequestHandle;
}

/** A request signed by a node's identity, as one tab of its site hands it to the tab running the node. */
export type SignedRequest = Packet<InferenceRequestBody>;
