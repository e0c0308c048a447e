// SDES-SRTP on an RTP endpoint (real threads, loopback): the test phone protects and unprotects
// with werift's SrtpSession directly (RFC 3711 AES_CM_128_HMAC_SHA1_80), independent of
// media/srtp's wrapper; the peer phone speaks plain RTP. Audio made by sox, measured by sox.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { ProtectionProfileAes128CmHmacSha1_80, RtpPacket, SrtpSession } from 'werift';
import { freePortBlock } from '../test/helpers/ports.js';
import { WorkerMediaEngine } from './engine.js';
import { TestPhone, measure, soxAvailable, synth } from './testing/phone.js';
import type { MediaFormat } from './types.js';

const PCMU: MediaFormat = { codec: 'PCMU', payloadType: 0, clockRate: 8000, telephoneEvent: null };

describe('media engine: SRTP', { skip: soxAvailable() ? false : 'sox missing: apt-get install -y sox' }, () => {
  let engine: WorkerMediaEngine;
  before(async () => {
    const base = await freePortBlock(20);
    engine = new WorkerMediaEngine({ bindAddress: '127.0.0.1', portMin: base, portMax: base + 19, workers: 1 });
    await engine.start();
  });
  after(() => engine.close());

  it('RFC 3711: SRTP both ways with the phone; tampered packets are counted in srtpFailures and media goes on', async () => {
    // RFC 4568 §6.1: inline key = base64(16-byte master key || 14-byte master salt)
    const ours = { key: randomBytes(16), salt: randomBytes(14) };
    const phones = { key: randomBytes(16), salt: randomBytes(14) };
    const inline = (k: { key: Buffer; salt: Buffer }): string => Buffer.concat([k.key, k.salt]).toString('base64');
    const session = new SrtpSession({
      keys: { localMasterKey: phones.key, localMasterSalt: phones.salt, remoteMasterKey: ours.key, remoteMasterSalt: ours.salt },
      profile: ProtectionProfileAes128CmHmacSha1_80,
    });
    const a = await TestPhone.open();
    const b = await TestPhone.open();
    let tamper = 0;
    let unprotectFailures = 0;
    a.protect = (packet) => {
      const rtp = RtpPacket.deSerialize(packet);
      const srtp = session.encrypt(rtp.payload, rtp.header);
      // every 10th of the first 50 packets has a flipped payload bit: its auth tag no longer matches
      if (tamper++ % 10 === 5 && tamper < 50) srtp[20] = srtp[20]! ^ 0x01;
      return srtp;
    };
    a.unprotect = (packet) => {
      try {
        return session.decrypt(packet);
      } catch {
        unprotectFailures++;
        return null;
      }
    };
    const ea = await engine.createEndpoint({ group: 'srtp' });
    const eb = await engine.createEndpoint({ group: 'srtp' });
    ea.setRemote({ address: '127.0.0.1', rtpPort: a.port });
    eb.setRemote({ address: '127.0.0.1', rtpPort: b.port });
    ea.setFormat(PCMU);
    eb.setFormat(PCMU);
    ea.setSrtp({ suite: 'AES_CM_128_HMAC_SHA1_80', localKey: inline(ours), remoteKey: inline(phones) });
    ea.connect(eb);
    await Promise.all([
      a.stream({ to: ea.rtpPort, data: synth({ type: 'ul', seconds: 2, effect: ['sine', '400'] }), payloadType: 0, bytesPerPacket: 160 }),
      b.stream({ to: eb.rtpPort, data: synth({ type: 'ul', seconds: 2, effect: ['sine', '800'] }), payloadType: 0, bytesPerPacket: 160 }),
    ]);
    await new Promise((r) => setTimeout(r, 200));
    const stats = await ea.stats();
    assert.equal(stats.srtpFailures, 5, 'the five tampered packets failed authentication');
    assert.equal(unprotectFailures, 0, 'the phone authenticated everything we sent');
    // B hears A's 400 Hz decrypted by the engine, after the tampering too (the last second)
    const atB = measure({ type: 'ul', data: b.payloads(0, 50) });
    assert.ok(Math.abs(atB.freq - 400) < 20 && atB.rms > 0.1, `B hears ${atB.freq} Hz at ${atB.rms}`);
    assert.ok(b.payloads(0, 0).length > 8000 * 1.5, 'every untampered packet was relayed');
    // A decrypts with werift and hears B's 800 Hz
    const atA = measure({ type: 'ul', data: a.payloads(0) });
    assert.ok(Math.abs(atA.freq - 800) < 40 && atA.rms > 0.1, `A hears ${atA.freq} Hz at ${atA.rms}`);
    assert.ok(a.payloads(0, 0).length > 8000 * 1.5, `A got ${a.payloads(0, 0).length} bytes`);
    await Promise.all([ea.close(), eb.close()]);
    a.close();
    b.close();
  });
});
