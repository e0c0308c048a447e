// Parse and serialize rates for a ~1 KB INVITE (sans-IO, one core).
import { parseMessage } from '../server/sip/message/parser.js';
import { serializeMessage } from '../server/sip/message/serializer.js';

const sdp = [
  'v=0',
  'o=alice 2890844526 2890844526 IN IP4 192.0.2.10',
  's=-',
  'c=IN IP4 192.0.2.10',
  't=0 0',
  'm=audio 49170 RTP/AVP 0 8 101',
  'a=rtpmap:0 PCMU/8000',
  'a=rtpmap:8 PCMA/8000',
  'a=rtpmap:101 telephone-event/8000',
  'a=fmtp:101 0-16',
  'a=ptime:20',
  'a=sendrecv',
  '',
].join('\r\n');
const invite = Buffer.from(
  [
    'INVITE sip:1002@pbx.example.com SIP/2.0',
    'Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK776asdhds;rport',
    'Max-Forwards: 70',
    'To: "Bob" <sip:1002@pbx.example.com>',
    'From: "Alice" <sip:1001@pbx.example.com>;tag=1928301774',
    'Call-ID: a84b4c76e66710@pc33.example.com',
    'CSeq: 314159 INVITE',
    'Contact: <sip:1001@192.0.2.10:5060;transport=udp>;+sip.instance="<urn:uuid:00000000-0000-1000-8000-000A95A0E128>"',
    'Allow: INVITE, ACK, CANCEL, BYE, NOTIFY, REFER, OPTIONS, INFO, UPDATE, PRACK',
    'Supported: replaces, timer, 100rel',
    'User-Agent: Yealink SIP-T46U 108.86.0.45',
    'Session-Expires: 1800',
    'Min-SE: 90',
    'P-Asserted-Identity: "Alice" <sip:1001@pbx.example.com>',
    'Content-Type: application/sdp',
    `Content-Length: ${Buffer.byteLength(sdp)}`,
    '',
    sdp,
  ].join('\r\n'),
);

function rate(label: string, fn: () => void): void {
  for (let i = 0; i < 20_000; i++) fn(); // warm up the JIT
  const iterations = 200_000;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) fn();
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  console.log(`${label}: ${Math.round(iterations / s).toLocaleString('en')} messages/s (${((s / iterations) * 1e6).toFixed(2)} µs each)`);
}

const parsed = parseMessage(invite);
if (!parsed.ok) throw new Error(`bench INVITE does not parse: ${parsed.error.detail}`);
console.log(`INVITE size: ${invite.byteLength} bytes`);
rate('parse', () => {
  parseMessage(invite);
});
rate('serialize', () => {
  serializeMessage(parsed.value);
});
