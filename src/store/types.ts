import type { ExportedIdentity } from '../protocol/index.js';

/** One packet as this node received (or sent) it, with the local receipt time that drove its quorum. */
export interface PacketLogEntry {
  /** The packet's wire encoding (canonical JSON text). */
  wire: string;
  receivedAt: number;
}

/** Everything needed to rebuild an open request's quorum after a reload, by replaying its packets. */
export interface StoredQuorum {
  requestId: string;
  /** The request first, then every packet about it in receipt order. */
  packets: PacketLogEntry[];
  /** This node's own answer while it is still secret (hex fields). */
  ownReveal?: { inferenceId: string; output: string; bEmbedding: string; salt: string };
  updatedAt: number;
}

export interface StoredResult {
  requestId: string;
  prompt: string;
  /** Requested by this node, or observed. */
  mine: boolean;
  outcome: 'decided' | 'failed';
  output?: string;
  resultHash?: string;
  attestations?: number;
  reason?: string;
  settledAt: number;
}

export type StoreErrorCode = 'wrong-password' | 'locked' | 'quota-exceeded' | 'unavailable' | 'corrupt';

export class StoreError extends Error {
  override name = 'StoreError';
  constructor(
    readonly code: StoreErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/**
 * A node's persistence. Implementations: IndexedDB (idb-keyval, one store per namespace) in browsers,
 * and memory for simulations and tests. Writes that hit the storage quota reject with
 * `StoreError('quota-exceeded')`; the node reports it and keeps running from memory.
 */
export interface NodeStore {
  readonly kind: 'indexeddb' | 'memory';
  /** Whether an identity is saved, and whether it needs a password. */
  identityState(): Promise<'none' | 'plain' | 'encrypted'>;
  /** Rejects with `wrong-password` for a wrong password, `locked` when a password is needed and none given. */
  loadIdentity(password?: string): Promise<ExportedIdentity | undefined>;
  /** With a password the identity is stored encrypted, never in plain text. */
  saveIdentity(identity: ExportedIdentity, password?: string): Promise<void>;
  loadSettings(): Promise<Record<string, unknown> | undefined>;
  saveSettings(settings: Record<string, unknown>): Promise<void>;
  /** Appends to the bounded packet log (oldest entries dropped beyond its limit). */
  appendPackets(entries: PacketLogEntry[]): Promise<void>;
  recentPackets(limit: number): Promise<PacketLogEntry[]>;
  saveQuorum(quorum: StoredQuorum): Promise<void>;
  loadQuorums(): Promise<StoredQuorum[]>;
  deleteQuorum(requestId: string): Promise<void>;
  /** Keeps at most the store's retention limit of results, newest first. */
  saveResult(result: StoredResult): Promise<void>;
  loadResults(): Promise<StoredResult[]>;
  /** Forgets everything in this namespace. */
  clear(): Promise<void>;
}
