// G.722 64 kbit/s: bit-exact against spandsp (an independent implementation whose own test suite
// runs the ITU-T G.722 test vectors), plus signal checks measured with sox and Goertzel.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import fc from 'fast-check';
import { createCodec } from './factory.js';
import { G722Decoder, G722Encoder } from './g722.js';
import { RAW16, SOX_MISSING, Scratch, alignedSnrDb, readPcm, rms, sox, soxRoughHz, soxSine, toneFraction } from './test-support.js';

const scratch = new Scratch();
after(() => scratch.close());

/** spandsp's g722_encode/g722_decode (64 kbit/s, unpacked octets) driven through Python ctypes. */
const SPANDSP = `
import ctypes, sys
lib = ctypes.CDLL('libspandsp.so.2')
lib.g722_encode_init.restype = ctypes.c_void_p
lib.g722_decode_init.restype = ctypes.c_void_p
mode, src, dst = sys.argv[1], sys.argv[2], sys.argv[3]
data = open(src, 'rb').read()
if mode == 'enc':
    s = lib.g722_encode_init(None, 64000, 0)
    n = len(data) // 2
    out = (ctypes.c_uint8 * n)()
    k = lib.g722_encode(ctypes.c_void_p(s), out, (ctypes.c_int16 * n).from_buffer_copy(data), n)
    open(dst, 'wb').write(bytes(out)[:k])
else:
    s = lib.g722_decode_init(None, 64000, 0)
    n = len(data)
    out = (ctypes.c_int16 * (2 * n))()
    k = lib.g722_decode(ctypes.c_void_p(s), out, (ctypes.c_uint8 * n).from_buffer_copy(data), n)
    open(dst, 'wb').write(bytes(out)[:2 * k])
`;

const SPANDSP_MISSING: string | null = (() => {
  const r = spawnSync('python3', ['-c', "import ctypes; ctypes.CDLL('libspandsp.so.2')"], { encoding: 'utf8' });
  return r.status === 0 ? null : 'python3 with libspandsp.so.2 is not available: skipping the spandsp comparison';
})();

function spandsp(mode: 'enc' | 'dec', input: Uint8Array): Uint8Array {
  const src = scratch.path(`spandsp-${mode}.in`);
  const dst = scratch.path(`spandsp-${mode}.out`);
  writeFileSync(src, input);
  const r = spawnSync('python3', ['-c', SPANDSP, mode, src, dst], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return new Uint8Array(readFileSync(dst));
}

/** Encodes in 20 ms frames (320 samples → 160 octets), as the engine does. */
function encode(pcm: Int16Array): Uint8Array {
  const codec = createCodec({ name: 'G722' });
  const out = new Uint8Array(pcm.length >> 1);
  for (let i = 0; i + 320 <= pcm.length; i += 320) assert.equal(codec.encode(pcm.subarray(i, i + 320), 320, out.subarray(i >> 1)), 160);
  return out;
}

function decode(octets: Uint8Array): Int16Array {
  const codec = createCodec({ name: 'G722' });
  const out = new Int16Array(octets.length * 2);
  for (let i = 0; i + 160 <= octets.length; i += 160) assert.equal(codec.decode(octets.subarray(i, i + 160), 160, out.subarray(i * 2)), 320);
  return out;
}

const pcmBytes = (pcm: Int16Array): Uint8Array => new Uint8Array(pcm.buffer, pcm.byteOffset, pcm.byteLength);

describe('G.722 is bit-exact with spandsp', () => {
  const skip = SPANDSP_MISSING ?? SOX_MISSING ?? false;
  const signals = [
    ['1 kHz + 3 kHz', ['synth', '1', 'sine', '1000', 'sine', '3000', 'remix', '-', 'gain', '-3']],
    // -6 dB: near 8 kHz the decoded sweep overshoots full scale, where spandsp wraps (see below)
    ['a 100..7900 Hz sweep', ['synth', '1', 'sine', '100-7900', 'gain', '-6']],
    ['white noise', ['synth', '1', 'whitenoise', 'gain', '-6']],
  ] as const;
  for (const [label, effects] of signals) {
    it(`encodes ${label} to the same octets and decodes them to the same samples`, { skip }, () => {
      const file = scratch.path('peer.raw');
      sox(['-n', ...RAW16(16000), file, ...effects]);
      const pcm = readPcm(file);
      const ours = encode(pcm);
      assert.deepEqual(ours, spandsp('enc', pcmBytes(pcm)));
      const theirs = new Int16Array(spandsp('dec', ours).slice().buffer);
      assert.deepEqual(decode(ours), theirs);
    });
  }
  it('decodes arbitrary octets like spandsp, except that we saturate where spandsp wraps to int16', { skip }, () => {
    const octets = new Uint8Array(4000);
    let seed = 12345;
    for (let i = 0; i < octets.length; i++) octets[i] = (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24;
    const theirs = new Int16Array(spandsp('dec', octets).slice().buffer);
    const ours = decode(octets);
    for (let i = 0; i < ours.length; i++) {
      if (ours[i] === 32767 || ours[i] === -32768) continue; // QMF overflow: saturated here, wrapped there
      assert.equal(ours[i], theirs[i], `sample ${i}`);
    }
  });
});

describe('G.722 round trip', () => {
  const skip = SOX_MISSING ?? false;
  for (const hz of [1000, 3000]) {
    it(`keeps a ${hz} Hz sine: SNR, Goertzel share and sox's frequency estimate`, { skip }, () => {
      const pcm = soxSine({ scratch, rate: 16000, hz, seconds: 1, gainDb: -6 });
      const decoded = decode(encode(pcm));
      const { snrDb } = alignedSnrDb({ reference: pcm, decoded, maxLag: 64, skip: 1600 });
      assert.ok(snrDb > 35, `SNR ${snrDb.toFixed(1)} dB`);
      const steady = decoded.subarray(1600);
      assert.ok(toneFraction({ pcm: steady, rate: 16000, hz }) > 0.98);
      // sox's "rough frequency" is biased at high frequencies, so compare it with its reading of the input.
      const rough = soxRoughHz({ scratch, rate: 16000, pcm: steady });
      const roughInput = soxRoughHz({ scratch, rate: 16000, pcm: pcm.subarray(1600) });
      assert.ok(Math.abs(rough - roughInput) / roughInput < 0.03, `sox rough frequency ${rough} vs ${roughInput} for the input`);
      assert.ok(Math.abs(rms(steady) / rms(pcm) - 1) < 0.1, 'level kept');
    });
  }

  it('silence stays near silence', () => {
    const decoded = decode(encode(new Int16Array(16000)));
    let peak = 0;
    for (const x of decoded.subarray(320)) peak = Math.max(peak, Math.abs(x));
    assert.ok(peak <= 16, `peak ${peak}`); // below -66 dBFS
  });

  it('is deterministic: fresh encoders give identical octets, and frame splits do not matter', () => {
    const pcm = new Int16Array(3200);
    for (let i = 0; i < pcm.length; i++) pcm[i] = Math.round(9000 * Math.sin(i * 0.37) + 4000 * Math.sin(i * 1.9));
    const a = encode(pcm);
    const b = new Uint8Array(1600);
    new G722Encoder().encode(pcm, pcm.length, b);
    assert.deepEqual(a, b);
    const whole = new Int16Array(3200);
    new G722Decoder().decode(a, a.length, whole);
    assert.deepEqual(decode(a), whole);
  });

  it('RFC 3551 §4.5.2: 16 kHz PCM, 8000 Hz RTP clock, 160 octets per 20 ms', () => {
    const c = createCodec({ name: 'G722' });
    assert.deepEqual([c.sampleRate, c.rtpClockRate, c.payloadBytesPerFrame], [16000, 8000, 160]);
  });

  it('never throws on any payload and writes at most out.length samples', () => {
    const codec = createCodec({ name: 'G722' });
    const out = new Int16Array(320);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (payload) => {
        const n = codec.decode(payload, payload.length, out);
        return n === Math.min(payload.length, 160) * 2;
      }),
    );
  });
});
