// The canonical 44-byte RIFF/WAVE header for 16-bit PCM (Microsoft "Multimedia Programming
// Interface and Data Specifications 1.0", RIFF chunk + "fmt " chunk with WAVE_FORMAT_PCM + "data").

export const WAV_HEADER_BYTES = 44;

export interface WavHeaderOptions {
  readonly sampleRate: number;
  readonly channels: 1 | 2;
  /** bytes of sample data following the header */
  readonly dataBytes: number;
}

/** Writes the header into `out[0, 44)`; fills in nothing else. Allocation-free, so it runs after every flush. */
export function writeWavHeader(out: Buffer, options: WavHeaderOptions): void {
  const blockAlign = options.channels * 2;
  // A RIFF size field is 32 bits: a recording past 4 GiB keeps the largest size it can state.
  const data = Math.min(options.dataBytes, 0xffffffff - 36);
  out.write('RIFF', 0, 'latin1');
  out.writeUInt32LE(36 + data, 4); // the RIFF chunk's size counts everything after this field
  out.write('WAVE', 8, 'latin1');
  out.write('fmt ', 12, 'latin1');
  out.writeUInt32LE(16, 16);
  out.writeUInt16LE(1, 20); // WAVE_FORMAT_PCM
  out.writeUInt16LE(options.channels, 22);
  out.writeUInt32LE(options.sampleRate, 24);
  out.writeUInt32LE(options.sampleRate * blockAlign, 28); // average bytes per second
  out.writeUInt16LE(blockAlign, 32);
  out.writeUInt16LE(16, 34); // bits per sample
  out.write('data', 36, 'latin1');
  out.writeUInt32LE(data, 40);
}

/**
 * A sealed WAV's header keeps the sizes of an empty file (sealed records are never rewritten):
 * states the RIFF and data sizes in `head` (the file's first bytes, header included) for a
 * plaintext `fileBytes` long. Leaves anything that is not our 44-byte header alone.
 */
export function restateWavSizes(head: Buffer, fileBytes: number): void {
  if (head.length < WAV_HEADER_BYTES || head.toString('latin1', 0, 4) !== 'RIFF' || head.toString('latin1', 36, 40) !== 'data') return;
  const data = Math.min(Math.max(0, fileBytes - WAV_HEADER_BYTES), 0xffffffff - 36);
  head.writeUInt32LE(36 + data, 4);
  head.writeUInt32LE(data, 40);
}
