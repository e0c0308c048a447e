// A media worker's recordings: each a RecordingSession on the worker's 20 ms clock, started,
// paused, attached to a new party after a transfer, and stopped by the engine's commands; a
// record-stop that comes while the file is still being finished waits for the same result.
import { RecordingSession } from '../session/recording.js';
import type { TickTarget } from '../session/ticker.js';
import type { MediaPort } from '../session/port.js';
import type { RecordingResult } from '../types.js';
import type { FromMediaWorker, ToMediaWorker } from './protocol.js';

type Command<T extends ToMediaWorker['type']> = Extract<ToMediaWorker, { type: T }>;

export class WorkerRecordings {
  readonly #ports: ReadonlyMap<string, MediaPort>;
  readonly #post: (message: FromMediaWorker) => void;
  readonly #drive: (target: TickTarget) => void;
  readonly #undrive: (target: TickTarget) => void;
  readonly #recordings = new Map<string, RecordingSession>();
  /** recordings whose file is being finished (a record-stop may come while it is) */
  readonly #stopping = new Map<string, Promise<RecordingResult>>();

  constructor(o: { ports: ReadonlyMap<string, MediaPort>; post: (message: FromMediaWorker) => void; drive: (t: TickTarget) => void; undrive: (t: TickTarget) => void }) {
    this.#ports = o.ports;
    this.#post = o.post;
    this.#drive = o.drive;
    this.#undrive = o.undrive;
  }

  start(message: Command<'record-start'>): void {
    const left = this.#ports.get(message.left);
    const right = message.right === null ? null : (this.#ports.get(message.right) ?? null);
    if (left === undefined) return;
    const session = new RecordingSession({ id: message.recordingId, group: message.group, path: message.path, format: message.format, left, right, mixed: message.mixed, seal: message.seal });
    this.#recordings.set(message.recordingId, session);
    this.#drive(session);
  }

  pause(message: Command<'record-pause'>): void {
    const r = this.#recordings.get(message.recordingId);
    if (message.paused) r?.pause();
    else r?.resume();
  }

  attach(message: Command<'record-attach'>): void {
    const port = this.#ports.get(message.right);
    if (port !== undefined) this.#recordings.get(message.recordingId)?.attach(port);
  }

  /** an endpoint is closing: the other party leaving (a transfer) leaves the caller recorded; the caller leaving ends it */
  forget(port: MediaPort): void {
    for (const [id, r] of this.#recordings) if (r.uses(port) && !r.letGo(port)) void this.stop({ type: 'record-stop', id: -1, recordingId: id });
  }

  close(): void {
    for (const id of this.#recordings.keys()) void this.stop({ type: 'record-stop', id: -1, recordingId: id });
  }

  async stop(message: Command<'record-stop'>): Promise<void> {
    const session = this.#recordings.get(message.recordingId);
    this.#recordings.delete(message.recordingId);
    let finishing = this.#stopping.get(message.recordingId);
    if (session === undefined && finishing === undefined) {
      // already finished: the engine kept the result of one that ended with its endpoint
      this.#post({ type: 'recording', id: message.id, recordingId: message.recordingId, result: null, error: 'unknown recording' });
      return;
    }
    if (session !== undefined) {
      this.#undrive(session);
      finishing = session.stop();
      this.#stopping.set(message.recordingId, finishing);
    }
    try {
      const result = await finishing!;
      this.#post({ type: 'recording', id: message.id, recordingId: message.recordingId, result });
    } catch (err) {
      this.#post({ type: 'recording', id: message.id, recordingId: message.recordingId, result: null, error: String(err) });
    } finally {
      if (session !== undefined) this.#stopping.delete(message.recordingId);
    }
  }
}
