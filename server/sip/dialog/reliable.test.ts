// RFC 3262 on the UAS side and RFC 4028's negotiation and timers, on the fake clock. Expected values
// are the RFCs' (intervals, header values, statuses), never our own output.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseMessage } from '../message/parser.js';
import type { SipRequest, SipResponse } from '../message/types.js';
import { FakeClock } from '../clock.js';
import { DEFAULT_TIMER_VALUES } from '../transaction/timers.js';
import { parseRAck, ReliableProvisionals, reliability } from './reliable.js';
import { negotiateRequest, parseSessionExpires, readResponse, SessionTimer } from './session-timer.js';

function request(lines: string[]): SipRequest {
  const text = ['INVITE sip:1002@pbx.test SIP/2.0', 'Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-1', 'From: <sip:1001@pbx.test>;tag=a', 'To: <sip:1002@pbx.test>', 'Call-ID: c1', 'CSeq: 7 INVITE', ...lines, 'Content-Length: 0', '', ''].join('\r\n');
  const r = parseMessage(Buffer.from(text));
  assert.ok(r.ok && r.value.kind === 'request');
  return r.value as SipRequest;
}
const prack = (rack: string) => request([`RAck: ${rack}`]);

describe('RFC 3262 reliable provisional responses (UAS)', () => {
  it('§3: Require: 100rel asks for reliability, Supported: 100rel allows it (compact k too)', () => {
    assert.equal(reliability(request(['Require: 100rel'])), 'required');
    assert.equal(reliability(request(['k: timer, 100rel'])), 'supported');
    assert.equal(reliability(request([])), 'none');
  });

  it('§7.2: RAck is response-num CSeq-num Method', () => {
    assert.deepEqual(parseRAck('776656 1 INVITE'), { rseq: 776656, cseq: 1, method: 'INVITE' });
    assert.equal(parseRAck('1 INVITE'), undefined);
  });

  it('§3: the 1xx carries Require: 100rel and RSeq, is retransmitted at T1, 2T1, 4T1 ... until the PRACK, and RSeq rises by exactly one', () => {
    const clock = new FakeClock();
    const sent: number[] = [];
    const rseqs: string[] = [];
    const rel = new ReliableProvisionals({ clock, timers: DEFAULT_TIMER_VALUES, inviteCseq: 7, onTimeout: () => assert.fail('no timeout'), firstRSeq: 41 });
    rel.send((headers) => {
      sent.push(clock.now());
      assert.deepEqual(headers.find((h) => h.name === 'Require')?.value, '100rel');
      rseqs.push(headers.find((h) => h.name === 'RSeq')!.value);
    });
    const start = clock.now();
    clock.advance(500 + 1000 + 2000);
    assert.deepEqual(sent.map((t) => t - start), [0, 500, 1500, 3500]);
    // a second reliable 1xx waits for the first's PRACK (§3)
    rel.send(() => rseqs.push('second'));
    assert.equal(rseqs.length, 4);
    assert.equal(rel.prack(prack('41 6 INVITE')), 'no-match', 'RAck names another INVITE');
    assert.equal(rel.prack(prack('41 7 INVITE')), 'ok');
    assert.equal(rseqs.at(-1), 'second', 'the queued 1xx goes out on the PRACK');
    clock.advance(4000);
    assert.equal(sent.length, 4, 'no retransmission of the acknowledged one');
    assert.equal(rel.prack(prack('43 7 INVITE')), 'no-match', 'no response had RSeq 43');
    assert.equal(rel.prack(prack('42 7 INVITE')), 'ok');
    assert.deepEqual(rseqs.slice(0, 1), ['41']);
  });

  it('§3: with no PRACK after 64*T1 the UAS gives up (it then rejects the INVITE with 5xx)', () => {
    const clock = new FakeClock();
    let timedOut = 0;
    const rel = new ReliableProvisionals({ clock, timers: DEFAULT_TIMER_VALUES, inviteCseq: 1, onTimeout: () => timedOut++ });
    rel.send(() => {});
    clock.advance(64 * 500 - 1);
    assert.equal(timedOut, 0);
    clock.advance(1);
    assert.equal(timedOut, 1);
  });
});

describe('RFC 4028 session timers', () => {
  const policy = { interval: 1800, minSe: 90 };
  const header = (n: ReturnType<typeof negotiateRequest>, name: string) => (n.kind === 'reject' || n.kind === 'accept' ? n.headers.find((h) => h.name === name)?.value : undefined);

  it('§4: Session-Expires is delta-seconds with an optional refresher', () => {
    assert.deepEqual(parseSessionExpires('4000;refresher=uac'), { interval: 4000, refresher: 'uac' });
    assert.deepEqual(parseSessionExpires('1800'), { interval: 1800 });
    assert.equal(parseSessionExpires('soon'), undefined);
  });

  it('§9: an interval below our Min-SE from a UAC that supports timers gets 422 with Min-SE', () => {
    const n = negotiateRequest(request(['Supported: timer', 'Session-Expires: 60']), policy);
    assert.equal(n.kind, 'reject');
    assert.equal(header(n, 'Min-SE'), '90');
  });

  it('§9: the 2xx keeps the refresher the UAC named and requires timer; without a name the UAC refreshes', () => {
    const uas = negotiateRequest(request(['Supported: timer', 'Session-Expires: 600;refresher=uas']), policy);
    assert.equal(header(uas, 'Session-Expires'), '600;refresher=uas');
    assert.equal(header(uas, 'Require'), 'timer');
    const unnamed = negotiateRequest(request(['Supported: timer']), policy);
    assert.equal(header(unnamed, 'Session-Expires'), '1800;refresher=uac');
  });

  it('§9: a UAC without the extension: refresher is uas, no Require, a small interval raised to Min-SE', () => {
    const n = negotiateRequest(request(['Session-Expires: 60']), policy);
    assert.equal(header(n, 'Session-Expires'), '90;refresher=uas');
    assert.equal(header(n, 'Require'), undefined);
    assert.equal(negotiateRequest(request([]), policy).kind, 'none');
  });

  it('§7.2: a 2xx without Session-Expires means no session expiration', () => {
    const r = parseMessage(Buffer.from('SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:c@d>;tag=2\r\nCall-ID: x\r\nCSeq: 1 INVITE\r\nx: 90\r\nContent-Length: 0\r\n\r\n'));
    assert.ok(r.ok);
    assert.deepEqual(readResponse(r.value as SipResponse), { interval: 90, refresher: 'uac' });
  });

  it('§10: the refresher refreshes at half the interval; the other end expires at interval - min(32, interval/3)', () => {
    const clock = new FakeClock();
    const fired: string[] = [];
    const timer = new SessionTimer({ clock, refresh: () => fired.push(`refresh@${clock.now() - start}`), expire: () => fired.push(`expire@${clock.now() - start}`) });
    const start = clock.now();
    timer.arm({ interval: 1800, weRefresh: true });
    clock.advance(900_000);
    assert.deepEqual(fired, ['refresh@900000']);
    timer.arm({ interval: 1800, weRefresh: false });
    clock.advance(1800_000);
    assert.deepEqual(fired, ['refresh@900000', `expire@${900_000 + 1768_000}`]);
    // a 90 s interval: a third (30 s) is less than 32 s
    timer.arm({ interval: 90, weRefresh: false });
    const armed = clock.now() - start;
    clock.advance(90_000);
    assert.equal(fired.at(-1), `expire@${armed + 60_000}`);
  });
});
