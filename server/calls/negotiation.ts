// SDP offer/answer across the B2BUA with transcoding and SDES-SRTP (RFC 3264, RFC 4568). The
// offer to the other party lists the offerer's codecs first (so the answer can pick one both share
// and the relay passes media through untouched) and then every codec the engine can transcode to;
// the answer back names the codec the answerer chose when the offerer listed it, else the
// offerer's own first codec, and the media engine transcodes between the two.
import {
  chooseCrypto,
  formatCryptoAttribute,
  newCryptoKey,
  parseCryptoAttribute,
  SRTP_CONTEXT_SUITES,
  type CryptoAttribute,
  type ExtraCodec,
  type SdpAttribute,
  type SrtpKeys,
} from '../../media/index.js';

/** appended to every offer we pass on: what media/codecs can transcode to (RFC 3551 static types where they exist) */
export const TRANSCODABLE: readonly ExtraCodec[] = [
  { encoding: 'PCMU', clockRate: 8000, payloadType: 0 },
  { encoding: 'PCMA', clockRate: 8000, payloadType: 8 },
  { encoding: 'G722', clockRate: 8000, payloadType: 9 },
  { encoding: 'opus', clockRate: 48000, channels: 2, fmtp: 'useinbandfec=1' },
  { encoding: 'telephone-event', clockRate: 8000, fmtp: '0-16' },
];

export const isSecureProto = (proto: string): boolean => proto === 'RTP/SAVP' || proto === 'RTP/SAVPF';

/** Our half of an SDES exchange with one phone: the key we send with, and the tag/suite it belongs to. */
export interface SdesLocal {
  readonly tag: number;
  readonly suite: SrtpKeys['suite'];
  readonly key: string;
}

export function newSdes(tag = 1, suite: SrtpKeys['suite'] = 'AES_CM_128_HMAC_SHA1_80'): SdesLocal {
  const { key, salt } = newCryptoKey({ suite });
  return { tag, suite, key: Buffer.concat([key, salt]).toString('base64') };
}

export const cryptoLine = (local: SdesLocal): SdpAttribute => ({
  name: 'crypto',
  value: formatCryptoAttribute({ tag: local.tag, suite: local.suite, key: Buffer.from(local.key, 'base64').subarray(0, 16), salt: Buffer.from(local.key, 'base64').subarray(16) }),
});

/** RFC 4568 §7.1.2: the first usable line the phone offered (or answered with) */
export function pickCrypto(lines: readonly string[]): CryptoAttribute | null {
  const offered = lines.map(parseCryptoAttribute).flatMap((r) => (r.ok ? [r.value] : []));
  return chooseCrypto({ offered, supported: SRTP_CONTEXT_SUITES });
}

export const keyOf = (a: CryptoAttribute): string => Buffer.concat([a.keys[0]!.key, a.keys[0]!.salt]).toString('base64');
