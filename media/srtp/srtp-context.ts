// SRTP/SRTCP for one SDES-keyed media stream (RFC 3711, RFC 4568, RFC 7714). werift does the key
// derivation and the AES-CM/HMAC-SHA1-80 and AES-GCM transforms; this wrapper adds what werift
// leaves out: RFC 3711 Appendix A index estimation, the §3.3.2 replay list (werift has none), the
// 32-bit tag of AES_CM_128_HMAC_SHA1_32 (aes-cm-hmac-sha1-32.ts), MKI fields (srtp-packet.ts),
// and "never throw" on the packet path.
//
// Allocation: werift's transforms build new Buffers per packet (node:crypto Cipher/Hmac objects,
// Buffer.concat of header, payload and tag); node:crypto offers no way to re-key a reusable Cipher
// with a new IV, so a per-packet allocation of the output is unavoidable here. Index and replay
// bookkeeping (replay.ts) allocates nothing; an MKI or the 32-bit tag add one copy per packet.
import { ProtectionProfileAeadAes128Gcm, ProtectionProfileAes128CmHmacSha1_80, SrtpSession, type RtpHeader } from 'werift';
import { suiteKeyLengths, type CryptoSuite } from './crypto-attribute.js';
import { ReplayTable, REPLAY_OK, REPLAY_SEEN, estimateRoc } from './replay.js';
import { AesCmSha1_32Receiver } from './aes-cm-hmac-sha1-32.js';
import { HeaderView, headerLength, insertMki, mkiBytes } from './srtp-packet.js';

/** The suites SrtpContext runs (RFC 4568 §6.2, RFC 7714 §14.1), in our order of preference. */
export const SRTP_CONTEXT_SUITES: readonly CryptoSuite[] = ['AES_CM_128_HMAC_SHA1_80', 'AEAD_AES_128_GCM', 'AES_CM_128_HMAC_SHA1_32'];

export interface SrtpKeyMaterial {
  readonly key: Buffer;
  readonly salt: Buffer;
  /** RFC 3711 §3.1 MKI carried in every packet of this direction (AES-CM suites only) */
  readonly mki?: { readonly value: number; readonly length: number } | null;
}

export interface SrtpContextOptions {
  suite: CryptoSuite;
  /** our master key: what we protect with (the key in our `a=crypto` line) */
  local: SrtpKeyMaterial;
  /** the peer's master key: what we unprotect with (the key in its `a=crypto` line) */
  remote: SrtpKeyMaterial;
  /** replay window in packets, default 128 (RFC 3711 §3.3.2: at least 64) */
  replayWindow?: number;
  /** SSRCs tracked per direction, default 8 */
  maxSsrcs?: number;
}

export type SrtpContextResult = { ok: true; value: SrtpContext } | { ok: false; error: { code: 'bad-key'; detail: string } };

/** What the packet path dropped and why; plain counters, read by stats. */
export interface SrtpCounters {
  /** the tag did not verify: wrong key, tampering, a truncated packet */
  authFailures: number;
  /** an index already received, or one older than the replay window (RFC 3711 §3.3.2) */
  replays: number;
  /** not RTP/RTCP at all, or too short to hold the SRTP fields */
  malformed: number;
}

type WeriftContext = SrtpSession['localContext'];

export class SrtpContext {
  readonly suite: CryptoSuite;
  readonly counters: SrtpCounters = { authFailures: 0, replays: 0, malformed: 0 };
  readonly #local: WeriftContext;
  readonly #remote: WeriftContext;
  /** SRTP authentication tag length: RFC 4568 §6.2.2 (4 for _32), RFC 7714 §12 (16 for GCM) */
  readonly #rtpTag: number;
  /** SRTCP tag: _32 still uses an 80-bit SRTCP tag (RFC 4568 §6.2.2 refers to RFC 3711's default) */
  readonly #rtcpTag: number;
  readonly #gcm: boolean;
  readonly #localMki: Buffer | null;
  readonly #remoteMki: Buffer | null;
  readonly #sendRtp: ReplayTable;
  readonly #recvRtp: ReplayTable;
  readonly #sendRtcp: ReplayTable;
  readonly #recvRtcp: ReplayTable;
  readonly #hdr = new HeaderView();
  /** the receive side of AES_CM_128_HMAC_SHA1_32 (null for the other suites) */
  readonly #recv32: AesCmSha1_32Receiver | null;
  #index = 0;

  /** Use `createSrtpContext` (checks key lengths) rather than this constructor. */
  constructor(o: SrtpContextOptions) {
    this.suite = o.suite;
    this.#gcm = o.suite === 'AEAD_AES_128_GCM';
    const session = new SrtpSession({
      keys: { localMasterKey: o.local.key, localMasterSalt: o.local.salt, remoteMasterKey: o.remote.key, remoteMasterSalt: o.remote.salt },
      profile: this.#gcm ? ProtectionProfileAeadAes128Gcm : ProtectionProfileAes128CmHmacSha1_80,
    });
    this.#local = session.localContext;
    this.#remote = session.remoteContext;
    this.#rtpTag = this.#gcm ? 16 : o.suite === 'AES_CM_128_HMAC_SHA1_32' ? 4 : 10;
    this.#rtcpTag = this.#gcm ? 16 : 10;
    this.#recv32 = this.#rtpTag === 4 ? new AesCmSha1_32Receiver(this.#remote) : null;
    this.#localMki = mkiBytes(o.local.mki);
    this.#remoteMki = mkiBytes(o.remote.mki);
    const table = { slots: o.maxSsrcs ?? 8, window: o.replayWindow ?? 128 };
    this.#sendRtp = new ReplayTable(table);
    this.#recvRtp = new ReplayTable(table);
    this.#sendRtcp = new ReplayTable(table);
    this.#recvRtcp = new ReplayTable(table);
  }

  /**
   * Index of an RTP packet for `table` into this.#index (RFC 3711 Appendix A), then the replay
   * verdict. A new SSRC starts at ROC 0 with s_l = SEQ (RFC 3711 §3.3.1).
   */
  #rtpIndex(table: ReplayTable, slot: number, seq: number): number {
    if (slot < 0) {
      this.#index = seq;
      return REPLAY_OK;
    }
    const highest = table.highest(slot);
    const roc = Math.floor(highest / 65536);
    const v = estimateRoc(roc, highest - roc * 65536, seq);
    if (v < 0) return REPLAY_SEEN;
    this.#index = v * 65536 + seq;
    return table.check(slot, this.#index);
  }

  /** SRTP protect (RFC 3711 §3.3). Null when `packet` is not RTP or repeats an index already sent. */
  protectRtp(packet: Buffer): Buffer | null {
    const hl = headerLength(packet);
    if (hl < 0) return this.#malformed();
    const ssrc = packet.readUInt32BE(8);
    const seq = packet.readUInt16BE(2);
    const slot = this.#sendRtp.find(ssrc);
    // RFC 3711 §3.3.2 applies to senders too (libsrtp refuses): a reused index reuses keystream.
    if (this.#rtpIndex(this.#sendRtp, slot, seq) !== REPLAY_OK) return this.#replay();
    const index = this.#index;
    const roc = Math.floor(index / 65536);
    const h = this.#hdr;
    h.ssrc = ssrc;
    h.sequenceNumber = seq;
    h.serializeSize = hl;
    h.bytes = packet.subarray(0, hl);
    let out: Buffer;
    try {
      out = this.#local.cipher.encryptRtp(h as unknown as RtpHeader, packet.subarray(hl), roc);
    } catch {
      return this.#malformed();
    }
    this.#sendRtp.accept(slot, ssrc, index);
    // RFC 3711 §4.2: the tag is the leftmost n_tag bits of the HMAC, so the 32-bit tag is a prefix of the 80-bit one
    if (this.#rtpTag === 4) out = out.subarray(0, out.length - 6);
    return this.#localMki ? insertMki(out, this.#localMki, this.#rtpTag) : out;
  }

  /** SRTP unprotect. Null on an authentication failure, a replay, or a packet too short for SRTP. */
  unprotectRtp(packet: Buffer): Buffer | null {
    const mkiLen = this.#remoteMki?.length ?? 0;
    const hl = headerLength(packet);
    if (hl < 0 || packet.length < hl + mkiLen + this.#rtpTag) return this.#malformed();
    const ssrc = packet.readUInt32BE(8);
    const seq = packet.readUInt16BE(2);
    const slot = this.#recvRtp.find(ssrc);
    // RFC 3711 §3.3: the replay check comes before authentication, the update after it
    if (this.#rtpIndex(this.#recvRtp, slot, seq) !== REPLAY_OK) return this.#replay();
    const index = this.#index;
    const roc = Math.floor(index / 65536);
    // RFC 3711 §3.1: the MKI sits between the encrypted portion and the tag, outside the authenticated portion
    if (mkiLen > 0) {
      const at = packet.length - this.#rtpTag - mkiLen;
      if (!packet.subarray(at, at + mkiLen).equals(this.#remoteMki!)) return this.#authFailure();
      packet = Buffer.concat([packet.subarray(0, at), packet.subarray(at + mkiLen)]);
    }
    let plain: Buffer;
    try {
      plain = this.#recv32 ? this.#recv32.unprotect(packet, hl, index) : this.#unprotectWerift(packet, hl, ssrc, seq, roc);
    } catch {
      return this.#authFailure();
    }
    this.#recvRtp.accept(slot, ssrc, index);
    return plain;
  }

  #unprotectWerift(packet: Buffer, hl: number, ssrc: number, seq: number, roc: number): Buffer {
    const h = this.#hdr;
    h.ssrc = ssrc;
    h.sequenceNumber = seq;
    h.payloadOffset = hl;
    h.padding = (packet[0]! & 0x20) !== 0;
    h.paddingSize = 0;
    return this.#remote.cipher.decryptRtp(packet, roc, h as unknown as RtpHeader)[0];
  }

  /** SRTCP protect (RFC 3711 §3.4; RFC 7714 §9 for GCM). Null when `packet` is not RTCP. */
  protectRtcp(packet: Buffer): Buffer | null {
    if (packet.length < 8 || packet[0]! >> 6 !== 2) return this.#malformed();
    const ssrc = packet.readUInt32BE(4);
    const slot = this.#sendRtcp.find(ssrc);
    // RFC 3711 §3.4: "The SRTCP index MUST be set to zero before the first SRTCP packet is sent,
    // and MUST be incremented by one, modulo 2^31, after each SRTCP packet is sent."
    const index = slot < 0 ? 0 : (this.#sendRtcp.highest(slot) + 1) % 0x80000000;
    let out: Buffer;
    try {
      out = this.#local.cipher.encryptRTCP(packet, index);
    } catch {
      return this.#malformed();
    }
    this.#sendRtcp.accept(slot, ssrc, index);
    return this.#localMki ? insertMki(out, this.#localMki, this.#rtcpTag) : out;
  }

  /** SRTCP unprotect. Null on an authentication failure, a replayed SRTCP index, or a runt. */
  unprotectRtcp(packet: Buffer): Buffer | null {
    const mkiLen = this.#remoteMki?.length ?? 0;
    if (packet.length < 8 + 4 + mkiLen + this.#rtcpTag || packet[0]! >> 6 !== 2) return this.#malformed();
    const ssrc = packet.readUInt32BE(4);
    // RFC 3711 §3.4: E || SRTCP index precede [MKI] and the tag; RFC 7714 §9.2: with GCM the index comes last
    const indexAt = this.#gcm ? packet.length - 4 : packet.length - this.#rtcpTag - mkiLen - 4;
    const index = packet.readUInt32BE(indexAt) & 0x7fffffff;
    const slot = this.#recvRtcp.find(ssrc);
    if (this.#recvRtcp.check(slot, index) !== REPLAY_OK) return this.#replay();
    if (mkiLen > 0) {
      const at = indexAt + 4;
      if (!packet.subarray(at, at + mkiLen).equals(this.#remoteMki!)) return this.#authFailure();
      packet = Buffer.concat([packet.subarray(0, at), packet.subarray(at + mkiLen)]);
    }
    let plain: Buffer;
    try {
      plain = this.#remote.cipher.decryptRTCP(packet)[0];
    } catch {
      return this.#authFailure();
    }
    this.#recvRtcp.accept(slot, ssrc, index);
    return plain;
  }

  #malformed(): null {
    this.counters.malformed++;
    return null;
  }
  #replay(): null {
    this.counters.replays++;
    return null;
  }
  #authFailure(): null {
    this.counters.authFailures++;
    return null;
  }
}

/** Checks key and salt lengths for the suite, then builds the context. */
export function createSrtpContext(o: SrtpContextOptions): SrtpContextResult {
  const want = suiteKeyLengths(o.suite);
  for (const [side, k] of [['local', o.local], ['remote', o.remote]] as const) {
    if (k.key.length !== want.key || k.salt.length !== want.salt) {
      return { ok: false, error: { code: 'bad-key', detail: `${side} key/salt must be ${want.key}/${want.salt} octets for ${o.suite}` } };
    }
    if (k.mki && (o.suite === 'AEAD_AES_128_GCM' || k.mki.length < 1 || k.mki.length > 4)) {
      return { ok: false, error: { code: 'bad-key', detail: `${side} MKI unsupported for ${o.suite}` } };
    }
  }
  return { ok: true, value: new SrtpContext(o) };
}
