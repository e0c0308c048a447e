import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createResponse } from '../message/build.js';
import { getHeader } from '../message/headers.js';
import { serializeMessage } from '../message/serializer.js';
import type { SipRequest } from '../message/types.js';
import { harness, hdr, raw, settle } from '../stack/test-support.js';
import { SubscriptionServer, type EventPackage } from './server.js';

const pkg: EventPackage = {
  name: 'dialog',
  contentType: 'application/dialog-info+xml',
  defaultExpiresS: 3600,
  content: (s) => ({ contentType: 'application/dialog-info+xml', body: `<state of="${s.resource}"/>` }),
};

function rig(o: { maxPerSource?: number; maxSubscriptions?: number } = {}) {
  const h = harness('udp', { allow: ['SUBSCRIBE', 'NOTIFY'] });
  const server = new SubscriptionServer({
    stack: h.stack,
    clock: h.clock,
    logger: { debug() {}, info() {}, warn() {}, error() {}, child() { return this; } } as never,
    packages: [pkg],
    authorize: async () => ({ ok: true, subscriber: 'alice', resource: '1002' }),
    minExpiresS: 60,
    maxExpiresS: 3600,
    maxSubscriptions: o.maxSubscriptions ?? 100,
    maxPerSource: o.maxPerSource ?? 10,
  });
  h.stack.use(server.handler);
  const notifies = (): SipRequest[] => h.transport.sent.flatMap((s) => (s.message.kind === 'request' && s.message.method === 'NOTIFY' ? [s.message] : []));
  /** the subscriber's answer to a NOTIFY */
  const answer = (n: SipRequest, status = 200): void => h.transport.inject(serializeMessage(createResponse(n, { status })).toString('utf8').replace(/\r\n/g, '\n'));
  return { ...h, server, notifies, answer };
}

const subscribe = (o: { expires?: number; event?: string; to?: string; cseq?: number; branch?: string; callId?: string } = {}) =>
  raw({
    method: 'SUBSCRIBE',
    uri: 'sip:1002@biloxi.example.com',
    branch: o.branch ?? 'z9hG4bKsub1',
    cseq: `${o.cseq ?? 1} SUBSCRIBE`,
    ...(o.callId ? { callId: o.callId } : {}),
    ...(o.to ? { to: o.to } : {}),
    extra: [`Event: ${o.event ?? 'dialog'}`, 'Contact: <sip:alice@198.51.100.7:40000>', ...(o.expires === undefined ? [] : [`Expires: ${o.expires}`])],
  });

describe('SUBSCRIBE/NOTIFY notifier (RFC 6665)', () => {
  it('RFC 6665 4.2.1.1: an unknown event package gets 489 Bad Event with Allow-Events', async () => {
    const r = rig();
    r.transport.inject(subscribe({ event: 'presence' }));
    await settle();
    const [res] = r.transport.responses();
    assert.equal(res?.status, 489);
    assert.equal(hdr(res!, 'Allow-Events'), 'dialog');
  });

  it('RFC 6665 4.2.1.1: a new subscription gets 200 with Expires and Contact, then a NOTIFY with Subscription-State active and the body', async () => {
    const r = rig();
    r.transport.inject(subscribe({ expires: 600 }));
    await settle();
    const [res] = r.transport.responses();
    assert.equal(res?.status, 200);
    assert.equal(hdr(res!, 'Expires'), '600');
    assert.ok(hdr(res!, 'Contact'));
    const [n] = r.notifies();
    assert.equal(hdr(n!, 'Event'), 'dialog');
    assert.equal(hdr(n!, 'Subscription-State'), 'active;expires=600');
    assert.equal(hdr(n!, 'Content-Type'), 'application/dialog-info+xml');
    assert.equal(Buffer.from(n!.body).toString(), '<state of="1002"/>');
    // RFC 6665 4.1.2 / RFC 3261 12.2.1.1: the NOTIFY is in the dialog: our To-tag is its From-tag, the Call-ID the SUBSCRIBE's
    const toTag = /tag=(\w+)/.exec(hdr(res!, 'To') ?? '')?.[1];
    assert.match(hdr(n!, 'From') ?? '', new RegExp(`tag=${toTag}`));
    assert.equal(hdr(n!, 'Call-ID'), 'a84b4c76e66710@pc33.atlanta.example.com');
    assert.equal(n!.uri, 'sip:alice@198.51.100.7:40000');
  });

  it('RFC 6665 4.2.1.1: an Expires below the minimum gets 423 with Min-Expires; above the maximum it is shortened', async () => {
    const r = rig();
    r.transport.inject(subscribe({ expires: 10 }));
    r.transport.inject(subscribe({ expires: 99999, branch: 'z9hG4bKsub2', callId: 'other' }));
    await settle();
    const [a, b] = r.transport.responses();
    assert.equal(a?.status, 423);
    assert.equal(hdr(a!, 'Min-Expires'), '60');
    assert.equal(b?.status, 200);
    assert.equal(hdr(b!, 'Expires'), '3600');
  });

  it('RFC 6665 4.2.2: when the subscription expires unrefreshed, a NOTIFY says terminated;reason=timeout and it is gone', async () => {
    const r = rig();
    r.transport.inject(subscribe({ expires: 120 }));
    await settle();
    r.answer(r.notifies()[0]!);
    await settle();
    r.clock.advance(120_000);
    await settle();
    const last = r.notifies().at(-1)!;
    assert.equal(hdr(last, 'Subscription-State'), 'terminated;reason=timeout');
    assert.equal(r.server.size, 0);
  });

  it('RFC 6665 4.2.1.2 / 4.2.1.4: an in-dialog refresh restarts the expiry and gets a NOTIFY; Expires 0 ends it with a terminated NOTIFY', async () => {
    const r = rig();
    r.transport.inject(subscribe({ expires: 120 }));
    await settle();
    const toTag = /tag=(\w+)/.exec(hdr(r.transport.responses()[0]!, 'To') ?? '')?.[1];
    r.answer(r.notifies()[0]!);
    r.clock.advance(100_000);
    r.transport.inject(subscribe({ expires: 120, cseq: 2, branch: 'z9hG4bKref', to: `Bob <sip:bob@biloxi.example.com>;tag=${toTag}` }));
    await settle();
    assert.deepEqual(r.transport.statuses(), [200, 200]);
    assert.equal(hdr(r.notifies()[1]!, 'Subscription-State'), 'active;expires=120');
    r.answer(r.notifies()[1]!);
    r.clock.advance(100_000);
    await settle();
    assert.equal(r.server.size, 1, 'the refresh moved the expiry');
    r.transport.inject(subscribe({ expires: 0, cseq: 3, branch: 'z9hG4bKun', to: `Bob <sip:bob@biloxi.example.com>;tag=${toTag}` }));
    await settle();
    assert.equal(hdr(r.notifies()[2]!, 'Subscription-State'), 'terminated');
    assert.equal(r.server.size, 0);
    // RFC 6665 4.2.1.2: a refresh of a subscription that no longer exists gets 481
    r.transport.inject(subscribe({ expires: 120, cseq: 4, branch: 'z9hG4bKlate', to: `Bob <sip:bob@biloxi.example.com>;tag=${toTag}` }));
    await settle();
    assert.equal(r.transport.statuses().at(-1), 481);
  });

  it('RFC 6665 4.2.2: a 481 to a NOTIFY removes the subscription', async () => {
    const r = rig();
    r.transport.inject(subscribe({ expires: 600 }));
    await settle();
    r.answer(r.notifies()[0]!, 481);
    await settle();
    assert.equal(r.server.size, 0);
  });

  it('limits: subscriptions beyond the per-source cap get 503 with Retry-After and are not kept', async () => {
    const r = rig({ maxPerSource: 2 });
    for (let i = 0; i < 3; i++) r.transport.inject(subscribe({ expires: 600, branch: `z9hG4bKs${i}`, callId: `c${i}` }));
    await settle();
    // arriving together: the third is refused even while the first two are still being authorised
    assert.deepEqual(r.transport.statuses().sort(), [200, 200, 503]);
    assert.equal(getHeader(r.transport.responses().find((x) => x.status === 503)!, 'Retry-After'), '60');
    assert.equal(r.server.size, 2);
  });

  it('RFC 6665 4.2.2: state changes go to each subscription of the resource, one NOTIFY at a time in CSeq order', async () => {
    const r = rig();
    r.transport.inject(subscribe({ expires: 600 }));
    await settle();
    r.server.notify({ package: 'dialog', resource: '1002', content: () => ({ contentType: 'application/dialog-info+xml', body: 'a' }) });
    r.server.notify({ package: 'dialog', resource: '1002', content: () => ({ contentType: 'application/dialog-info+xml', body: 'b' }) });
    await settle();
    assert.equal(r.notifies().length, 1, 'the next NOTIFY waits for the answer to the one in flight');
    r.answer(r.notifies()[0]!);
    await settle();
    r.answer(r.notifies()[1]!);
    await settle();
    const cseqs = r.notifies().map((n) => Number(hdr(n, 'CSeq')?.split(' ')[0]));
    assert.deepEqual(r.notifies().map((n) => Buffer.from(n.body).toString()).slice(1), ['a', 'b']);
    assert.ok(cseqs[0]! < cseqs[1]! && cseqs[1]! < cseqs[2]!);
  });
});
