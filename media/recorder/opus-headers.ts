// The two Ogg Opus header packets (RFC 7845 §5). Built once per recording, at open.

/**
 * The encoder's lookahead in 48 kHz samples, which RFC 7845 §4.2 says the pre-skip should cover.
 * libopus answers OPUS_GET_LOOKAHEAD with Fs/400 + Fs/250 (2.5 ms + 4 ms delay compensation) for
 * every application but RESTRICTED_LOWDELAY; @discordjs/opus creates its encoder with
 * OPUS_APPLICATION_AUDIO and offers no way to read the value, and at 48 kHz that is 120 + 192 = 312
 * at any input rate (the lookahead scales with Fs). opusenc writes the same figure (see the tests).
 */
export const OPUS_PRE_SKIP = 312;

export interface OpusHeadOptions {
  readonly channels: 1 | 2;
  /** the session rate: RFC 7845 §5.1 "Input Sample Rate", informational for players */
  readonly inputSampleRate: number;
  readonly preSkip: number;
}

/** RFC 7845 §5.1: the 19-byte identification header for channel mapping family 0. */
export function opusHead(options: OpusHeadOptions): Buffer {
  const b = Buffer.alloc(19);
  b.write('OpusHead', 0, 'latin1');
  b[8] = 1; // version: "MUST ... be set to 1"
  b[9] = options.channels;
  b.writeUInt16LE(options.preSkip, 10);
  b.writeUInt32LE(options.inputSampleRate, 12);
  b.writeInt16LE(0, 16); // output gain
  // RFC 7845 §5.1.1.1: family 0 = mono or stereo (L, R), no channel mapping table follows.
  b[18] = 0;
  return b;
}

/** RFC 7845 §5.2: the comment header, with a vendor string and no user comments. */
export function opusTags(vendor: string): Buffer {
  const v = Buffer.from(vendor, 'utf8');
  const b = Buffer.alloc(8 + 4 + v.length + 4);
  b.write('OpusTags', 0, 'latin1');
  b.writeUInt32LE(v.length, 8);
  v.copy(b, 12);
  b.writeUInt32LE(0, 12 + v.length); // user comment list length
  return b;
}
