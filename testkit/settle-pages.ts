import type { Page } from 'playwright-core';

/**
 * Page hooks for timing how a request settles on demo pages (`bench/settle.ts`): plain script strings
 * for Playwright's `addInitScript` (the compiler would rewrite a dynamic import inside a function).
 */

/** When one page saw the steps of one request settle (`Date.now()`, the clock the requester signs with). */
export interface SettleRecord {
  /** The requester's reveal list adopted (on the requester: fixed). */
  listAt?: number;
  /** Each listed reveal received and found to open its commitment (this page's own included). */
  revealAts: number[];
  /** Each commit received, by inferenceId (its signed `createdAt` is in the node's snapshot). */
  commitAts: Record<string, number>;
  /** The page's node decided (the `consensus` event), verifying itself or following attestations. */
  decidedAt?: number;
  basis?: 'verified' | 'attested';
  failedAt?: number;
  failure?: string;
}

declare global {
  interface Window {
    rakisSettle?: Record<string, SettleRecord>;
  }
}

/**
 * Records, for every request, when the page's node adopted the requester's list, received each listed
 * reveal and decided. It hooks every node an element announces (`rakis-ready` bubbles to the document).
 */
export const SETTLE_RECORDER_SCRIPT = `(() => {
  const records = (window.rakisSettle = {});
  const hooked = new WeakSet();
  const entry = (requestId) => (records[requestId] ??= { revealAts: [], commitAts: {} });
  document.addEventListener('rakis-ready', (event) => {
    const node = event.detail && event.detail.node;
    if (!node || hooked.has(node)) return;
    hooked.add(node);
    node.on('quorum', (step) => {
      const now = Date.now();
      if (step.type === 'reveal-list' && step.byRequester) entry(step.requestId).listAt ??= now;
      if (step.type === 'reveal') entry(step.requestId).revealAts.push(now);
      if (step.type === 'commit') entry(step.requestId).commitAts[step.inferenceId] ??= now;
    });
    node.on('consensus', ({ requestId, decision }) => {
      const record = entry(requestId);
      if (record.decidedAt === undefined) Object.assign(record, { decidedAt: Date.now(), basis: decision.basis });
    });
    node.on('failed', ({ requestId, reason }) => {
      const record = entry(requestId);
      if (record.failedAt === undefined) Object.assign(record, { failedAt: Date.now(), failure: reason });
    });
  }, true);
})();`;

/**
 * Gives the marketplace page a `<rakis-node>` of its own tab, which its prompt then uses, with the
 * commit grace the page URL names: `?grace=fixed` keeps the fixed 1.5 s (`timings.adaptCommitGrace:
 * false`), anything else adapts it to the delivery the node measures (the default).
 */
export const REQUESTER_NODE_SCRIPT = `document.addEventListener('readystatechange', () => {
  if (document.readyState !== 'interactive') return;
  const prompt = document.querySelector('rakis-prompt');
  const node = document.createElement('rakis-node');
  for (const name of ['network', 'relays']) node.setAttribute(name, prompt.getAttribute(name));
  node.setAttribute('storage', 'tab');
  node.nodeOptions = { timings: { adaptCommitGrace: new URLSearchParams(location.search).get('grace') !== 'fixed' } };
  prompt.before(node);
  document.documentElement.dataset.requesterHook = 'set';
});`;

/**
 * Makes a blog page a contributor that is known but stays silent: it announces the page's models and
 * verifies with the real embedding engines, but its language model answers only after `silentMs`, when
 * the commit window has closed, so the requester cannot close its window early on it. Its tokens are
 * reported as 0 so the worker's speed estimate (and so its willingness to take the next job) is unchanged.
 */
export function silentContributorScript(silentMs: number): string {
  return `document.addEventListener('readystatechange', () => {
  if (document.readyState !== 'interactive') return;
  document.querySelector('rakis-node').nodeOptions = {
    engineLoader: async (options) => {
      const { realEngineLoader } = await import('/dist/rakis.js');
      const engines = await realEngineLoader()({ ...options, models: [] });
      const generate = () => new Promise((resolve) => setTimeout(() => resolve({ text: 'silent', tokens: 0 }), ${silentMs}));
      return { embedders: engines.embedders, generators: options.models.map((model) => ({ model, healthy: () => true, generate })) };
    },
  };
  document.documentElement.dataset.silentHook = 'set';
});`;
}

/** What the page recorded of a request (see SETTLE_RECORDER_SCRIPT). */
export function settleRecord(page: Page, requestId: string): Promise<SettleRecord | undefined> {
  return page.evaluate((id) => window.rakisSettle?.[id], requestId);
}

interface PageNode {
  synthientId: string;
  peers: { synthientId: string; role?: string }[];
  status: { queue: { running: boolean; waiting: number }[]; transports: { transport: string; state: string; peers: number; handshakeFailures: number; lastHandshakeError?: string }[] };
  quorum(requestId: string): { schedule: { commitDeadline: number }; list?: { inferenceIds: string[] }; commits: { inferenceId: string; createdAt: number }[] } | undefined;
}

/** How many contributors the node of the page's `<rakis-node>` hears directly. */
export function workersHeard(page: Page): Promise<number> {
  return page.evaluate(() => {
    const node = (document.querySelector('rakis-node') as (HTMLElement & { node?: PageNode }) | null)?.node;
    return node?.peers.filter((peer) => peer.role === 'worker').length ?? 0;
  });
}

/** Who the page's `<rakis-node>` is, whom it hears and how its transports fare, in one line (for a bench or test that timed out). */
export function linkSummary(page: Page): Promise<string> {
  return page.evaluate(() => {
    const node = (document.querySelector('rakis-node') as (HTMLElement & { node?: PageNode }) | null)?.node;
    if (!node) return 'no node';
    const transports = node.status.transports.map((t) => `${t.transport} ${t.state} ${t.peers} peers, ${t.handshakeFailures} failed${t.lastHandshakeError ? ` (${t.lastHandshakeError})` : ''}`);
    return `${node.synthientId.slice(0, 8)} hears ${node.peers.map((peer) => `${peer.synthientId.slice(0, 8)}:${peer.role ?? '?'}`).join(' ')}; ${transports.join('; ')}`;
  });
}

/** Whether the worker of the page's `<rakis-node>` has no job running or waiting. */
export function workerIdle(page: Page): Promise<boolean> {
  return page.evaluate(() => {
    const node = (document.querySelector('rakis-node') as (HTMLElement & { node?: PageNode }) | null)?.node;
    return !!node && node.status.queue.every((queue) => !queue.running && queue.waiting === 0);
  });
}

/**
 * A request as the page's `<rakis-node>` holds it: its commit deadline, how many commits its list
 * names, and when each commit it holds was signed.
 */
export function requestSchedule(page: Page, requestId: string): Promise<{ commitDeadline: number; listed: number; commitsSignedAt: Record<string, number> } | undefined> {
  return page.evaluate((id) => {
    const quorum = (document.querySelector('rakis-node') as (HTMLElement & { node?: PageNode }) | null)?.node?.quorum(id);
    return (
      quorum && {
        commitDeadline: quorum.schedule.commitDeadline,
        listed: quorum.list?.inferenceIds.length ?? 0,
        commitsSignedAt: Object.fromEntries(quorum.commits.map((commit) => [commit.inferenceId, commit.createdAt])),
      }
    );
  }, requestId);
}
