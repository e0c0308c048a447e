// SpeechProcess: the main thread's handle on the speech child process. It starts the child, answers
// requests by id, and when the child dies (sherpa-onnx's exit(), a native crash, OOM) rejects every
// pending request with the cause (exit status and the child's last stderr lines), tells
// `onCrash` (calls carry on without speech and record why), and starts a new child: at once after a
// child that had been ready, with back-off (1 s doubling, 30 s at most) after one that never was.
import { fork, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../sip/index.js';
import type { SpeechEvent, SpeechMessage, SpeechRequest, SpeechResult } from './worker/protocol.js';

type Req = SpeechRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

export class SpeechError extends Error {
  constructor(
    readonly code: 'speech-crashed' | 'speech-failed' | 'speech-closed' | 'speech-timeout',
    message: string,
  ) {
    super(message);
    this.name = 'SpeechError';
  }
}

export interface SpeechProcessOptions {
  logger: Logger;
  /** folder for the PCM socket (a Unix socket path is limited to ~107 bytes) */
  socketDir: string;
  onEvent?: (e: SpeechEvent) => void;
  onCrash?: (cause: string) => void;
  /** a request unanswered this long is rejected (a hung model); the child keeps running */
  requestTimeoutMs?: number;
  timers?: { setTimeout: typeof setTimeout; clearTimeout: typeof clearTimeout };
}

const entry = new URL(`./worker/speech-process.${import.meta.url.endsWith('.ts') ? 'ts' : 'js'}`, import.meta.url);
const STDERR_KEEP = 4096;

export class SpeechProcess {
  readonly #opts: SpeechProcessOptions;
  readonly #timers: NonNullable<SpeechProcessOptions['timers']>;
  readonly #pending = new Map<number, { resolve: (r: SpeechResult) => void; reject: (e: Error) => void; timer: ReturnType<typeof setTimeout> }>();
  #child: ChildProcess | null = null;
  #ready: Promise<void> | null = null;
  #seq = 0;
  #generation = 0;
  #stderr = '';
  #backoffMs = 0;
  #restartTimer: ReturnType<typeof setTimeout> | null = null;
  #closed = false;
  #restarts = 0;
  #lastCrash: string | null = null;
  #pcmSocket: string | null = null;
  /** listeners besides options.onEvent: live transcription and IVR speech input each take their streams' events */
  readonly #listeners = new Set<(e: SpeechEvent) => void>();

  constructor(options: SpeechProcessOptions) {
    this.#opts = options;
    this.#timers = options.timers ?? { setTimeout, clearTimeout };
  }

  get restarts(): number {
    return this.#restarts;
  }
  get lastCrash(): string | null {
    return this.#lastCrash;
  }
  /** where media workers write PCM (pcm-socket.ts); null until the child is ready */
  get pcmSocket(): string | null {
    return this.#pcmSocket;
  }
  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /** the child's events (VAD, recognition of PCM socket streams); returns the unsubscribe */
  subscribe(listener: (e: SpeechEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  }

  start(): Promise<void> {
    if (this.#closed) return Promise.reject(new SpeechError('speech-closed', 'the speech process is closed'));
    this.#ready ??= this.#spawn();
    return this.#ready;
  }

  async request(req: Req): Promise<SpeechResult> {
    await this.start();
    const child = this.#child;
    if (!child?.connected) throw new SpeechError('speech-crashed', `the speech process is down: ${this.#lastCrash ?? 'not started'}`);
    const id = ++this.#seq;
    return new Promise((resolve, reject) => {
      const timer = this.#timers.setTimeout(() => {
        this.#pending.delete(id);
        reject(new SpeechError('speech-timeout', `the speech process did not answer '${req.op}' in ${this.#opts.requestTimeoutMs ?? 60_000} ms`));
      }, this.#opts.requestTimeoutMs ?? 60_000);
      this.#pending.set(id, { resolve, reject, timer });
      child.send({ ...req, id } as SpeechRequest);
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#restartTimer) this.#timers.clearTimeout(this.#restartTimer);
    this.#failPending(new SpeechError('speech-closed', 'the speech process was closed'));
    const child = this.#child;
    this.#child = null;
    if (child && child.exitCode === null && child.signalCode === null) {
      const gone = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill('SIGTERM');
      await gone;
    }
    if (this.#pcmSocket) rmSync(this.#pcmSocket, { force: true });
  }

  #spawn(): Promise<void> {
    const generation = ++this.#generation;
    const socket = join(this.#opts.socketDir, `hailing-speech-${process.pid}-${generation}.sock`);
    const child = fork(entry, [socket], {
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      execArgv: entry.pathname.endsWith('.ts') ? ['--import', 'tsx'] : [],
    });
    this.#child = child;
    this.#stderr = '';
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (s: string) => {
      this.#stderr = (this.#stderr + s).slice(-STDERR_KEEP);
    });
    let becameReady = false;
    return new Promise<void>((resolve, reject) => {
      child.on('message', (raw) => {
        const m = raw as SpeechMessage;
        if ('event' in m) {
          if (m.event === 'ready') {
            becameReady = true;
            this.#backoffMs = 0;
            this.#pcmSocket = m.pcmSocket;
            resolve();
          }
          this.#opts.onEvent?.(m);
          for (const l of this.#listeners) {
            try {
              l(m);
            } catch (err) {
              this.#opts.logger.error({ err: String(err), event: m.event }, 'speech event listener failed');
            }
          }
          return;
        }
        const p = this.#pending.get(m.id);
        if (!p) return;
        this.#pending.delete(m.id);
        this.#timers.clearTimeout(p.timer);
        if (m.ok) p.resolve(m.result);
        else p.reject(new SpeechError('speech-failed', m.error));
      });
      child.on('exit', (code, signal) => {
        if (this.#child !== child) return;
        const tail = this.#stderr.trim().split('\n').slice(-3).join(' | ');
        const cause = `the speech process exited (${signal ?? `code ${code}`})${tail ? `: ${tail}` : ''}`;
        this.#child = null;
        this.#pcmSocket = null;
        rmSync(socket, { force: true });
        if (this.#closed) return;
        this.#lastCrash = cause;
        this.#opts.logger.error({ code, signal, stderr: tail }, 'speech process died; restarting it');
        this.#failPending(new SpeechError('speech-crashed', cause));
        this.#opts.onCrash?.(cause);
        if (!becameReady) reject(new SpeechError('speech-crashed', cause));
        this.#backoffMs = becameReady ? 0 : Math.min(30_000, Math.max(1000, this.#backoffMs * 2));
        this.#ready = null;
        this.#restartTimer = this.#timers.setTimeout(() => {
          this.#restartTimer = null;
          this.#restarts++;
          this.start().catch(() => undefined);
        }, this.#backoffMs);
      });
    });
  }

  #failPending(err: Error): void {
    for (const [id, p] of this.#pending) {
      this.#timers.clearTimeout(p.timer);
      p.reject(err);
      this.#pending.delete(id);
    }
  }
}
