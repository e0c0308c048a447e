// Post-call transcription: when a recorded call's recording is complete, a job is queued (a table,
// so it survives a restart); one job at a time, the recording is read through the vault (sealed
// files are decrypted as they are read, docs/data-at-rest.md), each channel (caller left, callee
// right) goes through the offline recogniser (VAD segments, then text), and the segments are
// stored. A failed attempt is retried after a delay, up to a bounded number of attempts; the reason
// stays on the job.
import { execFile } from 'node:child_process';
import { open } from 'node:fs/promises';
import { isAbsolute, resolve, sep } from 'node:path';
import { resampleAll } from '../../media/index.js';
import type { RecordingVault } from '../recording/index.js';
import type { Logger } from '../sip/index.js';
import type { OfflineRecognizer } from '../speech/index.js';
import type { CallRecordView, NewTranscriptSegment, TranscriptionJobRow, TranscriptsRepository } from '../store/index.js';
import { parseWav } from './wav.js';

export interface TranscriptionServiceOptions {
  readonly repo: TranscriptsRepository;
  readonly records: { get(id: string): Promise<CallRecordView | undefined> };
  /** the recordings folder (records name files relative to it) */
  readonly dir: string;
  readonly vault: RecordingVault;
  readonly asr: OfflineRecognizer;
  readonly logger: Logger;
  /** punctuation of each segment's text (app/punctuation.ts: never rejects); absent: text as recognised */
  readonly punctuate?: (text: string) => Promise<string>;
  /** default 3 */
  readonly maxAttempts?: number;
  /** delay before a failed job is tried again; default 30 s */
  readonly retryInMs?: number;
  /** how often due retries are looked for; default 5 s */
  readonly pollMs?: number;
}

const SPEAKERS = ['caller', 'callee'] as const;

/** decodes Ogg/Opus bytes (stdin) to a 16 kHz WAV (stdout) with opusdec */
function opusToWav(ogg: Buffer): Promise<Buffer> {
  return new Promise((resolveWav, reject) => {
    const child = execFile('opusdec', ['--quiet', '--rate', '16000', '--force-wav', '-', '-'], { encoding: 'buffer', maxBuffer: 512 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`opusdec could not decode the recording: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'opusdec is not installed (opus-tools)' : stderr.toString().trim() || err.message}`));
      else resolveWav(stdout);
    });
    child.stdin?.end(ogg);
  });
}

export class TranscriptionService {
  readonly #o: TranscriptionServiceOptions;
  #running: Promise<void> | null = null;
  #again = false;
  #timer: ReturnType<typeof setInterval> | null = null;
  #stopped = false;

  constructor(options: TranscriptionServiceOptions) {
    this.#o = options;
  }

  /** takes up jobs a crash left running, then works the queue */
  async start(): Promise<void> {
    const requeued = await this.#o.repo.requeueRunning();
    if (requeued > 0) this.#o.logger.info({ jobs: requeued }, 'transcription jobs taken up again after a restart');
    this.#timer = setInterval(() => this.#kick(), this.#o.pollMs ?? 5000);
    this.#timer.unref();
    this.#kick();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
    await this.#running;
  }

  /** a call's recording is complete: queue its transcription */
  async enqueue(callId: string): Promise<void> {
    await this.#o.repo.enqueue(callId);
    this.#kick();
  }

  /** resolves when the queue has nothing due (tests, shutdown) */
  idle(): Promise<void> {
    return this.#running ?? Promise.resolve();
  }

  #kick(): void {
    if (this.#stopped) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = this.#drain()
      .catch((err: unknown) => this.#o.logger.error({ err: String(err) }, 'transcription queue failed'))
      .finally(() => {
        this.#running = null;
        if (this.#again) {
          this.#again = false;
          this.#kick();
        }
      });
  }

  async #drain(): Promise<void> {
    for (let job = await this.#o.repo.claim(); job && !this.#stopped; job = await this.#o.repo.claim()) {
      try {
        const segments = await this.#transcribe(job);
        await this.#o.repo.complete(job.callId, segments);
        this.#o.logger.info({ call: job.callId, segments: segments.length }, 'call transcribed');
      } catch (err) {
        const reason = err instanceof Error ? err.message : String(err);
        this.#o.logger.warn({ call: job.callId, attempt: job.attempts, reason }, 'transcription failed');
        await this.#o.repo.fail(job, reason, { maxAttempts: this.#o.maxAttempts ?? 3, retryInMs: this.#o.retryInMs ?? 30_000 });
      }
    }
  }

  async #transcribe(job: TranscriptionJobRow): Promise<NewTranscriptSegment[]> {
    const record = await this.#o.records.get(job.callId);
    if (!record) throw new Error('the call record does not exist');
    if (!record.recordingPath) throw new Error('the call has no recording');
    const plain = await this.#read(record.recordingPath);
    // Ogg/Opus: opus-tools' decoder (installed for the recording tests) gives 16 kHz WAV, channels kept
    const wav = parseWav((record.recordingFormat ?? 'wav') === 'ogg' ? await opusToWav(plain) : plain);
    const mixed = wav.channels.length === 1;
    const out: NewTranscriptSegment[] = [];
    for (const [channel, raw] of wav.channels.entries()) {
      // VAD and the recogniser take 8 or 16 kHz; a wideband recording at another rate is resampled once
      const rate = wav.rate === 8000 || wav.rate === 16000 ? wav.rate : 16000;
      const pcm = rate === wav.rate ? raw : resampleAll({ input: raw, fromRate: wav.rate, toRate: rate, quality: 'high' });
      for (const r of await this.#o.asr.transcribe({ pcm, rate })) {
        const text = this.#o.punctuate ? await this.#o.punctuate(r.text) : r.text;
        out.push({ channel, speaker: mixed ? 'mixed' : (SPEAKERS[channel] ?? `channel ${channel}`), startMs: r.startMs, endMs: r.endMs, text, confidence: r.confidence });
      }
    }
    return out.sort((a, b) => a.startMs - b.startMs || a.channel - b.channel);
  }

  /** the recording's plaintext; the stored path must stay inside the recordings folder */
  async #read(stored: string): Promise<Buffer> {
    const root = resolve(this.#o.dir);
    const path = isAbsolute(stored) ? stored : resolve(root, stored);
    if (!path.startsWith(root + sep)) throw new Error('the recording lies outside the recordings folder');
    const handle = await open(path, 'r');
    const opened = await this.#o.vault.openForPlayback({ handle, size: (await handle.stat()).size });
    if (!opened.ok) throw new Error(opened.reason);
    const chunks: Buffer[] = [];
    for await (const chunk of opened.playback.stream()) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }
}
