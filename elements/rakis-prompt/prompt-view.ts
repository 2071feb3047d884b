import { html, type TemplateResult } from 'lit';
import type { NodeStatus, QuorumSnapshot, RequestResult } from '../../src/node/index.js';
import { secondsLeft, shortId } from '../shared/format.js';
import { errorPanel } from '../shared/rakis-element.js';
import { jsonView } from '../shared/json-view.js';

/** What `<rakis-prompt>` shows of its request: what the network can do, its progress, then its result. */

const plural = (count: number, one: string, many = `${one}s`) => `${count} ${count === 1 ? one : many}`;

/** How many contributors serve the chosen models, and a warning when the frame asks for more answers than that. */
export function renderReach(contributors: number, quorum: number | undefined): TemplateResult {
  const known = html`<p part="reach" class="muted">${contributors === 0 ? 'No contributor serves these models yet.' : `${plural(contributors, 'contributor')} known to serve these models.`}</p>`;
  if (quorum === undefined || contributors >= quorum) return known;
  return html`${known}
    <p part="reach-warning" class="warning" role="note">
      This frame needs ${plural(quorum, 'answer')} but ${contributors === 0 ? 'no contributor' : `only ${plural(contributors, 'contributor')}`} can give one: the
      question would fail unless more contributors join within its window. Choose a frame with fewer answers, or wait.
    </p>`;
}

/**
 * The wait as it is: answers so far against those needed, the window's time (the bar), and that it ends
 * as soon as every contributor the node knows has answered.
 */
export function renderProgress(snapshot: QuorumSnapshot | undefined, now: number): TemplateResult {
  if (!snapshot) return html`<p part="progress">Sending…</p>`;
  const { quorum, maxTimeMs } = snapshot.frame;
  const commits = snapshot.commits.length;
  const phase = snapshot.phase;
  const left = secondsLeft(snapshot.schedule.commitDeadline, now);
  const elapsed = Math.min(maxTimeMs, Math.max(0, now - (snapshot.schedule.commitDeadline - maxTimeMs)));
  const answers = commits > quorum ? `${plural(commits, 'answer')}, ${quorum} needed` : `${commits} of ${plural(quorum, 'answer')}`;
  const declined = snapshot.declined.length > 0 ? `, ${snapshot.declined.length} declined` : '';
  // The status region announces phases and answers; the ticking seconds stay out of it (aria-hidden)
  // and are read from the progress bar's label instead, so screen readers are not interrupted every second.
  return html`<div part="progress">
    <p>
      ${phase === 'collecting'
        ? html`Waiting for answers: <strong>${answers}</strong>${declined}
            <span aria-hidden="true">· at most ${left} s left (ends once every known contributor answered)</span>`
        : phase === 'revealing'
          ? html`Answers revealed: <strong>${snapshot.reveals.length}</strong> of ${snapshot.list?.inferenceIds.length ?? commits}`
          : html`Checking that the answers agree…`}
    </p>
    ${phase === 'collecting'
      ? html`<progress max=${maxTimeMs} .value=${elapsed} aria-label="Answer window, ${left} seconds left at most"></progress>`
      : html`<progress aria-label="Checking the answers"></progress>`}
  </div>`;
}

/** A failure in the words of someone who asked a question, with the node's own explanation beneath. */
function failureWords(result: RequestResult, clock: NodeStatus['clock']): string {
  if (clock?.off) return `Your device's clock is about ${Math.abs(Math.round(clock.offsetSeconds))} s off from the network's, so answers looked too early or too late. Set the clock right and ask again.`;
  switch (result.reason) {
    case 'not-enough-commits':
      return 'Too few contributors answered in time. Ask again when more are online, or choose a frame that needs fewer answers.';
    case 'cluster-too-small':
      return 'The answers disagreed: not enough of them said the same thing to trust any one.';
    case 'no-reveals':
    case 'all-rejected':
    case 'no-reveal-list':
      return 'The contributors did not show their answers in a form that could be checked.';
    case 'no-attestations':
    case 'chosen-reveal-missing':
      return 'No node that could check the answers reported back in time.';
    case 'cancelled':
      return 'You stopped waiting for this question.';
    default:
      return 'The network could not agree on an answer.';
  }
}

/** The agreed answer with its attestations (the live count once more nodes attest), or why there is none. */
export function renderResult(result: RequestResult, snapshot: QuorumSnapshot | undefined, clock: NodeStatus['clock']): TemplateResult {
  if (result.outcome === 'failed') {
    return errorPanel('No agreed answer', html`<p>${failureWords(result, clock)}</p>`, html`<p class="muted">${result.reason}: ${result.explanation}</p>`);
  }
  const live = snapshot?.attestations.find((entry) => entry.resultHash === result.decision?.resultHash)?.count ?? 0;
  const attestations = Math.max(live, result.attestations);
  return html`<section class="answer" aria-label="Agreed answer">
    ${snapshot?.responseSchema && jsonView()
      ? jsonView()!.renderJsonAnswer(result.output ?? '', snapshot.responseSchema, result.decision?.json, 'answer')
      : html`<blockquote part="answer">${result.output}</blockquote>`}
    <p part="attestations" class="muted">
      Attested by ${plural(attestations, 'node')} · model <code>${result.decision?.model}</code> · result
      <code title=${result.decision?.resultHash ?? ''}>${shortId(result.decision?.resultHash ?? '')}</code>
    </p>
  </section>`;
}

