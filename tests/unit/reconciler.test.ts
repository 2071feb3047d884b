import { expect, test } from 'vitest';
import { Reconciler } from '../../src/node/reconciler.js';
import { checkBody, computeInferenceId, createIdentity, signPacket, signRequest, type CommitBody, type DigestBody, type DigestsBody, type Packet, type WantBody } from '../../src/protocol/index.js';
import { Holdings } from '../../src/quorum/index.js';
import { FRAME, MODEL, T0 } from '../support/quorum-net.js';

/** A signed request and holdings that keep it. */
function heldRequest(prompt: string) {
  const request = signRequest(createIdentity(), { prompt, acceptedModels: [MODEL], temperature: 0, maxTokens: 16, securityFrame: FRAME }, T0);
  const held = new Holdings();
  held.add(request);
  return { request, requestId: request.body.requestId, held };
}

// Two reconcilers wired by hand: a holder that follows a request and a node that never received it
// (its only route to the requester is through the holder).
test('a node that never received a request pulls it from a holder whose digest names it', () => {
  const { request, requestId, held } = heldRequest('Why?');
  const forwarded: Packet[] = [];
  const fromHolder: (DigestBody | DigestsBody | WantBody)[] = [];
  const fromOther: (DigestBody | DigestsBody | WantBody)[] = [];
  const holder = new Reconciler({ self: 'holder', holdings: (id) => (id === requestId ? held : undefined), active: () => [requestId], publish: (body) => fromHolder.push(body), forward: (packet) => forwarded.push(packet) });
  const other = new Reconciler({ self: 'other', holdings: () => undefined, active: () => [], publish: (body) => fromOther.push(body), forward: () => {} });
  let now = T0;
  const deliver = (to: Reconciler, from: string, body: DigestBody | DigestsBody | WantBody) => {
    if (body.type === 'digest') to.onDigest(from, body, now);
    else if (body.type === 'digests') to.onDigests(from, body, now);
    else to.onWant(from, body, now);
  };
  const exchange = () => {
    for (const body of fromHolder.splice(0)) deliver(other, 'holder', body);
    for (const body of fromOther.splice(0)) deliver(holder, 'other', body);
  };
  for (let step = 0; step < 20 && forwarded.length === 0; step++) {
    now += 200;
    holder.tick(now);
    other.tick(now);
    exchange();
    exchange();
  }
  expect(forwarded).toEqual([request]);
});

test('small digests of every request followed go out together, at most 64 to a packet, each a valid body', () => {
  const requester = createIdentity();
  const held = new Map<string, Holdings>();
  for (let i = 0; i < 100; i++) {
    const request = signRequest(requester, { prompt: `Why ${i}?`, acceptedModels: [MODEL], temperature: 0, maxTokens: 16, securityFrame: FRAME }, T0);
    const holdings = new Holdings();
    holdings.add(request);
    held.set(request.body.requestId, holdings);
  }
  const sent: (DigestBody | DigestsBody | WantBody)[] = [];
  const node = new Reconciler({ self: 'node', holdings: (id) => held.get(id), active: () => [...held.keys()], publish: (body) => sent.push(body), forward: () => {} });
  node.tick(T0 + 200);
  expect(sent.map((body) => body.type)).toEqual(['digests', 'digests']);
  const entries = sent.flatMap((body) => (body as DigestsBody).entries);
  expect(entries.map((entry) => entry.requestId).sort()).toEqual([...held.keys()].sort());
  for (const body of sent) expect(checkBody(body)).toBeUndefined();
  // A peer that never received these requests hears all 100 from the two packets, and says it holds nothing of each.
  const replies: (DigestBody | DigestsBody | WantBody)[] = [];
  const peer = new Reconciler({ self: 'peer', holdings: () => undefined, active: () => [], publish: (body) => replies.push(body), forward: () => {} });
  for (const body of sent) peer.onDigests('node', body as DigestsBody, T0 + 300);
  peer.tick(T0 + 400);
  expect(replies.flatMap((body) => (body as DigestsBody).entries).map((entry) => entry.count)).toEqual(Array(100).fill(0));
});

test('a request this node turned down is neither answered nor pulled back', () => {
  const { request, requestId, held } = heldRequest('Again?');
  const sent: (DigestBody | DigestsBody | WantBody)[] = [];
  const node = new Reconciler({ self: 'node', holdings: () => undefined, refuses: (id) => id === requestId, active: () => [], publish: (body) => sent.push(body), forward: () => {} });
  const { ids, count, hash } = held.summary();
  node.onDigest('holder', { type: 'digest', requestId, count, hash }, T0);
  node.onDigest('holder', { type: 'digest', requestId, count, hash, ids }, T0 + 1);
  for (let now = T0 + 200; now < T0 + 5_000; now += 200) node.tick(now);
  expect(sent).toEqual([]);
});

test('a node that does not speak for a request stays quiet while it hears those who do, and speaks up once it stays behind them', () => {
  const { request, requestId, held } = heldRequest('Quiet?');
  const sent: (DigestBody | DigestsBody | WantBody)[] = [];
  const quiet = new Reconciler({ self: 'quiet', holdings: () => held, speaks: () => false, active: () => [requestId], publish: (body) => sent.push(body), forward: () => {} });
  const { count, hash } = held.summary();
  let now = T0;
  // A speaker announcing the same holdings every second: nothing to say, however long.
  for (; now < T0 + 20_000; now += 200) {
    if ((now - T0) % 1_000 === 0) quiet.onDigest('speaker', { type: 'digest', requestId, count, hash }, now);
    quiet.tick(now);
  }
  quiet.peerJoined();
  quiet.tick((now += 200));
  expect(sent).toEqual([]);
  // The speaker now holds one packet more: in flight at first, so the quiet node waits, then asks by announcing its digest.
  quiet.onDigest('speaker', { type: 'digest', requestId, count: count + 1, hash: 'ff'.repeat(32) }, now);
  quiet.tick((now += 200));
  expect(sent).toEqual([]);
  for (let i = 0; i < 6; i++) quiet.tick((now += 200));
  expect(sent.flatMap((body) => (body.type === 'digests' ? body.entries : []))).toEqual([{ requestId, count, hash }]);
});

test('a quiet node does not answer a speaker with its ids; a speaker answers a quiet node', () => {
  const { request, requestId, held } = heldRequest('Who answers?');
  const empty = new Holdings().summary();
  const fromQuiet: (DigestBody | DigestsBody | WantBody)[] = [];
  const fromSpeaker: (DigestBody | DigestsBody | WantBody)[] = [];
  const speakers = new Set(['speaker']);
  const speaks = (self: string) => (_id: string, node?: string) => speakers.has(node ?? self);
  const quiet = new Reconciler({ self: 'quiet', holdings: () => held, speaks: speaks('quiet'), active: () => [requestId], publish: (body) => fromQuiet.push(body), forward: () => {} });
  const speaker = new Reconciler({ self: 'speaker', holdings: () => held, speaks: speaks('speaker'), active: () => [requestId], publish: (body) => fromSpeaker.push(body), forward: () => {} });
  quiet.onDigest('speaker', { type: 'digest', requestId, count: 0, hash: empty.hash }, T0);
  expect(fromQuiet).toEqual([]);
  speaker.onDigest('quiet', { type: 'digest', requestId, count: 0, hash: empty.hash }, T0);
  expect(fromSpeaker).toMatchObject([{ type: 'digest', requestId, ids: held.summary().ids }]);
});

// One quiet node's digest used to draw a full digest from every quiet node that held more: traffic per
// node grew with the network. Now quiet nodes answer only a quiet node that has heard no speaker.
test('a quiet node answers another quiet node only when that one says it hears nobody who speaks', () => {
  const { request, requestId, held } = heldRequest('Alone?');
  const empty = new Holdings().summary();
  const sent: (DigestBody | DigestsBody | WantBody)[] = [];
  const quiet = new Reconciler({ self: 'quiet', holdings: () => held, speaks: () => false, active: () => [requestId], publish: (body) => sent.push(body), forward: () => {} });
  quiet.onDigests('other', { type: 'digests', entries: [{ requestId, count: 0, hash: empty.hash }] }, T0);
  expect(sent).toEqual([]);
  quiet.onDigests('other', { type: 'digests', entries: [{ requestId, count: 0, hash: empty.hash, alone: true }] }, T0 + 1);
  expect(sent).toMatchObject([{ type: 'digest', requestId, ids: held.summary().ids }]);

  // And it marks its own digest so once it has heard nobody for a while.
  const lonely: (DigestBody | DigestsBody | WantBody)[] = [];
  const cutOff = new Reconciler({ self: 'cut-off', holdings: () => held, speaks: () => false, active: () => [requestId], publish: (body) => lonely.push(body), forward: () => {} });
  for (let now = T0; now <= T0 + 12_000; now += 200) cutOff.tick(now);
  const entries = lonely.flatMap((body) => (body.type === 'digests' ? body.entries : []));
  expect(entries[0]).toMatchObject({ requestId, alone: true });
  for (const body of lonely) expect(checkBody(body)).toBeUndefined();
});

/** A commit to the request, signed by a fresh committer. */
function commitTo(requestId: string): Packet<CommitBody> {
  const commitment = '11'.repeat(32);
  const committer = createIdentity();
  return signPacket(committer, { type: 'commit', requestId, inferenceId: computeInferenceId(requestId, committer.synthientId, commitment), commitment, model: MODEL }, T0 + 1_000);
}

test('a node does not ask for a packet it received and refused (a commit late for it, in time for the holder)', () => {
  const { request, requestId, held } = heldRequest('Late?');
  const late = commitTo(requestId);
  held.add(late);
  const mine = new Holdings();
  mine.add(request);
  mine.refuse(late);
  const sent: (DigestBody | DigestsBody | WantBody)[] = [];
  const node = new Reconciler({ self: 'node', holdings: (id) => (id === requestId ? mine : undefined), active: () => [requestId], publish: (body) => sent.push(body), forward: () => {} });
  const summary = held.summary();
  for (let step = 1; step <= 10; step++) {
    node.onDigest('holder', { type: 'digest', requestId, count: summary.count, hash: summary.hash, ids: summary.ids }, T0 + step * 600);
    node.tick(T0 + step * 600);
  }
  expect(sent.filter((body) => body.type === 'want')).toEqual([]);
});

test('once a reveal list is fixed, unlisted commits are forgotten and refused; listed ones and a held packet refused again stay', () => {
  const { requestId, held } = heldRequest('Listed?');
  const listed = commitTo(requestId);
  const unlisted = commitTo(requestId);
  const listedId = held.add(listed);
  const unlistedId = held.add(unlisted);
  held.refuse(listed);
  held.forgetUnlisted(new Set([listed.body.inferenceId]));
  expect(held.has(listedId)).toBe(true);
  expect(held.refuses(listedId)).toBe(false);
  expect(held.has(unlistedId)).toBe(false);
  expect(held.refuses(unlistedId)).toBe(true);
});
