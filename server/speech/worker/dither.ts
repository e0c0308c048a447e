/**
 * The PCM as floats with ±4 LSB of triangular dither, as Kaldi's fbank adds by default: digital
 * silence (exact zeros, which a G.711 call's silence decodes to) has no energy, its log-mel features
 * sit at the floor, and a recogniser trained on audio with any noise in its pauses (the fixture's
 * sox G.711 adds dither) reads digits into them: 8 of 14 digits wrong on a real call's recording,
 * 1 of 14 with this. Seeded per call, so the same audio always gives the same text.
 */
export function dithered(pcm: Int16Array): Float32Array {
  const samples = new Float32Array(pcm.length);
  let seed = 0x2545f491;
  const uniform = (): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 4294967296;
  };
  for (let i = 0; i < pcm.length; i++) samples[i] = ((pcm[i] as number) + 4 * (uniform() - uniform())) / 32768;
  return samples;
}
