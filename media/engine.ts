// MediaEngine: the main thread's facade over N media workers. It owns the port pool and the
// placement of groups on workers; workers own the sockets and relay packets between endpoints of
// the same group (one call), so a packet never leaves the worker that received it.
import os from 'node:os';
import { once } from 'node:events';
import type { Worker } from 'node:worker_threads';
import { PortPool } from './endpoint/port-pool.js';
import { EndpointRef, type EndpointOwner } from './endpoint-handle.js';
import { RecordingRef, RoomRef, endpointIn, type SessionOwner } from './rooms.js';
import { defaultMediaWorkerUrl, spawnMediaWorker } from './worker/spawn.js';
import type { FromMediaWorker, ToMediaWorker } from './worker/protocol.js';
import {
  MediaError,
  silentMediaLogger,
  type EndpointHandle,
  type EndpointStats,
  type MediaEngine,
  type MediaEngineEvents,
  type MediaEngineOptions,
  type MediaLogger,
  type RecordingHandle,
  type RecordingOptions,
  type RecordingResult,
  type RoomHandle,
} from './types.js';

export interface WorkerMediaEngineOptions extends MediaEngineOptions {
  /** the worker entry; tests may substitute their own */
  readonly workerUrl?: URL;
}

interface Slot {
  readonly index: number;
  worker: Worker;
  ready: Promise<void>;
  /** false from the worker's exit until its replacement is spawned */
  alive: boolean;
  endpoints: number;
  /** deaths in a row before 'ready': the restart backs off so a worker that cannot load does not spin */
  failedStarts: number;
}

interface Pending {
  readonly workerIndex: number;
  readonly resolve: (answer: FromMediaWorker | null) => void;
}

type Listeners = { [E in keyof MediaEngineEvents]: Set<MediaEngineEvents[E]> };

const SHUTDOWN_GRACE_MS = 2000;

export class WorkerMediaEngine implements MediaEngine, EndpointOwner, SessionOwner {
  readonly #options: WorkerMediaEngineOptions;
  readonly #logger: MediaLogger;
  readonly #pool: PortPool;
  readonly #slots: Slot[] = [];
  readonly #endpoints = new Map<string, EndpointRef>();
  /** group → worker index and how many endpoints (live or being made) it has there */
  readonly #groups = new Map<string, { workerIndex: number; count: number }>();
  readonly #pending = new Map<number, Pending>();
  readonly #listeners: Listeners = { timeout: new Set(), latched: new Set(), 'endpoint-closed': new Set(), dtmf: new Set(), 'play-done': new Set() };
  /** results of recordings that ended with their endpoint, for a stop() that comes later */
  readonly #endedRecordings = new Map<string, RecordingResult>();
  #nextId = 1;
  #nextSession = 1;
  #nextEndpoint = 1;
  #starting: Promise<void> | undefined;
  #closing: Promise<void> | undefined;

  constructor(options: WorkerMediaEngineOptions) {
    this.#options = options;
    this.#logger = options.logger ?? silentMediaLogger;
    this.#pool = new PortPool({ portMin: options.portMin, portMax: options.portMax });
  }

  start(): Promise<void> {
    if (this.#closing) return Promise.reject(new MediaError('closed', 'media engine is closed'));
    this.#starting ??= (async () => {
      const n = this.#options.workers || os.availableParallelism();
      for (let i = 0; i < n; i++) this.#slots.push(this.#newSlot(i));
      await Promise.all(this.#slots.map((s) => s.ready));
      this.#logger.info({ workers: n, portPairs: this.#pool.size }, 'media engine started');
    })();
    return this.#starting;
  }

  async createEndpoint(options: { readonly group: string; readonly kind?: 'rtp' | 'webrtc' }): Promise<EndpointHandle> {
    await this.start();
    if (this.#closing) throw new MediaError('closed', 'media engine is closed');
    const group = options.group;
    const kind = options.kind ?? 'rtp';
    const slot = this.#place(group);
    try {
      // A pair someone else holds (EADDRINUSE) is skipped and goes to the back of the queue.
      for (let attempts = this.#pool.free; attempts > 0; attempts--) {
        const rtpPort = this.#pool.take();
        if (rtpPort === null) break;
        const endpointId = `ep${this.#nextEndpoint++}`;
        const answer = await this.#request(slot.index, (id) => ({ type: 'create', id, endpointId, group, rtpPort, kind }));
        if (answer?.type === 'created') {
          const ref = new EndpointRef({ id: endpointId, group, rtpPort, workerIndex: slot.index, owner: this, kind });
          this.#endpoints.set(endpointId, ref);
          return ref;
        }
        this.#pool.release(rtpPort);
        if (answer === null) throw new MediaError('closed', 'the media worker stopped while creating an endpoint');
        if (answer.type === 'create-failed' && answer.errorCode !== 'EADDRINUSE' && answer.errorCode !== 'EACCES') {
          throw new MediaError('bind-failed', `cannot bind ${this.#options.bindAddress}:${rtpPort}: ${answer.detail}`);
        }
        this.#logger.debug({ rtpPort, error: answer.type === 'create-failed' ? answer.errorCode : answer.type }, 'media port pair busy, trying the next');
      }
      throw new MediaError('ports-exhausted', `no free RTP port pair in ${this.#options.portMin}-${this.#options.portMax}`);
    } catch (err) {
      this.#unplace(group, slot);
      throw err;
    }
  }

  createRoom(options: { readonly group: string; readonly sampleRate?: number }): RoomHandle {
    if (this.#closing || this.#slots.length === 0) throw new MediaError('closed', 'media engine is not running');
    const slot = this.#place(options.group);
    const room = new RoomRef({ id: `room${this.#nextSession++}`, group: options.group, workerIndex: slot.index, owner: this });
    this.post(slot.index, { type: 'room-create', roomId: room.id, group: options.group, rate: options.sampleRate ?? 8000 });
    return room;
  }

  startRecording(options: RecordingOptions): RecordingHandle {
    const left = endpointIn(options.left, (options.left as EndpointRef).workerIndex, 'the recording');
    const right = options.right === undefined ? null : endpointIn(options.right, left.workerIndex, 'the recording');
    const recording = new RecordingRef({ id: `rec${this.#nextSession++}`, workerIndex: left.workerIndex, owner: this });
    this.post(left.workerIndex, {
      type: 'record-start',
      recordingId: recording.id,
      group: left.group,
      path: options.path,
      format: options.format,
      left: left.id,
      right: right?.id ?? null,
    });
    return recording;
  }

  on<E extends keyof MediaEngineEvents>(event: E, listener: MediaEngineEvents[E]): void {
    (this.#listeners[event] as Set<MediaEngineEvents[E]>).add(listener);
  }

  off<E extends keyof MediaEngineEvents>(event: E, listener: MediaEngineEvents[E]): void {
    (this.#listeners[event] as Set<MediaEngineEvents[E]>).delete(listener);
  }

  usage(): { endpoints: number; freePortPairs: number } {
    return { endpoints: this.#endpoints.size, freePortPairs: this.#pool.free };
  }

  close(): Promise<void> {
    this.#closing ??= this.#shutdown();
    return this.#closing;
  }

  /** test hook: makes the worker that holds `group` throw, as a bug in it would */
  crashWorkerOf(group: string): void {
    const placed = this.#groups.get(group);
    if (placed !== undefined) this.post(placed.workerIndex, { type: 'crash' });
  }

  // EndpointOwner

  post(workerIndex: number, message: ToMediaWorker): void {
    if (!this.#closing) this.#slots[workerIndex]?.worker.postMessage(message);
  }

  async requestStats(workerIndex: number, make: (id: number) => ToMediaWorker): Promise<EndpointStats | null> {
    const answer = await this.#request(workerIndex, make);
    return answer?.type === 'stats' ? answer.stats : null;
  }

  async requestSdp(workerIndex: number, make: (id: number) => ToMediaWorker): Promise<string> {
    const answer = await this.#request(workerIndex, make);
    if (answer?.type === 'sdp' && answer.sdp !== null) return answer.sdp;
    throw new MediaError('webrtc-failed', answer?.type === 'sdp' ? (answer.error ?? 'negotiation failed') : 'the media worker stopped');
  }

  async requestRecording(workerIndex: number, recordingId: string, make: (id: number) => ToMediaWorker): Promise<RecordingResult> {
    const answer = await this.#request(workerIndex, make);
    const ended = this.#endedRecordings.get(recordingId);
    this.#endedRecordings.delete(recordingId);
    if (answer?.type === 'recording' && answer.result !== null) return answer.result;
    if (ended !== undefined) return ended;
    throw new MediaError('closed', answer?.type === 'recording' ? (answer.error ?? 'recording failed') : 'the media worker stopped');
  }

  roomClosed(room: RoomRef): void {
    const slot = this.#slots[room.workerIndex];
    if (slot) this.#unplace(room.group, slot);
  }

  released(ref: EndpointRef): void {
    if (this.#endpoints.get(ref.id) !== ref) return;
    this.#endpoints.delete(ref.id);
    this.#pool.release(ref.rtpPort);
    const slot = this.#slots[ref.workerIndex];
    if (slot) this.#unplace(ref.group, slot);
  }

  // internals

  #request(workerIndex: number, make: (id: number) => ToMediaWorker): Promise<FromMediaWorker | null> {
    const slot = this.#slots[workerIndex];
    if (this.#closing || slot === undefined || !slot.alive) return Promise.resolve(null);
    const id = this.#nextId++;
    return new Promise((resolve) => {
      this.#pending.set(id, { workerIndex, resolve });
      slot.worker.postMessage(make(id));
    });
  }

  /** the group's worker (the least loaded one for a new group); counts one more member there */
  #place(group: string): Slot {
    const placed = this.#groups.get(group) ?? { workerIndex: this.#leastLoaded(), count: 0 };
    placed.count++;
    this.#groups.set(group, placed);
    const slot = this.#slots[placed.workerIndex]!;
    slot.endpoints++;
    return slot;
  }

  #leastLoaded(): number {
    let best = 0;
    for (const s of this.#slots) if (s.endpoints < this.#slots[best]!.endpoints) best = s.index;
    return best;
  }

  #unplace(group: string, slot: Slot): void {
    slot.endpoints--;
    const placed = this.#groups.get(group);
    if (placed !== undefined && --placed.count <= 0) this.#groups.delete(group);
  }

  #newSlot(index: number): Slot {
    const slot = { index, alive: false, endpoints: 0, failedStarts: 0 } as Slot;
    this.#spawn(slot);
    return slot;
  }

  /** (re)starts the slot's worker; `ready` settles when it answered 'ready' or died first */
  #spawn(slot: Slot): void {
    const worker = spawnMediaWorker(this.#options.workerUrl ?? defaultMediaWorkerUrl, {
      workerIndex: slot.index,
      bindAddress: this.#options.bindAddress,
      latchWindowMs: this.#options.latchWindowMs ?? 2000,
      mediaTimeoutMs: this.#options.mediaTimeoutMs ?? 30_000,
      ...(this.#options.publicAddress !== undefined ? { publicAddress: this.#options.publicAddress } : {}),
    });
    let onReady!: () => void;
    let onFail!: (err: unknown) => void;
    slot.worker = worker;
    slot.alive = true;
    slot.ready = new Promise<void>((resolve, reject) => {
      onReady = resolve;
      onFail = reject;
    });
    slot.ready.catch(() => {});
    let lastError: unknown;
    worker.on('message', (message: FromMediaWorker) => {
      if (message.type === 'ready') {
        slot.failedStarts = 0;
        onReady();
      } else this.#onMessage(message);
    });
    worker.on('error', (err) => {
      lastError = err;
    });
    worker.on('exit', (code) => {
      onFail(lastError ?? new Error(`media worker exited with code ${code}`));
      this.#onExit(slot, worker, code, lastError);
    });
  }

  #onMessage(message: FromMediaWorker): void {
    switch (message.type) {
      case 'recording':
        if (message.id < 0) {
          if (message.result !== null) {
            this.#endedRecordings.set(message.recordingId, message.result);
            // kept for a stop() that comes later; nobody asking within a minute will not ask
            setTimeout(() => this.#endedRecordings.delete(message.recordingId), 60_000).unref();
          }
        } else this.#answer(message.id, message);
        return;
      case 'created':
      case 'create-failed':
      case 'sdp':
      case 'stats':
        this.#answer(message.id, message);
        return;
      case 'timeout':
        this.#emit('timeout', { endpointId: message.endpointId, group: message.group, idleMs: message.idleMs });
        return;
      case 'latched':
        this.#emit('latched', { endpointId: message.endpointId, group: message.group, address: message.address, port: message.port });
        return;
      case 'dtmf':
        this.#emit('dtmf', { endpointId: message.endpointId, group: message.group, digit: message.digit, durationMs: message.durationMs, method: message.method });
        return;
      case 'play-done':
        this.#emit('play-done', { endpointId: message.endpointId, group: message.group, id: message.playId, reason: message.reason });
        return;
      case 'log':
        this.#logger[message.level](message.fields, message.msg);
        return;
      case 'ready':
        return;
    }
  }

  #answer(id: number, message: FromMediaWorker): void {
    const pending = this.#pending.get(id);
    this.#pending.delete(id);
    pending?.resolve(message);
  }

  /** A worker that dies takes its sockets along: its endpoints are closed and it is replaced. */
  #onExit(slot: Slot, worker: Worker, code: number, err: unknown): void {
    if (slot.worker !== worker) return;
    slot.alive = false;
    for (const [id, pending] of this.#pending) {
      if (pending.workerIndex !== slot.index) continue;
      this.#pending.delete(id);
      pending.resolve(null);
    }
    const lost = [...this.#endpoints.values()].filter((e) => e.workerIndex === slot.index);
    for (const ref of lost) {
      ref.markCrashed();
      this.released(ref);
    }
    if (this.#closing) return;
    // died before 'ready' (it cannot even load): back off instead of spinning
    const delayMs = slot.failedStarts === 0 ? 0 : Math.min(30_000, 500 * 2 ** slot.failedStarts);
    slot.failedStarts++;
    this.#logger.error(
      { err: err instanceof Error ? err.message : err, code, worker: slot.index, endpoints: lost.length, restartInMs: delayMs },
      'media worker died; restarting it',
    );
    const restart = (): void => {
      if (!this.#closing) this.#spawn(slot);
    };
    if (delayMs === 0) restart();
    else setTimeout(restart, delayMs).unref();
    for (const ref of lost) this.#emit('endpoint-closed', { endpointId: ref.id, group: ref.group, reason: 'worker-crashed' });
  }

  async #shutdown(): Promise<void> {
    await this.#starting?.catch(() => {});
    for (const ref of this.#endpoints.values()) ref.markCrashed();
    this.#endpoints.clear();
    await Promise.all(
      this.#slots.map(async (slot) => {
        if (!slot.alive) return;
        const exited = once(slot.worker, 'exit');
        slot.worker.postMessage({ type: 'shutdown' } satisfies ToMediaWorker);
        const timer = setTimeout(() => void slot.worker.terminate(), SHUTDOWN_GRACE_MS);
        await exited;
        clearTimeout(timer);
      }),
    );
    for (const pending of this.#pending.values()) pending.resolve(null);
    this.#pending.clear();
  }

  #emit<E extends keyof MediaEngineEvents>(event: E, payload: Parameters<MediaEngineEvents[E]>[0]): void {
    for (const listener of this.#listeners[event]) {
      try {
        (listener as (p: typeof payload) => void)(payload);
      } catch (err) {
        this.#logger.error({ err, event }, 'media engine listener threw');
      }
    }
  }
}

export function createMediaEngine(options: MediaEngineOptions): MediaEngine {
  return new WorkerMediaEngine(options);
}
