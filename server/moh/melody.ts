// The default music-on-hold class's one file, made in code at first start (no audio is downloaded
// or shipped): a short, quiet tone melody, mono 16-bit PCM WAV at 8 kHz (what G.711 carries, the
// format uploads are converted to). Each note has a soft attack and release so that the loop has
// no clicks.

export const MOH_RATE = 8000;

/** C major arpeggio up and down, then a rest: [Hz, ms] (0 Hz = silence) */
const NOTES: readonly (readonly [number, number])[] = [
  [523.25, 300],
  [659.25, 300],
  [783.99, 300],
  [1046.5, 450],
  [783.99, 300],
  [659.25, 300],
  [523.25, 450],
  [0, 300],
  [587.33, 300],
  [698.46, 300],
  [880, 300],
  [698.46, 450],
  [0, 400],
];

/** RIFF/WAVE header + data for mono 16-bit PCM at `rate` */
export function wavBytes(samples: Int16Array, rate: number): Uint8Array {
  const data = samples.length * 2;
  const out = Buffer.alloc(44 + data);
  out.write('RIFF', 0, 'ascii');
  out.writeUInt32LE(36 + data, 4);
  out.write('WAVEfmt ', 8, 'ascii');
  out.writeUInt32LE(16, 16);
  out.writeUInt16LE(1, 20); // PCM
  out.writeUInt16LE(1, 22); // mono
  out.writeUInt32LE(rate, 24);
  out.writeUInt32LE(rate * 2, 28);
  out.writeUInt16LE(2, 32);
  out.writeUInt16LE(16, 34);
  out.write('data', 36, 'ascii');
  out.writeUInt32LE(data, 40);
  for (let i = 0; i < samples.length; i++) out.writeInt16LE(samples[i]!, 44 + i * 2);
  return new Uint8Array(out.buffer, out.byteOffset, out.length);
}

/** the default melody's PCM: about -12 dBFS peaks, 20 ms fades */
export function defaultMelody(rate = MOH_RATE): Int16Array {
  const total = NOTES.reduce((n, [, ms]) => n + Math.round((rate * ms) / 1000), 0);
  const pcm = new Int16Array(total);
  const fade = Math.round(rate * 0.02);
  let at = 0;
  for (const [hz, ms] of NOTES) {
    const n = Math.round((rate * ms) / 1000);
    for (let i = 0; hz > 0 && i < n; i++) {
      const envelope = Math.min(1, i / fade, (n - 1 - i) / fade);
      pcm[at + i] = Math.round(8000 * envelope * Math.sin((2 * Math.PI * hz * i) / rate));
    }
    at += n;
  }
  return pcm;
}
