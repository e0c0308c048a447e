// Acceptance (issue 10): the dial plan, ring groups, forwarding and DND written through the API and
// exercised by node-sip phones (test/helpers/sip-ua.ts), an implementation independent of Hailing's
// SIP stack. Expected statuses come from RFC 3261 (486 busy, 487 after CANCEL, 482 loop); the
// forwarded and ring-group INVITEs name where the call has been (RFC 7044 History-Info, RFC 5806
// Diversion), read back with node-sip's own URI parser.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startHailing, type HailingProcess } from './helpers/hailing-process.js';
import { freePort } from './helpers/ports.js';
import { assertRecord, finalCallRecord } from './helpers/cdrs.js';
import { startSipUa, type IncomingScript, type OutgoingCall, type SipMessage, type SipUa } from './helpers/sip-ua.js';
import { sip } from './helpers/node-sip.js';
import { within } from './helpers/waiting.js';

const DOMAIN = '127.0.0.1';
const PHONES = '127.0.0.7';
const password = (n: string) => `pw-${n}-secret`;

/**
 * What a callee reads of where its call has been, parsed by node-sip (which joins repeated
 * headers with commas): RFC 7044 hi-entries (user, RFC 4458 cause, the escaped Reason, index, mp)
 * and RFC 5806 Diversion (user, reason), both as text for one assertion each.
 */
function retargeting(invite: SipMessage): { history: string[]; diversion: string[] } {
  const entries = (header: string) => [...String(invite.headers[header] ?? '').matchAll(/<([^>]*)>([^,]*)/g)].map(([, uri, params]) => ({ uri: sip.parseUri(uri!), params: params! }));
  const param = (params: string, name: string) => new RegExp(`;${name}=([^;]+)`).exec(params)?.[1];
  return {
    history: entries('history-info').map(({ uri, params }) => {
      const reason = uri?.headers.Reason === undefined ? '' : ` (${decodeURIComponent(uri.headers.Reason)})`;
      const cause = uri?.params.cause ? ` cause=${uri.params.cause}` : '';
      const mp = param(params, 'mp');
      return `${param(params, 'index')} ${uri?.user}${cause}${reason}${mp ? ` mp=${mp}` : ''}`;
    }),
    diversion: entries('diversion').map(({ uri, params }) => `${uri?.user} ${param(params, 'reason')}`),
  };
}

describe('the dial plan, ring groups, forwarding and DND with node-sip phones', () => {
  let server: HailingProcess;
  const uas: SipUa[] = [];
  const phone = async (number: string, incoming: IncomingScript) => {
    const u = await startSipUa({ address: PHONES, port: await freePort(PHONES), domain: DOMAIN, server: { host: '127.0.0.1', port: server.ports.sip }, incoming });
    uas.push(u);
    assert.equal(await u.register({ user: number, password: password(number) }), 200);
    return u;
  };
  const callFrom = async (from: string, to: string) => {
    const u = await startSipUa({ address: PHONES, port: await freePort(PHONES), domain: DOMAIN, server: { host: '127.0.0.1', port: server.ports.sip } });
    uas.push(u);
    return u.call({ to, user: from, password: password(from) });
  };
  const finalOf = (call: OutgoingCall) => within(call.final, 15_000, 'the final response to the INVITE');
  const handling = async (number: string, settings: object) => {
    const r = await server.api('PUT', `/api/v1/extensions/${number}/call-handling`, settings);
    assert.equal(r.status, 200, JSON.stringify(r.body));
  };

  before(async () => {
    server = await startHailing({ env: { HAILING_MEDIA_TIMEOUT_MS: '60000' } });
    for (const n of ['1001', '1002', '1003', '1004', '1005', '1006', '1007', '1008', '1009']) {
      const r = await server.api('POST', '/api/v1/extensions', { number: n, password: password(n), displayName: `Ext ${n}` });
      assert.equal(r.status, 201, JSON.stringify(r.body));
    }
  });
  after(async () => {
    for (const u of uas) await u.close();
    await server?.kill('SIGKILL');
  });

  it('DND: the caller gets 486 without the phone ringing; the record says dnd and lists the handler', { timeout: 40_000 }, async () => {
    const callee = await phone('1002', { kind: 'answer' });
    await handling('1002', { dnd: true });
    const call = await callFrom('1001', '1002');
    assert.equal((await finalOf(call)).status, 486);
    const r = await finalCallRecord({ api: server.api, number: '1001', callId: call.callId });
    assertRecord(r, { disposition: 'BUSY', hangupCause: 'dnd', sipStatus: 486 });
    assert.deepEqual((r as unknown as { routing: { handlers: string[] } }).routing.handlers, ['dial-extension']);
    await handling('1002', { dnd: false });
    void callee;
  });

  it('forward on busy: 1003 answers 486 and the call rings 1004, which answers', { timeout: 40_000 }, async () => {
    await phone('1003', { kind: 'reject', status: 486, reason: 'Busy Here' });
    const target = await phone('1004', { kind: 'answer' });
    await handling('1003', { forwardBusy: '1004' });
    const call = await callFrom('1001', '1003');
    const incoming = await within(target.nextIncoming(), 15_000, 'the forwarded INVITE at 1004');
    assert.match(String(incoming.invite.headers.to?.uri), /^sip:1004@/);
    // RFC 7044 / RFC 4458 / RFC 5806: the number dialled, why it was left, and the new target
    assert.deepEqual(retargeting(incoming.invite), { history: ['1 1003 (SIP;cause=486;text="Busy Here")', '1.1 1004 cause=486 mp=1'], diversion: ['1003 user-busy'] });
    assert.equal((await finalOf(call)).status, 200);
  });

  it('forward on no answer: 1005 rings for its 2 s, gets CANCEL, and 1006 answers', { timeout: 40_000 }, async () => {
    const first = await phone('1005', { kind: 'ring' });
    const target = await phone('1006', { kind: 'answer' });
    await handling('1005', { forwardNoAnswer: '1006', noAnswerS: 2 });
    const call = await callFrom('1001', '1005');
    const ringing = await within(first.nextIncoming(), 15_000, 'the INVITE at 1005');
    assert.deepEqual(retargeting(ringing.invite), { history: [], diversion: [] }, 'the first target was not retargeted to');
    await within(ringing.cancel, 15_000, 'CANCEL at 1005 after its ring time');
    const forwarded = await within(target.nextIncoming(), 15_000, 'the forwarded INVITE at 1006');
    assert.deepEqual(retargeting(forwarded.invite), { history: ['1 1005 (SIP;cause=408;text="Request Timeout")', '1.1 1006 cause=408 mp=1'], diversion: ['1005 no-answer'] });
    assert.equal((await finalOf(call)).status, 200);
  });

  it('a forward loop (1007 → 1008 → 1007 …) stops after a bounded number of hops with 482 and the cause forward-loop', { timeout: 40_000 }, async () => {
    await handling('1007', { forwardAlways: '1008' });
    await handling('1008', { forwardAlways: '1007' });
    const call = await callFrom('1001', '1007');
    assert.equal((await finalOf(call)).status, 482);
    assertRecord(await finalCallRecord({ api: server.api, number: '1001', callId: call.callId }), { hangupCause: 'forward-loop', sipStatus: 482 });
  });

  it('a sequential ring group written through the API: the first member rings out and gets CANCEL, the second answers; /resolve shows the plan', { timeout: 60_000 }, async () => {
    const member1 = await phone('1009', { kind: 'ring' });
    const member2 = await phone('1002', { kind: 'answer' });
    const entry = await server.api('POST', '/api/v1/dialplan', { pattern: '_60X', steps: [{ kind: 'ring-group', strategy: 'sequential', members: ['1009', '1002'], memberTimeoutS: 2 }] });
    assert.equal(entry.status, 201, JSON.stringify(entry.body));
    const resolved = await server.api<{ steps: { destination: { kind: string } }[]; trace: { result: string; pattern: string }[] }>('GET', '/api/v1/dialplan/resolve?from=1001&to=601');
    assert.deepEqual(resolved.body.steps.map((s) => s.destination.kind), ['ring-group']);
    assert.deepEqual(resolved.body.trace.map((t) => [t.pattern, t.result]), [['_60X', 'matched']]);
    const call = await callFrom('1001', '601');
    const rung = await within(member1.nextIncoming(), 15_000, 'the INVITE at the first member');
    await within(rung.cancel, 15_000, 'CANCEL at the first member after its timeout');
    const second = await within(member2.nextIncoming(), 15_000, 'the INVITE at the second member');
    // each member is told the group's number was dialled and mapped to it (RFC 7044 mp, no cause)
    assert.deepEqual(retargeting(rung.invite), { history: ['1 601', '1.1 1009 mp=1'], diversion: ['601 unknown'] });
    assert.deepEqual(retargeting(second.invite), { history: ['1 601', '1.1 1002 mp=1'], diversion: ['601 unknown'] });
    assert.equal((await finalOf(call)).status, 200);
  });
});
