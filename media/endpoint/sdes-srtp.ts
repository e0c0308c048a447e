// SDES-SRTP (RFC 4568) keys as the engine receives them, turned into an SRTP context (werift).
import { createSrtpContext, suiteKeyLengths, type SrtpContext } from '../srtp/index.js';
import type { SrtpKeys } from '../types.js';

/** RFC 4568 §6.1: each inline key is base64(master key || master salt); null when werift rejects them */
export function sdesContext(keys: SrtpKeys): SrtpContext | null {
  const lengths = suiteKeyLengths(keys.suite);
  const split = (base64: string): { key: Buffer; salt: Buffer } => {
    const raw = Buffer.from(base64, 'base64');
    return { key: raw.subarray(0, lengths.key), salt: raw.subarray(lengths.key, lengths.key + lengths.salt) };
  };
  const made = createSrtpContext({ suite: keys.suite, local: split(keys.localKey), remote: split(keys.remoteKey) });
  return made.ok ? made.value : null;
}
