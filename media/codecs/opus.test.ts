// Opus through libopus (@discordjs/opus): tone preserved at every session rate, loss recovery gives
// signal, DTX shrinks silence to the 1-octet frames RFC 6716 §3.2.1 allows, bad input is a value.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createCodec } from './factory.js';
import { SOX_MISSING, Scratch, rms, soxRoughHz, soxSine, toneFraction } from './test-support.js';

const scratch = new Scratch();
after(() => scratch.close());
const skip = SOX_MISSING ?? false;

describe('opus', () => {
  for (const rate of [8000, 16000, 48000]) {
    it(`${rate} Hz: a sox-made 600 Hz sine survives encode and decode`, { skip }, () => {
      const pcm = soxSine({ scratch, rate, hz: 600, seconds: 1 });
      const codec = createCodec({ name: 'opus', sampleRate: rate });
      assert.equal(codec.rtpClockRate, 48000); // RFC 7587 §4.1
      assert.equal(codec.payloadBytesPerFrame, null);
      const frame = rate / 50;
      const packet = new Uint8Array(1500);
      const decoded = new Int16Array(pcm.length);
      for (let i = 0; i + frame <= pcm.length; i += frame) {
        const bytes = codec.encode(pcm.subarray(i, i + frame), frame, packet);
        assert.ok(bytes > 2 && bytes < 200, `packet of ${bytes} bytes`);
        assert.equal(codec.decode(packet, bytes, decoded.subarray(i, i + frame)), frame);
      }
      codec.close();
      const steady = decoded.subarray(rate / 10); // past the encoder's start-up
      assert.ok(toneFraction({ pcm: steady, rate, hz: 600 }) > 0.9);
      const rough = soxRoughHz({ scratch, rate, pcm: steady });
      const roughInput = soxRoughHz({ scratch, rate, pcm: pcm.subarray(rate / 10) });
      assert.ok(Math.abs(rough - roughInput) / roughInput < 0.05, `rough ${rough} vs ${roughInput}`);
      assert.ok(rms(steady) > 0.7 * rms(pcm), 'level kept');
    });
  }

  it('recover() for a dropped packet gives the tone, not silence', { skip }, () => {
    const rate = 16000;
    const frame = rate / 50;
    const pcm = soxSine({ scratch, rate, hz: 600, seconds: 0.5 });
    const sender = createCodec({ name: 'opus', sampleRate: rate, opus: { fec: true, packetLossPercent: 20 } });
    const receiver = createCodec({ name: 'opus', sampleRate: rate });
    const packets: Uint8Array[] = [];
    for (let i = 0; i + frame <= pcm.length; i += frame) {
      const p = new Uint8Array(1500);
      packets.push(p.subarray(0, sender.encode(pcm.subarray(i, i + frame), frame, p)));
    }
    const out = new Int16Array(frame);
    for (let k = 0; k < 15; k++) receiver.decode(packets[k]!, packets[k]!.length, out);
    // packet 15 is lost; 16 arrived
    const next = packets[16]!;
    assert.equal(receiver.recover(next, next.length, out, frame), frame);
    assert.ok(rms(out) > 0.5 * rms(pcm.subarray(15 * frame, 16 * frame)), `rms ${rms(out)}`);
    assert.ok(toneFraction({ pcm: out, rate, hz: 600 }) > 0.8);
    assert.equal(receiver.decode(next, next.length, out), frame);
  });

  it('DTX (RFC 7587 §3.1.3): silence becomes 1-octet frames after a short hangover; without DTX it does not', () => {
    const frame = 960;
    const silence = new Int16Array(frame);
    const packet = new Uint8Array(1500);
    const sizes = (dtx: boolean): number[] => {
      const codec = createCodec({ name: 'opus', sampleRate: 48000, opus: { dtx } });
      return Array.from({ length: 50 }, () => codec.encode(silence, frame, packet));
    };
    const tiny = (list: number[]): number => list.slice(15).filter((n) => n <= 2).length;
    assert.ok(tiny(sizes(true)) >= 30, `DTX sizes ${sizes(true).join(',')}`);
    assert.equal(tiny(sizes(false)), 0);
  });

  it('a corrupt payload decodes to -1 and random payloads never throw', () => {
    const codec = createCodec({ name: 'opus', sampleRate: 48000 });
    const out = new Int16Array(5760);
    // TOC code 3 (RFC 6716 §3.2.5) announcing 0 frames is invalid.
    assert.equal(codec.decode(Uint8Array.of(0x03, 0x00), 2, out), -1);
    assert.equal(codec.decode(new Uint8Array(4), 0, out), -1);
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 200 }), (payload) => {
        const n = codec.decode(payload, payload.length, out);
        return n === -1 || (n >= 0 && n <= out.length);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses frames libopus cannot take instead of crashing the binding', () => {
    const codec = createCodec({ name: 'opus', sampleRate: 8000 });
    assert.equal(codec.encode(new Int16Array(100), 100, new Uint8Array(1500)), 0);
    codec.close();
    assert.equal(codec.encode(new Int16Array(160), 160, new Uint8Array(1500)), 0);
  });
});
