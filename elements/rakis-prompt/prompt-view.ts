import { html, type TemplateResult } from 'lit';
import type { QuorumSnapshot, RequestResult } from '../../src/node/index.js';
import { secondsLeft, shortId } from '../shared/format.js';
import { errorPanel } from '../shared/rakis-element.js';

/** What `<rakis-prompt>` shows of its request: its progress from the node's snapshot, then its result. */

export function renderProgress(snapshot: QuorumSnapshot | undefined): TemplateResult {
  if (!snapshot) return html`<p part="progress">Sending…</p>`;
  const quorum = snapshot.frame.quorum;
  const commits = snapshot.commits.length;
  const phase = snapshot.phase;
  const left = secondsLeft(snapshot.schedule.commitDeadline, Date.now());
  // The status region announces phases and commits; the ticking seconds stay out of it (aria-hidden)
  // and are read from the progress bar's label instead, so screen readers are not interrupted every second.
  return html`<div part="progress">
    <p>
      ${phase === 'collecting'
        ? html`Waiting for answers: <strong>${commits}</strong> of ${quorum} committed, <span aria-hidden="true">${left} s left</span>`
        : phase === 'revealing'
          ? html`Answers revealed: <strong>${snapshot.reveals.length}</strong> of ${snapshot.list?.inferenceIds.length ?? commits}`
          : html`Checking that the answers agree…`}
    </p>
    <progress
      max=${Math.max(quorum, 1)}
      .value=${Math.min(commits, quorum)}
      aria-label="Commits so far${phase === 'collecting' ? `, ${left} seconds left` : ''}"
    ></progress>
  </div>`;
}

/** The agreed answer with its attestations (the live count once more nodes attest), or why there is none. */
export function renderResult(result: RequestResult, snapshot: QuorumSnapshot | undefined): TemplateResult {
  if (result.outcome === 'failed') return errorPanel(`No agreed answer (${result.reason})`, result.explanation);
  const live = snapshot?.attestations.find((entry) => entry.resultHash === result.decision?.resultHash)?.count ?? 0;
  const attestations = Math.max(live, result.attestations);
  return html`<section class="answer" aria-label="Agreed answer">
    <blockquote part="answer">${result.output}</blockquote>
    <p part="attestations" class="muted">
      Attested by ${attestations} ${attestations === 1 ? 'node' : 'nodes'} · model <code>${result.decision?.model}</code> · result
      <code title=${result.decision?.resultHash ?? ''}>${shortId(result.decision?.resultHash ?? '')}</code>
    </p>
  </section>`;
}
