// The PCM of a recording's WAV (16-bit PCM, as the media worker writes it), split into its channels.
// Read from the bytes (the decrypted plaintext of a sealed file), not from a path.

export interface WavChannels {
  readonly rate: number;
  /** one Int16Array per channel: left (caller) first */
  readonly channels: Int16Array[];
}

export function parseWav(buf: Buffer): WavChannels {
  if (buf.length < 12 || buf.toString('latin1', 0, 4) !== 'RIFF' || buf.toString('latin1', 8, 12) !== 'WAVE') throw new Error('not a WAV file');
  let at = 12;
  let fmt: { channels: number; rate: number; bits: number; format: number } | null = null;
  while (at + 8 <= buf.length) {
    const id = buf.toString('latin1', at, at + 4);
    const declared = buf.readUInt32LE(at + 4);
    const body = at + 8;
    if (id === 'fmt ') {
      fmt = { format: buf.readUInt16LE(body), channels: buf.readUInt16LE(body + 2), rate: buf.readUInt32LE(body + 4), bits: buf.readUInt16LE(body + 14) };
    } else if (id === 'data') {
      if (!fmt) throw new Error('WAV data before its format');
      // 0xFFFE is WAVE_FORMAT_EXTENSIBLE, which the recorder does not write but others may
      if ((fmt.format !== 1 && fmt.format !== 0xfffe) || fmt.bits !== 16) throw new Error(`WAV format ${fmt.format} with ${fmt.bits} bits is not 16-bit PCM`);
      // a file cut off by a crash may state more (or 0xFFFFFFFF) bytes than it holds
      const end = Math.min(buf.length, body + declared);
      const frames = Math.floor((end - body) / (2 * fmt.channels));
      const channels = Array.from({ length: fmt.channels }, () => new Int16Array(frames));
      for (let i = 0; i < frames; i++) {
        for (let c = 0; c < fmt.channels; c++) channels[c]![i] = buf.readInt16LE(body + 2 * (i * fmt.channels + c));
      }
      return { rate: fmt.rate, channels };
    }
    at = body + declared + (declared % 2);
  }
  throw new Error('WAV has no data chunk');
}
