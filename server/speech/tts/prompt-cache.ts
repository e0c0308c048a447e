// Synthesised prompts as WAV files the call's player plays (PlayItem.file), cached by
// text + voice + rate + speed + engine, so a dial plan's "say" costs one synthesis, not one per call.
// Files are written to a temporary name and renamed: a reader never sees half a prompt.
import { createHash, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TtsError, type TtsEngine, type TtsRate } from './tts.js';

/** RIFF/WAVE, PCM 16-bit mono (the canonical 44-byte header) */
export function wavBytes(options: { pcm: Int16Array; rate: number }): Buffer {
  const data = options.pcm.length * 2;
  const b = Buffer.alloc(44 + data);
  b.write('RIFF', 0, 'latin1');
  b.writeUInt32LE(36 + data, 4);
  b.write('WAVEfmt ', 8, 'latin1');
  b.writeUInt32LE(16, 16);
  b.writeUInt16LE(1, 20);
  b.writeUInt16LE(1, 22);
  b.writeUInt32LE(options.rate, 24);
  b.writeUInt32LE(options.rate * 2, 28);
  b.writeUInt16LE(2, 32);
  b.writeUInt16LE(16, 34);
  b.write('data', 36, 'latin1');
  b.writeUInt32LE(data, 40);
  for (let i = 0; i < options.pcm.length; i++) b.writeInt16LE(options.pcm[i] as number, 44 + i * 2);
  return b;
}

export interface SayRequest {
  readonly text: string;
  readonly voice?: string;
  readonly rate: TtsRate;
  readonly speed?: number;
  /**
   * not cached: a fresh file of its own, which the caller deletes once played (an IVR prompt that
   * reads a secret back, PCI DSS: the spoken number must not stay on disk)
   */
  readonly transient?: boolean;
}

export class TtsPrompts {
  readonly #dir: string;
  readonly #engines: readonly TtsEngine[];
  readonly #inFlight = new Map<string, Promise<string>>();
  #hits = 0;
  #misses = 0;

  /** `engines` in order of preference: a voice is taken from the first engine that lists it */
  constructor(options: { dir: string; engines: readonly TtsEngine[] }) {
    this.#dir = options.dir;
    this.#engines = options.engines;
  }

  get stats(): { hits: number; misses: number } {
    return { hits: this.#hits, misses: this.#misses };
  }

  /** each voice once, with the engine that speaks it (the first that lists it, as promptFile picks) */
  voices(): Array<{ voice: string; engine: string }> {
    const seen = new Set<string>();
    return this.#engines.flatMap((e) => e.voices().filter((v) => !seen.has(v) && seen.add(v)).map((voice) => ({ voice, engine: e.name })));
  }

  /** the WAV file of `text` spoken; synthesised once per text+voice+rate+speed */
  async promptFile(req: SayRequest): Promise<string> {
    const voice = req.voice ?? 'en';
    const engine = this.#engines.find((e) => e.voices().includes(voice));
    if (!engine) throw new TtsError('unknown-voice', `no TTS engine has the voice '${voice}'`);
    const key = createHash('sha256')
      .update(JSON.stringify([engine.name, voice, req.rate, req.speed ?? 1, req.text]))
      .digest('hex');
    if (req.transient === true) {
      const pcm = await engine.synthesize({ text: req.text, voice, rate: req.rate, speed: req.speed });
      await mkdir(this.#dir, { recursive: true });
      const once = join(this.#dir, `transient-${randomUUID()}.wav`);
      await writeFile(once, wavBytes({ pcm, rate: req.rate }), { mode: 0o600 });
      return once;
    }
    const file = join(this.#dir, `${key}.wav`);
    if (existsSync(file)) {
      this.#hits++;
      return file;
    }
    const running = this.#inFlight.get(key);
    if (running) return running;
    this.#misses++;
    const made = (async () => {
      const pcm = await engine.synthesize({ text: req.text, voice, rate: req.rate, speed: req.speed });
      await mkdir(this.#dir, { recursive: true });
      const tmp = `${file}.${process.pid}.tmp`;
      await writeFile(tmp, wavBytes({ pcm, rate: req.rate }));
      await rename(tmp, file);
      return file;
    })().finally(() => this.#inFlight.delete(key));
    this.#inFlight.set(key, made);
    return made;
  }
}
