import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { EndpointStats } from '../../media/index.js';
import { buildRecord, legMedia } from './record.js';
import { CallFacts } from './call-facts.js';
import type { InboundLeg } from './inbound-leg.js';
import type { OutboundLeg } from './outbound-leg.js';

function stats(over: Partial<EndpointStats> = {}): EndpointStats {
  return {
    packetsReceived: 3000,
    packetsSent: 3000,
    bytesReceived: 516_000,
    bytesSent: 516_000,
    packetsDropped: 0,
    rtcpReceived: 10,
    packetsLost: null,
    fractionLost: null,
    jitterMs: null,
    latched: null,
    ...over,
  };
}

const near = (actual: number | null, expected: number, what: string) => {
  assert.ok(actual !== null && Math.abs(actual - expected) < 1e-6, `${what}: ${actual} ≠ ${expected}`);
};

// Expected MOS values are worked by hand from ITU-T G.107: R = 93.2 − Idd − Ie,eff (§7, defaults),
// Ta = RTT/2 + (2·jitter + 20 ms), Idd §7.3, Ie,eff = 95·Ppl/(Ppl + Bpl) with G.113 Bpl 25.1 (PLC),
// and MOS = 1 + 0.035R + R(R − 60)(100 − R)·7·10⁻⁶ (Annex B).
describe('call record: per-leg media figures', () => {
  it('G.107: a clean G.711 leg (no loss, jitter or delay reported) rates R 93.2, MOS 4.4093', () => {
    const m = legMedia(stats(), 'PCMU');
    near(m.mos, 4.409285824, 'MOS');
    assert.equal(m.codec, 'PCMU');
    assert.equal(m.fractionLost, null, 'unknown stays unknown in the record; only the MOS takes it as 0');
  });

  it('G.107: 2 % loss (fraction lost 0.02) on PCMA gives Ie,eff 7.0111, R 86.1889, MOS 4.2348', () => {
    near(legMedia(stats({ fractionLost: 0.02, jitterMs: 10, rttMs: 100 }), 'PCMA').mos, 4.234832576, 'MOS');
  });

  it('G.107 §7.3: 300 ms RTT and 20 ms jitter put Ta at 210 ms (Idd 4.1068); with 0.5 % loss on Opus, MOS 4.2656', () => {
    near(legMedia(stats({ fractionLost: 0.005, jitterMs: 20, rttMs: 300 }), 'opus').mos, 4.265595618, 'MOS');
  });

  it('encoding names compare case-insensitively (RFC 4566 §6); the endpoint codec wins over the negotiated one', () => {
    near(legMedia(stats(), 'pcmu').mos, 4.409285824, 'lower case');
    near(legMedia(stats(), 'L16').mos, 4.409285824, 'uncompressed PCM rated as G.711 (Ie 0)');
    const transcoded = legMedia(stats({ codec: 'G722' }), 'PCMU');
    assert.equal(transcoded.codec, 'G722');
  });

  it('no RTP, no endpoint, or a codec the E-model cannot rate: MOS null; drops and SRTP failures counted, 0 when unknown', () => {
    assert.equal(legMedia(stats({ packetsReceived: 0, packetsSent: 0 }), 'PCMU').mos, null);
    assert.equal(legMedia(stats({ packetsReceived: 0, packetsSent: 298, packetsDropped: 900, packetsForeign: 900 }), 'PCMU').mos, null, 'a leg whose phone was never heard (only foreign packets) is not rated');
    assert.equal(legMedia(stats(), 'GSM').mos, null);
    assert.equal(legMedia(stats(), null).mos, null);
    const none = legMedia(undefined, null);
    assert.deepEqual(
      [none.mos, none.packetsDropped, none.srtpFailures, none.packetsReceived, none.packetsLost],
      [null, 0, 0, 0, null],
    );
    const hostile = legMedia(stats({ packetsDropped: 12, srtpFailures: 5 }), 'PCMU');
    assert.deepEqual([hostile.packetsDropped, hostile.srtpFailures], [12, 5]);
    assert.equal(legMedia(stats({ packetsDropped: 3 }), 'PCMU').srtpFailures, 0, 'plain RTP reports none');
  });
});

const inbound = {
  id: 'leg-a',
  sipCallId: 'a@test',
  request: {
    message: { uri: 'sip:1002@pbx.test', headers: [] },
    flow: { protocol: 'udp' },
    source: { address: '192.0.2.10', port: 5060 },
  },
  startedAt: 1_000,
  answeredAt: null,
  endedAt: null,
  sipStatus: null,
} as unknown as InboundLeg;

describe('buildRecord: recording fields', () => {
  const base = {
    id: 'c1',
    caller: { number: '1001', displayName: null, permissions: [] },
    callee: '1002',
    startedAt: 1_000,
    inbound,
    forks: [] as OutboundLeg[],
    winner: undefined,
    codec: null,
    end: undefined,
  };

  it('none until the recording has ended; then its file, format, length and pauses', () => {
    const open = buildRecord(base);
    assert.deepEqual(
      [open.recordingPath, open.recordingFormat, open.recordingDurationMs, open.recordingPauses],
      [null, null, null, []],
    );
    assert.equal(open.legs[0]?.mos, null, 'no media figures yet');
    const pauses = [{ atMs: 4_000, durationMs: 9_000 }];
    const done = buildRecord({ ...base, recording: { path: '/data/recordings/c1.ogg', format: 'ogg', durationMs: 30_000, pauses } });
    assert.deepEqual(
      [done.recordingPath, done.recordingFormat, done.recordingDurationMs, done.recordingPauses],
      ['/data/recordings/c1.ogg', 'ogg', 30_000, pauses],
    );
  });
});

const call = { id: 'c1', caller: { number: '1001', displayName: null, permissions: [] }, callee: '1002', startedAt: 1_000, inbound, winner: undefined };

describe('CallFacts: the routing in a call\'s records', () => {
  it('each record keeps the trace and handlers as they stood when it was taken', () => {
    const facts = new CallFacts();
    facts.routed([{ entry: 'default', matched: '1002' }]);
    const first = facts.snapshot(call);
    facts.handlerStarted('dial-extension');
    facts.routed([{ forward: '1003' }]);
    const second = facts.snapshot(call);
    assert.deepEqual(first.routing, { trace: [{ entry: 'default', matched: '1002' }], handlers: [] });
    assert.deepEqual(second.routing, { trace: [{ entry: 'default', matched: '1002' }, { forward: '1003' }], handlers: ['dial-extension'] });
  });

  it('records taken while the routing does not change share it rather than copy it (a call emits five or so)', () => {
    const facts = new CallFacts();
    facts.routed([{ entry: 'default' }]);
    facts.handlerStarted('dial-extension');
    const a = facts.snapshot(call);
    const b = facts.snapshot(call);
    assert.ok(a.routing !== undefined && a.routing === b.routing);
    assert.equal(a.recordingPath, null);
    facts.recordingStarted({ path: '2026/01/15/c1.wav', format: 'wav' });
    const c = facts.snapshot(call);
    assert.deepEqual([c.recordingPath, c.recordingFormat, c.recordingDurationMs], ['2026/01/15/c1.wav', 'wav', null]);
  });
});
