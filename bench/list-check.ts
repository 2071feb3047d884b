/**
 * `npx tsx bench/list-check.ts [--entries 512]`
 *
 * What checking a reveal list whose commits this node never received costs: every entry's signature,
 * one by one with the pure rule (what the quorum did alone; the baseline), against `CommitSignatures`
 * checking them with the platform's native Ed25519 in parallel before the list reaches the quorum,
 * then the quorum's own pass over the list (cache hits). Same list, same run; prints ms and the ratio.
 */
import { performance } from 'node:perf_hooks';
import { CommitSignatures } from '../src/node/commit-signatures.js';
import { LIMITS, bytesToHex, computeInferenceId, createIdentity, signPacket, verifyPacket, verifyPacketAsync, type CommitBody, type Packet, type RevealRequestBody } from '../src/protocol/index.js';
import { parseCli } from '../testkit/cli.js';

const { values, fail } = parseCli(import.meta.url, { entries: { type: 'string', default: '512' } });
const entries = Number(values.entries);
if (!Number.isInteger(entries) || entries < 1 || entries > LIMITS.revealList) fail(`--entries must be an integer within 1..${LIMITS.revealList} (a reveal list's limit)`);
const T0 = Date.now();
const requestId = 'ab'.repeat(32);
const model = 'rakis-test/lm-mini';

const commits: Packet<CommitBody>[] = Array.from({ length: entries }, (_, i) => {
  const identity = createIdentity();
  const commitment = bytesToHex(crypto.getRandomValues(new Uint8Array(32)));
  return signPacket(identity, { type: 'commit', requestId, inferenceId: computeInferenceId(requestId, identity.synthientId, commitment), commitment, model }, T0 + i);
});
const list = signPacket<RevealRequestBody>(createIdentity(), {
  type: 'revealRequest',
  requestId,
  commits: commits.map((c) => ({ from: c.from, createdAt: c.createdAt, inferenceId: c.body.inferenceId, commitment: c.body.commitment, model, sig: c.sig })),
}, T0);

// Warm both paths (key decoding and order checks are cached per key, as in a node that saw the keys).
for (const commit of commits.slice(0, 8)) verifyPacket(commit);
await verifyPacketAsync(commits[0]!);

let start = performance.now();
const pure = commits.filter((commit) => verifyPacket(commit)).length;
const pureMs = performance.now() - start;

const signatures = new CommitSignatures(verifyPacketAsync, () => T0);
start = performance.now();
await signatures.checkList(list);
const nativeMs = performance.now() - start;
start = performance.now();
const cached = commits.filter((commit) => signatures.verify(commit)).length;
const quorumPassMs = performance.now() - start;

if (pure !== entries || cached !== entries) throw new Error(`verdicts differ: pure ${pure}, cached ${cached} of ${entries}`);
console.log(`reveal list of ${entries} unseen commits (Node ${process.version})`);
console.log(`  pure rule, one by one (baseline)   ${pureMs.toFixed(1)} ms, all on the calling thread`);
console.log(`  native, in parallel, before quorum ${nativeMs.toFixed(1)} ms, asynchronous`);
console.log(`  the quorum's pass afterwards       ${quorumPassMs.toFixed(2)} ms, synchronous`);
console.log(`  ratio baseline / native            ${(pureMs / nativeMs).toFixed(1)}×; synchronous work ${(pureMs / quorumPassMs).toFixed(0)}× less`);
