// Runs the protocol's signature rule, and the browser's own WebCrypto Ed25519, on the CCTV vectors.
import vectors from '../../data/cctv-ed25519/ed25519vectors.json';
import { cctvVerdicts, honestVerdicts, type CctvVector, type CctvVerdicts } from '../../../testkit/cctv-ed25519.js';

declare global {
  interface Window {
    rakisCctv?: () => Promise<CctvVerdicts>;
    rakisHonest?: typeof honestVerdicts;
  }
}

window.rakisCctv = () => cctvVerdicts(vectors as CctvVector[]);
window.rakisHonest = honestVerdicts;
