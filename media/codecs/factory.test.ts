// createCodec and codecFromRtpmap against the rtpmap values RFC 3551 and RFC 7587 define.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { codecFromRtpmap, createCodec } from './index.js';

describe('codecFromRtpmap', () => {
  it('RFC 3551 Table 4: PCMU/8000 and PCMA/8000, names case-insensitive (RFC 4855 §3)', () => {
    assert.deepEqual(codecFromRtpmap({ encodingName: 'PCMU', clockRate: 8000 }), { name: 'PCMU', sampleRate: 8000 });
    assert.deepEqual(codecFromRtpmap({ encodingName: 'pcma', clockRate: 8000, channels: 1 }), { name: 'PCMA', sampleRate: 8000 });
    assert.equal(codecFromRtpmap({ encodingName: 'PCMU', clockRate: 16000 }), null);
    assert.equal(codecFromRtpmap({ encodingName: 'PCMU', clockRate: 8000, channels: 2 }), null);
  });
  it('RFC 3551 §4.5.2: G722/8000 is 16 kHz audio', () => {
    assert.deepEqual(codecFromRtpmap({ encodingName: 'G722', clockRate: 8000 }), { name: 'G722', sampleRate: 16000 });
    assert.equal(codecFromRtpmap({ encodingName: 'G722', clockRate: 16000 }), null);
  });
  it('RFC 7587 §7: opus/48000/2 decodes at 48 kHz', () => {
    assert.deepEqual(codecFromRtpmap({ encodingName: 'opus', clockRate: 48000, channels: 2 }), { name: 'opus', sampleRate: 48000 });
    assert.equal(codecFromRtpmap({ encodingName: 'opus', clockRate: 16000, channels: 2 }), null);
  });
  it('RFC 3551 §4.5.11: L16 at the session rates only', () => {
    assert.deepEqual(codecFromRtpmap({ encodingName: 'L16', clockRate: 16000 }), { name: 'L16', sampleRate: 16000 });
    assert.equal(codecFromRtpmap({ encodingName: 'L16', clockRate: 44100, channels: 2 }), null);
    assert.equal(codecFromRtpmap({ encodingName: 'L16', clockRate: 44100 }), null);
  });
  it('answers null for what we do not decode', () => {
    assert.equal(codecFromRtpmap({ encodingName: 'telephone-event', clockRate: 8000 }), null);
    assert.equal(codecFromRtpmap({ encodingName: 'G729', clockRate: 8000 }), null);
  });
});

describe('createCodec', () => {
  it('gives the RTP clock and 20 ms payload size of each codec', () => {
    const facts = (c: ReturnType<typeof createCodec>): unknown[] => [c.name, c.sampleRate, c.rtpClockRate, c.payloadBytesPerFrame];
    assert.deepEqual(facts(createCodec({ name: 'PCMU' })), ['PCMU', 8000, 8000, 160]);
    assert.deepEqual(facts(createCodec({ name: 'PCMA' })), ['PCMA', 8000, 8000, 160]);
    assert.deepEqual(facts(createCodec({ name: 'G722' })), ['G722', 16000, 8000, 160]);
    assert.deepEqual(facts(createCodec({ name: 'L16', sampleRate: 48000 })), ['L16', 48000, 48000, 1920]);
    assert.deepEqual(facts(createCodec({ name: 'opus', sampleRate: 16000 })), ['opus', 16000, 48000, null]);
    assert.deepEqual(facts(createCodec({ name: 'opus' })), ['opus', 48000, 48000, null]);
  });
  it('rejects a rate the codec does not run at (configuration, not the packet path)', () => {
    assert.throws(() => createCodec({ name: 'PCMU', sampleRate: 16000 }), RangeError);
    assert.throws(() => createCodec({ name: 'G722', sampleRate: 8000 }), RangeError);
    assert.throws(() => createCodec({ name: 'opus', sampleRate: 44100 }), RangeError);
  });
});
