import { html, nothing, type TemplateResult } from 'lit';
import type { QuorumSnapshot } from '../../src/node/index.js';
import { shortId } from '../shared/format.js';
import { modelAgreement } from './model-agreement.js';
import { renderFieldAgreement, renderJsonAnswer } from '../shared/json-answer.js';
import { REJECTED } from './quorum-view.js';

/** The tables of `<rakis-quorum>`, drawn from the node's snapshot of the request: commits, reveals, rejections, the decision. */

export function renderCommits(snapshot: QuorumSnapshot, uid: string): TemplateResult {
  const flagged = new Set(snapshot.flagged);
  return html`<section part="commits" aria-labelledby="${uid}-commits">
    <h3 id="${uid}-commits">Commits (${snapshot.commits.length})</h3>
    ${snapshot.commits.length === 0
      ? html`<p class="muted">None yet.</p>`
      : html`<table>
          <thead><tr><th scope="col">Node</th><th scope="col">Model</th><th scope="col">Commitment</th></tr></thead>
          <tbody>
            ${snapshot.commits.map(
              (commit) => html`<tr>
                <td><code title=${commit.from}>${shortId(commit.from)}</code>${flagged.has(commit.from) ? html` <span class="flag">committed twice</span>` : nothing}</td>
                <td>${commit.model}</td>
                <td><code title=${commit.commitment}>${shortId(commit.commitment)}</code></td>
              </tr>`,
            )}
          </tbody>
        </table>`}
  </section>`;
}
export function renderReveals(snapshot: QuorumSnapshot, uid: string): TemplateResult | typeof nothing {
  if (!snapshot.list && snapshot.reveals.length === 0) return nothing;
  return html`<section part="reveals" aria-labelledby="${uid}-reveals">
    <h3 id="${uid}-reveals">Reveals (${snapshot.reveals.length}${snapshot.list ? ` of ${snapshot.list.inferenceIds.length}` : ''})</h3>
    <table>
      <thead><tr><th scope="col">Node</th><th scope="col">Status</th><th scope="col">Answer</th></tr></thead>
      <tbody>
        ${snapshot.reveals.map(
          (reveal) => html`<tr>
            <td><code title=${reveal.from}>${shortId(reveal.from)}</code></td>
            <td class="status ${reveal.status}">${reveal.status}${reveal.rejection ? html`: ${reveal.rejection.reason}` : nothing}</td>
            <td class="output">${reveal.output}</td>
          </tr>`,
        )}
      </tbody>
    </table>
  </section>`;
}
export function renderRejections(snapshot: QuorumSnapshot, uid: string): TemplateResult | typeof nothing {
  const entries = snapshot.rejections;
  if (entries.length === 0) return nothing;
  return html`<section part="rejections" aria-labelledby="${uid}-rejections">
    <h3 id="${uid}-rejections">Rejections</h3>
    <ul>
      ${entries.map((entry) => html`<li><code title=${entry.from}>${shortId(entry.from)}</code> ${REJECTED[entry.kind]}: <strong>${entry.reason}</strong>${entry.detail ? ` — ${entry.detail}` : ''}</li>`)}
    </ul>
  </section>`;
}
export function renderDecision(snapshot: QuorumSnapshot): TemplateResult | typeof nothing {
  if (snapshot.failure) {
    return html`<section part="decision" class="error" role="status">
      <strong>Failed: ${snapshot.failure.reason}</strong>${snapshot.failure.explanation}
    </section>`;
  }
  const decision = snapshot.decision;
  if (!decision) return nothing;
  const attestations = snapshot.attestations.find((entry) => entry.resultHash === decision.resultHash)?.count ?? 0;
  const others = snapshot.attestations.filter((entry) => entry.resultHash !== decision.resultHash);
  return html`<section part="decision" class="decision" role="status">
    <h3>Decided (${decision.basis === 'verified' ? 'verified here' : 'adopted from attestations'})</h3>
    ${snapshot.responseSchema ? renderJsonAnswer(decision.output, snapshot.responseSchema, decision.json, 'answer') : html`<blockquote>${decision.output}</blockquote>`}
    <p>
      From <code title=${decision.chosenFrom}>${shortId(decision.chosenFrom)}</code> · <code>${decision.model}</code> · result
      <code title=${decision.resultHash}>${shortId(decision.resultHash)}</code> · <strong>${attestations}</strong>
      ${attestations === 1 ? 'attestation' : 'attestations'}
      ${others.length > 0 ? html` · <span class="flag">${others.reduce((sum, entry) => sum + entry.count, 0)} attested another result</span>` : nothing}
    </p>
    ${renderModelAgreement(snapshot)}
    ${decision.json ? renderFieldAgreement(decision.json, 'fields') : nothing}
  </section>`;
}

/** With several embedding models: how many verified answers each model alone puts near the centre (the cluster needs all). */
function renderModelAgreement(snapshot: QuorumSnapshot): TemplateResult | typeof nothing {
  const agreement = modelAgreement(snapshot);
  if (!agreement) return nothing;
  return html`<p class="model-agreement">
    Close to the centre in each model:
    ${agreement.map(({ model, bits, agreeing, of }, i) => html`${i > 0 ? ' · ' : ''}<code>${model}</code> (${bits} bits) <strong>${agreeing}</strong> of ${of}`)};
    in every model: <strong>${snapshot.decision!.validInferenceIds.length}</strong>
  </p>`;
}
