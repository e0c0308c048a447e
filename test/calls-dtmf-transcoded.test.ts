// Acceptance: RFC 4733 digits reach the other phone when the call is transcoded. A node-sip caller
// speaks only G.722 (RFC 3551 §4.5.2, static payload type 9) with telephone-event; the baresip callee
// (g711 module only) answers with G.711, so the two legs share no codec and Hailing decodes and
// re-encodes. In pass-through the relay carries the event packets from phone to phone; here they
// stop at the caller's endpoint, and call control must send the digits on as RFC 4733 events from
// the endpoint facing the callee. baresip's own RFC 4733 receiver reports what it got
// (ctrl_tcp CALL_DTMF_START): each digit exactly once.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { registeredPhone, stopPhones, type Phone } from './helpers/baresip.js';
import { finalCallRecord } from './helpers/cdrs.js';
import { startHailing, type HailingProcess } from './helpers/hailing-process.js';
import { sip, type SipMessage, type SipStack } from './helpers/node-sip.js';
import { freePort } from './helpers/ports.js';
import { describeAudio, rtpPacket } from './helpers/rtp-peer.js';
import type { Dialog } from './helpers/sip-dialog.js';
import { placeCall } from './helpers/sip-ua-outgoing.js';
import { within } from './helpers/waiting.js';

const DOMAIN = '127.0.0.1';
/** the node-sip caller's own loopback address (node-sip takes a next hop on its own address for a flow token) */
const CALLER_ADDRESS = '127.0.0.6';
const TELEPHONE_EVENT_PT = 101;
/** RFC 3551 §4.5.2: G.722's RTP clock is 8000 Hz although it samples at 16 kHz; 20 ms = 160 ticks, 160 bytes at 64 kbit/s */
const TICKS = 160;
/** RFC 4733 §3.2: the event codes of the DTMF keys */
const EVENT_CODES: Record<string, number> = { '0': 0, '1': 1, '2': 2, '3': 3, '4': 4, '5': 5, '6': 6, '7': 7, '8': 8, '9': 9, '*': 10, '#': 11 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** RFC 4566 offer: G.722 only, with telephone-event (RFC 4733 §7.1.1) */
const g722Sdp = (o: { port: number; version: number }) =>
  [
    'v=0',
    `o=- 4242 ${o.version} IN IP4 ${CALLER_ADDRESS}`,
    's=-',
    `c=IN IP4 ${CALLER_ADDRESS}`,
    't=0 0',
    `m=audio ${o.port} RTP/AVP 9 ${TELEPHONE_EVENT_PT}`,
    'a=rtpmap:9 G722/8000',
    `a=rtpmap:${TELEPHONE_EVENT_PT} telephone-event/8000`,
    `a=fmtp:${TELEPHONE_EVENT_PT} 0-16`,
    'a=ptime:20',
    'a=sendrecv',
    '',
  ].join('\r\n');

/**
 * The caller's media: a G.722 stream every 20 ms (silence-ish payload; nothing listens to it) in
 * which digits replace the voice packets as RFC 4733 events: one event per digit with a fixed
 * timestamp, the marker on its first packet, a growing duration, and the end packet sent three
 * times (RFC 4733 §2.5.1.2-§2.5.1.4), then a gap of voice.
 */
class G722Caller {
  readonly #socket = dgram.createSocket('udp4');
  readonly #ssrc = 0x1234abcd;
  #seq = 1;
  #timestamp = 0;
  #timer: NodeJS.Timeout | undefined;
  #target: { address: string; port: number } | undefined;
  /** queued 20 ms packets in place of voice (the events) */
  readonly #pending: Buffer[] = [];

  async bind(): Promise<number> {
    await new Promise<void>((resolve) => this.#socket.bind(0, CALLER_ADDRESS, () => resolve()));
    this.#socket.on('message', () => {});
    return this.#socket.address().port;
  }

  start(target: { address: string; port: number }): void {
    this.#target = target;
    this.#timer = setInterval(() => this.#tick(), 20);
  }

  /** each digit: 100 ms of event, then 100 ms of voice */
  sendDigits(digits: string): void {
    for (const d of digits) {
      const code = EVENT_CODES[d];
      assert.ok(code !== undefined, d);
      const steps = 5;
      const packets: { marker: boolean; end: boolean; duration: number }[] = [];
      for (let i = 1; i <= steps; i++) packets.push({ marker: i === 1, end: i === steps, duration: i * TICKS });
      // §2.5.1.4: the final packet is retransmitted (three in all), same sequence of fields
      packets.push(packets[steps - 1]!, packets[steps - 1]!);
      for (const p of packets) {
        const payload = Buffer.alloc(4);
        payload[0] = code;
        payload[1] = (p.end ? 0x80 : 0) | 10; // E bit, R = 0, volume 10 (-10 dBm0)
        payload.writeUInt16BE(Math.min(p.duration, 0xffff), 2);
        // the timestamp is filled in when the event's first packet goes out (the event's start)
        this.#pending.push(Buffer.concat([Buffer.from([p.marker ? 1 : 0]), payload]));
      }
      for (let i = 0; i < 5; i++) this.#pending.push(Buffer.alloc(0)); // 100 ms of voice between digits
    }
  }

  #eventStart = 0;

  #tick(): void {
    const target = this.#target;
    if (!target) return;
    const next = this.#pending.shift();
    let packet: Buffer;
    if (next !== undefined && next.length > 0) {
      const marker = next[0] === 1;
      if (marker) this.#eventStart = this.#timestamp;
      packet = rtpPacket({ payloadType: TELEPHONE_EVENT_PT, seq: this.#seq, timestamp: this.#eventStart, ssrc: this.#ssrc, marker, payload: next.subarray(1) });
    } else {
      packet = rtpPacket({ payloadType: 9, seq: this.#seq, timestamp: this.#timestamp, ssrc: this.#ssrc, marker: this.#seq === 1, payload: Buffer.alloc(TICKS) });
    }
    this.#seq += 1;
    this.#timestamp += TICKS;
    this.#socket.send(packet, target.port, target.address);
  }

  async close(): Promise<void> {
    clearInterval(this.#timer);
    await new Promise<void>((resolve) => this.#socket.close(() => resolve()));
  }
}

/** the digits a phone reported receiving (ctrl_tcp CALL_DTMF_START) since `since` */
const received = (p: Phone, since: number): string =>
  p.events
    .slice(since)
    .filter((e) => e.type === 'CALL_DTMF_START')
    .map((e) => e.param ?? '?')
    .join('');

describe('RFC 4733 digits in a transcoded call (G.722 caller, G.711 baresip callee)', () => {
  let server: HailingProcess;
  let stack: SipStack | undefined;
  let media: G722Caller | undefined;
  const phones: Phone[] = [];
  const dialogs = new Map<string, Dialog>();

  before(async () => {
    server = await startHailing();
    for (const n of ['5201', '5202']) {
      const r = await server.api('POST', '/api/v1/extensions', { number: n, password: `secret-${n}`, displayName: `Phone ${n}` });
      assert.equal(r.status, 201, JSON.stringify(r.body));
    }
  });

  after(async () => {
    await media?.close();
    for (const d of dialogs.values()) d.close();
    stack?.destroy();
    await stopPhones(phones);
    await server?.kill();
  });

  it('the caller\'s 159# reaches baresip once each, as RFC 4733 events Hailing sends on', { timeout: 60_000 }, async () => {
    const b = await registeredPhone({
      user: '5202',
      password: 'secret-5202',
      domain: DOMAIN,
      server: { host: '127.0.0.1', port: server.ports.sip },
      transport: 'udp',
      tone: 800,
      answerMode: 'auto',
      sipTrace: true,
    }, phones);

    media = new G722Caller();
    const rtpPort = await media.bind();
    const sipPort = await freePort(CALLER_ADDRESS);
    stack = sip.create({ port: sipPort, address: CALLER_ADDRESS, publicAddress: CALLER_ADDRESS, udp: true, tcp: false, logger: {} }, (rq: SipMessage) => {
      const dialog = dialogs.get(rq.headers['call-id'] ?? '');
      if (dialog) return dialog.onRequest(rq);
      if (rq.method !== 'ACK') stack?.send(sip.makeResponse(rq, rq.method === 'OPTIONS' ? 200 : 481, rq.method === 'OPTIONS' ? 'OK' : 'Call/Transaction Does Not Exist'));
    });
    const call = placeCall({
      to: '5202',
      user: '5201',
      password: 'secret-5201',
      stack,
      domain: DOMAIN,
      server: { host: '127.0.0.1', port: server.ports.sip },
      contact: `sip:5201@${CALLER_ADDRESS}:${sipPort}`,
      sdpFor: (_direction, version) => g722Sdp({ port: rtpPort, version }),
      onDialog: (callId, dialog) => dialogs.set(callId, dialog),
    });
    const final = await within(call.final, 15_000, 'the answer to the G.722 caller');
    assert.equal(final.status, 200);
    await b.waitForEvent({ type: 'CALL_ESTABLISHED' });

    // the legs share no codec: we were answered in G.722, baresip answered Hailing in G.711
    const answer = describeAudio(final.content);
    assert.ok(typeof answer !== 'string', String(answer));
    assert.match(final.content ?? '', /^a=rtpmap:9 G722\/8000/m);
    assert.ok(answer.payloadTypes.map(Number).includes(TELEPHONE_EVENT_PT), `telephone-event kept towards the caller: ${final.content}`);
    const bAnswer = b.sipTrace().find((m) => /^SIP\/2.0 200/.test(m.startLine) && /^m=audio /m.test(m.body ?? '') && !m.dst.endsWith(`:${b.listenPort}`));
    assert.ok(bAnswer, 'baresip\'s 200 with SDP in its trace');
    assert.match(bAnswer.body ?? '', /^a=rtpmap:\d+ PCM[UA]\/8000/m);
    assert.doesNotMatch(bAnswer.body ?? '', /G722/);
    assert.match(bAnswer.body ?? '', /^a=rtpmap:\d+ telephone-event\/8000/m, 'baresip takes telephone-event, so RFC 4733 can be sent to it');

    media.start({ address: answer.address, port: answer.port });
    await sleep(500); // latching and the transcoder settle on voice first
    const since = b.events.length;
    media.sendDigits('159#');
    const deadline = Date.now() + 10_000;
    while (received(b, since).length < 4 && Date.now() < deadline) await sleep(50);
    // and nothing more arrives: each digit once (no double from relay and re-send)
    await sleep(1000);
    assert.equal(received(b, since), '159#', `baresip events: ${JSON.stringify(b.events.slice(since))}`);

    const dialog = call.dialog();
    assert.ok(dialog, 'a dialog from the 2xx');
    assert.equal((await dialog.sendBye()).status, 200);
    await b.waitForEvent({ type: 'CALL_CLOSED' });
    const record = await finalCallRecord({ api: server.api, number: '5201', callId: call.callId });
    const codecs = Object.fromEntries(record.legs.filter((l) => l.answeredAt !== null).map((l) => [l.role, l.codec]));
    assert.equal(codecs.caller, 'G722', JSON.stringify(record));
    assert.match(String(codecs.callee), /^PCM[UA]$/, JSON.stringify(record));
  });
});
