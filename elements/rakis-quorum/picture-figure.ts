import { html, nothing, svg, type SVGTemplateResult, type TemplateResult } from 'lit';
import { shortId } from '../shared/format.js';
import { describePicture, type PicturePoint, type QuorumPicture } from './picture.js';

export { quorumPicture } from './picture.js';

/** The embedding-space figure of `<rakis-quorum>`: the picture's points and sphere in SVG, its legend, and the picture in words. */

const SIZE = 240;
const MARGIN = 18;

export function renderPicture(picture: QuorumPicture, uid: string): TemplateResult | typeof nothing {
  if (picture.points.length === 0) return nothing;
  const extent = Math.max(0.05, ...picture.points.flatMap((point) => [Math.abs(point.x), Math.abs(point.y)]), ...(picture.sphere ? [Math.abs(picture.sphere.x) + picture.sphere.radius, Math.abs(picture.sphere.y) + picture.sphere.radius] : []));
  const scale = (SIZE / 2 - MARGIN) / extent;
  const at = (value: number) => SIZE / 2 + value * scale;
  const description = describePicture(picture, shortId);
  return html`<figure part="picture">
    <svg viewBox="0 0 ${SIZE} ${SIZE}" role="img" aria-labelledby="${uid}-title ${uid}-desc">
      <title id="${uid}-title">Answers in embedding space</title>
      <desc id="${uid}-desc">${description}</desc>
      ${picture.sphere ? svg`<circle class="sphere" cx=${at(picture.sphere.x)} cy=${at(picture.sphere.y)} r=${picture.sphere.radius * scale}></circle>` : nothing}
      ${picture.points.map((point) => renderPoint(point, at))}
    </svg>
    <figcaption>
      <ul class="legend" aria-hidden="true">
        <li><span class="dot member"></span>agreeing</li>
        <li><span class="dot outlier"></span>outlier</li>
        <li><span class="dot rejected"></span>rejected</li>
        <li><span class="dot chosen"></span>chosen</li>
      </ul>
      <p class="muted">${description}</p>
    </figcaption>
  </figure>`;
}
function renderPoint(point: PicturePoint, at: (value: number) => number): SVGTemplateResult {
  const x = at(point.x);
  const y = at(point.y);
  return svg`<g class="point ${point.kind}${point.chosen ? ' chosen' : ''}">
    ${point.chosen ? svg`<circle class="ring" cx=${x} cy=${y} r="11"></circle>` : nothing}
    ${point.kind === 'rejected'
      ? svg`<path d="M${x - 5} ${y - 5} L${x + 5} ${y + 5} M${x + 5} ${y - 5} L${x - 5} ${y + 5}"></path>`
      : svg`<circle cx=${x} cy=${y} r="6"></circle>`}
    <title>${shortId(point.from)}: ${point.kind}${point.chosen ? ', chosen' : ''}</title>
  </g>`;
}
