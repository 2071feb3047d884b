import type { MeshStats, PeerInfo, TransportHealth } from '../network/index.js';
import type { PeerRole, SecurityFrame } from '../protocol/index.js';
import type { QuorumDecision } from '../quorum/index.js';
import type { NodeStore } from '../store/types.js';
import type { EngineProgress } from './engine-loader.js';
import type { RakisErrorCode } from './errors.js';
import type { RequestEvent } from './request-handle.js';
import type { JobUpdate, WorkerRole } from './worker-role.js';

export interface NodeStatus {
  synthientId: string;
  network: string;
  role: PeerRole;
  started: boolean;
  peers: number;
  transports: TransportHealth[];
  models: string[];
  embeddingModels: string[];
  queue: ReturnType<WorkerRole['status']>;
  tokensServed: number;
  openRequests: number;
  packets: MeshStats;
  /** What this node refused or gave up because the network offered more than its bounds: others' requests, early packets, jobs. */
  dropped: { requests: number; earlyPackets: number; jobs: number };
  storage: NodeStore['kind'] | 'none';
  /**
   * How far this computer's clock is from its peers' (whole seconds, positive when ahead), once a few
   * peers were heard; `off` when it is far enough to make requests and answers miss their windows.
   */
  clock: { offsetSeconds: number; off: boolean } | undefined;
}

export interface RakisNodeEvents extends Record<string, unknown> {
  /** The status changed (throttled: at most a few times a second). */
  status: NodeStatus;
  peers: PeerInfo[];
  'peer-joined': PeerInfo;
  'peer-left': { synthientId: string };
  /** A request this node saw (its own included). */
  request: { requestId: string; from: string; prompt: string; frame: SecurityFrame; acceptedModels: string[]; mine: boolean };
  /** The snapshot of a request changed (`quorum(requestId)` has the new one); at most once per task. */
  'request-change': { requestId: string };
  quorum: RequestEvent;
  consensus: { requestId: string; decision: QuorumDecision; attestations: number };
  failed: { requestId: string; reason: string; explanation: string };
  job: JobUpdate;
  'engine-progress': EngineProgress;
  error: { code: RakisErrorCode; message: string; requestId?: string };
}

/** How the node's parts report what happened: the node's own typed `emit`. */
export type EmitNodeEvent = <K extends keyof RakisNodeEvents>(type: K, event: RakisNodeEvents[K]) => void;
