// A phone's media side for call tests: a real UDP socket that sends 20 ms G.711 packets with RTP
// headers (RFC 3550 §5.1) and records every packet it receives, plus the audio SDP it offers or
// answers with (RFC 4566, RFC 3264). Offers are read back with node-sip's own SDP parser, so what a
// test learns from Hailing's SDP does not depend on Hailing's SDP code.
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';

export type Direction = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

export interface ReceivedPacket {
  fromAddress: string;
  fromPort: number;
  version: number;
  payloadType: number;
  seq: number;
  ssrc: number;
  payload: Buffer;
}

export interface RtpPeer {
  readonly address: string;
  readonly port: number;
  /** every packet received, in arrival order (bounded by the test's duration: 50 packets a second) */
  readonly received: ReceivedPacket[];
  readonly sentCount: () => number;
  /** start sending a packet every 20 ms to `target`, each payload filled with `marker` */
  startSending(o: { target: { address: string; port: number }; marker: string; payloadType?: number; ssrc?: number }): void;
  stopSending(): void;
  /** send `count` packets now (no pacing needed by the caller), e.g. an injection from a stranger */
  burst(o: { target: { address: string; port: number }; marker: string; count: number; payloadType?: number; ssrc?: number }): Promise<void>;
  close(): Promise<void>;
}

/** RFC 3551 §4.5.14: G.711 at 8000 Hz, 20 ms = 160 samples = 160 bytes */
const SAMPLES_PER_PACKET = 160;

/** The RTP fixed header of RFC 3550 §5.1 (12 bytes, no CSRC, no extension) followed by the payload. */
export function rtpPacket(o: { payloadType: number; seq: number; timestamp: number; ssrc: number; marker: boolean; payload: Buffer }): Buffer {
  const b = Buffer.alloc(12 + o.payload.length);
  b[0] = 0x80; // V=2, P=0, X=0, CC=0
  b[1] = (o.marker ? 0x80 : 0) | (o.payloadType & 0x7f);
  b.writeUInt16BE(o.seq & 0xffff, 2);
  b.writeUInt32BE(o.timestamp >>> 0, 4);
  b.writeUInt32BE(o.ssrc >>> 0, 8);
  o.payload.copy(b, 12);
  return b;
}

export function markerPayload(marker: string): Buffer {
  const b = Buffer.alloc(SAMPLES_PER_PACKET);
  b.fill(marker, 0, SAMPLES_PER_PACKET, 'latin1');
  return b;
}

export const payloadHasMarker = (p: ReceivedPacket, marker: string): boolean => p.payload.includes(marker, 0, 'latin1');

export async function startRtpPeer(o: { address: string }): Promise<RtpPeer> {
  const socket = dgram.createSocket('udp4');
  const received: ReceivedPacket[] = [];
  socket.on('message', (msg, rinfo) => {
    if (msg.length < 12) return;
    const cc = (msg[0] ?? 0) & 0x0f;
    received.push({
      fromAddress: rinfo.address,
      fromPort: rinfo.port,
      version: (msg[0] ?? 0) >> 6,
      payloadType: (msg[1] ?? 0) & 0x7f,
      seq: msg.readUInt16BE(2),
      ssrc: msg.readUInt32BE(8),
      payload: Buffer.from(msg.subarray(12 + 4 * cc)),
    });
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, o.address, () => resolve());
  });
  const port = socket.address().port;
  let timer: NodeJS.Timeout | undefined;
  let sent = 0;
  const stream = (s: { payloadType?: number; ssrc?: number }) => ({
    payloadType: s.payloadType ?? 0,
    ssrc: s.ssrc ?? randomBytes(4).readUInt32BE(0),
    seq: randomBytes(2).readUInt16BE(0),
    timestamp: randomBytes(4).readUInt32BE(0),
  });
  const sendOne = (st: ReturnType<typeof stream>, payload: Buffer, first: boolean, target: { address: string; port: number }) =>
    new Promise<void>((resolve) => {
      const packet = rtpPacket({ payloadType: st.payloadType, seq: st.seq, timestamp: st.timestamp, ssrc: st.ssrc, marker: first, payload });
      st.seq = (st.seq + 1) & 0xffff;
      st.timestamp = (st.timestamp + SAMPLES_PER_PACKET) >>> 0;
      sent++;
      socket.send(packet, target.port, target.address, () => resolve());
    });
  return {
    address: o.address,
    port,
    received,
    sentCount: () => sent,
    startSending(s) {
      clearInterval(timer);
      const st = stream(s);
      const payload = markerPayload(s.marker);
      let first = true;
      timer = setInterval(() => {
        void sendOne(st, payload, first, s.target);
        first = false;
      }, 20);
    },
    stopSending() {
      clearInterval(timer);
      timer = undefined;
    },
    async burst(s) {
      const st = stream(s);
      const payload = markerPayload(s.marker);
      for (let i = 0; i < s.count; i++) await sendOne(st, payload, i === 0, s.target);
    },
    close() {
      clearInterval(timer);
      return new Promise<void>((resolve) => socket.close(() => resolve()));
    },
  };
}

/** An audio offer/answer: PCMU, PCMA and RFC 4733 telephone-event at ptime 20. */
export function audioSdp(o: { address: string; port: number; direction?: Direction; sessionId: string; version: number }): string {
  return [
    'v=0',
    `o=- ${o.sessionId} ${o.version} IN IP4 ${o.address}`,
    's=-',
    `c=IN IP4 ${o.address}`,
    't=0 0',
    `m=audio ${o.port} RTP/AVP 0 8 101`,
    'a=rtpmap:0 PCMU/8000',
    'a=rtpmap:8 PCMA/8000',
    'a=rtpmap:101 telephone-event/8000',
    'a=fmtp:101 0-16',
    'a=ptime:20',
    `a=${o.direction ?? 'sendrecv'}`,
    '',
  ].join('\r\n');
}

export interface AudioDescription {
  address: string;
  port: number;
  direction: Direction;
  payloadTypes: number[];
  /** rtpmap encodings, e.g. ['PCMU/8000', 'telephone-event/8000'] */
  encodings: string[];
}

interface ParsedSdp {
  c?: { address: string };
  a?: string[];
  m: { media: string; port: number; fmt: number[]; c?: { address: string }; a?: string[] }[];
}
const require = createRequire(import.meta.url);
const nodeSipSdp = require('sip/sdp') as { parse(text: string): ParsedSdp };

const DIRECTIONS: readonly Direction[] = ['sendrecv', 'sendonly', 'recvonly', 'inactive'];

/** The first audio stream of an SDP body, or an error string (node-sip's parser throws on a bad m= line). */
export function describeAudio(text: string | undefined): AudioDescription | string {
  if (!text) return 'no SDP body';
  let parsed: ParsedSdp;
  try {
    parsed = nodeSipSdp.parse(text);
  } catch (err) {
    return `unparseable SDP: ${(err as Error).message}`;
  }
  const m = parsed.m.find((x) => x.media === 'audio');
  if (!m) return 'no m=audio';
  const address = m.c?.address ?? parsed.c?.address;
  if (!address) return 'no c= line';
  // RFC 3264 §5.1: a media-level direction attribute overrides the session-level one
  const pick = (attrs: string[] | undefined) => DIRECTIONS.find((d) => attrs?.includes(d));
  const direction = pick(m.a) ?? pick(parsed.a) ?? 'sendrecv';
  const encodings = (m.a ?? []).filter((a) => a.startsWith('rtpmap:')).map((a) => a.replace(/^rtpmap:\d+\s+/, ''));
  return { address, port: m.port, direction, payloadTypes: m.fmt, encodings };
}

/** describeAudio for a test that needs the stream: fails the test with the reason and the SDP otherwise */
export function audioOf(sdp: string | undefined): AudioDescription {
  const a = describeAudio(sdp);
  assert.ok(typeof a !== 'string', `SDP: ${a}\n${sdp}`);
  return a;
}

/** RFC 3264 §6.1: the answerer's direction for an offered one. */
export function answerDirection(offered: Direction): Direction {
  return offered === 'sendonly' ? 'recvonly' : offered === 'recvonly' ? 'sendonly' : offered;
}
