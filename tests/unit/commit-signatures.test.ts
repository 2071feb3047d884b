import { expect, test } from 'vitest';
import { CommitSignatures } from '../../src/node/commit-signatures.js';
import { bytesToHex, computeInferenceId, createIdentity, signPacket, verifyPacketAsync, type CommitBody, type CommitEntry, type Packet, type RevealRequestBody } from '../../src/protocol/index.js';

const T0 = 1_800_000_000_000;
const requestId = 'ab'.repeat(32);
const model = 'rakis-test/lm-mini';

function signedCommit(i: number): Packet<CommitBody> {
  const identity = createIdentity();
  const commitment = bytesToHex(crypto.getRandomValues(new Uint8Array(32)));
  return signPacket(identity, { type: 'commit', requestId, inferenceId: computeInferenceId(requestId, identity.synthientId, commitment), commitment, model }, T0 + i);
}
const entryOf = (commit: Packet<CommitBody>): CommitEntry => ({ from: commit.from, createdAt: commit.createdAt, inferenceId: commit.body.inferenceId, commitment: commit.body.commitment, model, sig: commit.sig });

test("a list's unseen commits are checked once each, in parallel, and then pass the quorum's check", async () => {
  const commits = Array.from({ length: 6 }, (_, i) => signedCommit(i));
  let checks = 0;
  const signatures = new CommitSignatures(
    (packet) => {
      checks++;
      return verifyPacketAsync(packet);
    },
    () => T0,
  );
  // Two commits came as packets (the mesh verified them): only the other four are checked.
  signatures.accepted(commits[0]!);
  signatures.accepted(commits[1]!);
  const list = signPacket<RevealRequestBody>(createIdentity(), { type: 'revealRequest', requestId, commits: commits.map(entryOf) }, T0 + 10);
  await signatures.checkList(list);
  expect(checks).toBe(4);
  for (const commit of commits) expect(signatures.verify(commit)).toBe(true);
  await signatures.checkList(list);
  expect(checks).toBe(4);
});

test('a checked signature does not vouch for other fields under it, and a bad one is never remembered', async () => {
  const commit = signedCommit(0);
  const signatures = new CommitSignatures(verifyPacketAsync, () => T0);
  const forged = { ...entryOf(commit), commitment: 'cd'.repeat(32) };
  forged.inferenceId = computeInferenceId(requestId, commit.from, forged.commitment);
  const list = signPacket<RevealRequestBody>(createIdentity(), { type: 'revealRequest', requestId, commits: [entryOf(commit), forged] }, T0 + 10);
  await signatures.checkList(list);
  expect(signatures.verify(commit)).toBe(true);
  const reused: Packet<CommitBody> = { ...commit, body: { ...commit.body, commitment: forged.commitment, inferenceId: forged.inferenceId } };
  expect(signatures.verify(reused)).toBe(false);
  expect(signatures.verify({ ...commit, createdAt: commit.createdAt + 1 })).toBe(false);
});
