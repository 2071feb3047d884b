import { expect, test } from 'vitest';
import { Reconciler } from '../../src/node/reconciler.js';
import { createIdentity, signRequest, type DigestBody, type Packet, type WantBody } from '../../src/protocol/index.js';
import { Holdings } from '../../src/quorum/index.js';
import { FRAME, MODEL, T0 } from '../support/quorum-net.js';

// Two reconcilers wired by hand: a holder that follows a request and a node that never received it
// (its only route to the requester is through the holder).
test('a node that never received a request pulls it from a holder whose digest names it', () => {
  const requester = createIdentity();
  const request = signRequest(requester, { prompt: 'Why?', acceptedModels: [MODEL], temperature: 0, maxTokens: 16, securityFrame: FRAME }, T0);
  const requestId = request.body.requestId;
  const held = new Holdings();
  held.add(request);
  const forwarded: Packet[] = [];
  const fromHolder: (DigestBody | WantBody)[] = [];
  const fromOther: (DigestBody | WantBody)[] = [];
  const holder = new Reconciler({ self: 'holder', holdings: (id) => (id === requestId ? held : undefined), active: () => [requestId], publish: (body) => fromHolder.push(body), forward: (packet) => forwarded.push(packet) });
  const other = new Reconciler({ self: 'other', holdings: () => undefined, active: () => [], publish: (body) => fromOther.push(body), forward: () => {} });
  let now = T0;
  const exchange = () => {
    for (const body of fromHolder.splice(0)) body.type === 'digest' ? other.onDigest('holder', body, now) : other.onWant('holder', body, now);
    for (const body of fromOther.splice(0)) body.type === 'digest' ? holder.onDigest('other', body, now) : holder.onWant('other', body, now);
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
