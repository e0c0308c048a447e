// InboundStream without sockets: packet durations other than the 20 ms tick, Opus TOC durations
// (RFC 6716), shrinking the delay on quiet frames after a jitter spike, and in-band DTMF across an
// underrun.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { InboundStream } from './inbound.js';
import { opusPacketSamples } from './formats.js';
import { createCodec } from '../codecs/index.js';
import type { MediaFormat } from '../types.js';

const PCMU: MediaFormat = { codec: 'PCMU', payloadType: 0, clockRate: 8000, telephoneEvent: null };
/** ITU-T G.711 Table 2a: µ-law 0x80 decodes to +8031 in 13-bit linear, 32124 in 16-bit */
const ULAW_0X80 = 32124;

describe('opusPacketSamples: RFC 6716 §3.1 TOC durations at 48 kHz', () => {
  const one = (toc: number, ...rest: number[]): number => opusPacketSamples(Uint8Array.from([toc, ...rest]), 0, 1 + rest.length);
  it('config 1 (SILK NB 20 ms), code 0: one frame of 960', () => assert.equal(one((1 << 3) | 0, 0), 960));
  it('config 3 (SILK NB 60 ms), code 0: 2880', () => assert.equal(one((3 << 3) | 0, 0), 2880));
  it('config 13 (hybrid FB 20 ms), code 1: two frames, 1920', () => assert.equal(one((13 << 3) | 1, 0), 1920));
  it('config 16 (CELT NB 2.5 ms), code 3 with M = 3: 360', () => assert.equal(one((16 << 3) | 3, 3), 360));
  it('config 31 (CELT FB 20 ms), code 3 with M = 7: over 120 ms is malformed (R5), 0', () => assert.equal(one((31 << 3) | 3, 7), 0));
  it('code 3 without its frame count byte is malformed: 0', () => assert.equal(one((1 << 3) | 3), 0));
});

describe('InboundStream', () => {
  const packet = (byte: number, bytes: number): Uint8Array => new Uint8Array(bytes).fill(byte);

  it('10 ms G.711 packets: each 20 ms tick plays two of them, no frame has a gap', () => {
    const s = new InboundStream({ format: PCMU, rate: 8000 });
    const out = new Int16Array(160);
    const frames: boolean[] = [];
    let seq = 0;
    for (let tick = 0; tick < 100; tick++) {
      for (let k = 0; k < 2; k++, seq++) s.push(packet(0x80, 80), 0, 80, 1, seq, seq * 80, tick * 20 + k * 10);
      if (s.pull(out, tick * 20)) frames.push(out.every((v) => v === ULAW_0X80));
    }
    assert.ok(frames.length >= 95, `${frames.length} frames played`);
    assert.ok(frames.every(Boolean), 'every played frame is all 0x80');
  });

  it('16 kHz session from 8 kHz G.711: a frame is 320 samples', () => {
    const s = new InboundStream({ format: PCMU, rate: 16000 });
    const out = new Int16Array(320);
    let played = 0;
    for (let tick = 0; tick < 20; tick++) {
      s.push(packet(0xff, 160), 0, 160, 1, tick, tick * 160, tick * 20);
      if (s.pull(out, tick * 20)) played++;
    }
    assert.ok(played >= 15);
    assert.equal(s.frameSamples, 320);
  });

  it('after a jitter spike the delay shrinks by dropping quiet frames (jitter buffer shouldDrop)', () => {
    const s = new InboundStream({ format: PCMU, rate: 8000 });
    const out = new Int16Array(160);
    let seq = 0;
    const arrive = (atMs: number): void => {
      // µ-law 0xFF is 0: silence, which may be dropped unheard
      s.push(packet(0xff, 160), 0, 160, 1, seq, seq * 160, atMs);
      seq++;
    };
    for (let tick = 0; tick < 500; tick++) {
      const now = tick * 20;
      if (tick >= 50 && tick < 60) {
        // a 200 ms stall, then everything it held at once
      } else if (tick === 60) for (let k = 0; k < 11; k++) arrive(now);
      else arrive(now);
      s.pull(out, now);
    }
    assert.ok(s.framesDropped > 0, 'quiet frames were dropped to shrink the delay');
  });

  it('in-band DTMF: a tone whose packets stall for 60 ms mid-digit (an underrun) is one digit, not two', () => {
    const s = new InboundStream({ format: PCMU, rate: 8000 });
    const digits: string[] = [];
    s.enableInbandDtmf((d) => digits.push(d));
    const ulaw = createCodec({ name: 'PCMU', sampleRate: 8000 });
    // DTMF '#' (941 + 1477 Hz) for 200 ms between silences, as 20 ms µ-law packets
    const toneAt = (n: number): number => (n >= 1600 && n < 3200 ? Math.round(6000 * (Math.sin((2 * Math.PI * 941 * n) / 8000) + Math.sin((2 * Math.PI * 1477 * n) / 8000))) : 0);
    const packets = Array.from({ length: 30 }, (_, k) => {
      const pcm = Int16Array.from({ length: 160 }, (_, i) => toneAt(k * 160 + i));
      const bytes = new Uint8Array(160);
      ulaw.encode(pcm, 160, bytes);
      return bytes;
    });
    const out = new Int16Array(160);
    let next = 0;
    for (let tick = 0; tick < 60; tick++) {
      const now = tick * 20;
      // packets 13-15 (inside the tone) are held back 60 ms by the sender, then come at once
      if (tick < 13 || tick >= 16) for (; next < Math.min(packets.length, tick + 1); next++) s.push(packets[next]!, 0, 160, 1, next, next * 160, now);
      s.pull(out, now);
    }
    assert.deepEqual(digits, ['#']);
  });
});
