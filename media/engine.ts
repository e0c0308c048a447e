// MediaEngine: the main thread's facade over N media workers. It owns the port pool and places
// each group (one call) on one worker; workers own the sockets and relay packets between endpoints
// of the same group, so a packet never leaves the worker that received it. Spawning, restarting
// and placing on workers is MediaWorkerPool's (engine-workers.ts); this file holds the handles'
// plumbing: endpoints, rooms, recordings, answers and events.
import os from 'node:os';
import { PortPool } from './endpoint/port-pool.js';
import { MediaWorkerPool } from './engine-workers.js';
import { EndpointRef, type EndpointOwner } from './endpoint-handle.js';
import { RecordingRef, RoomRef, endpointIn, type SessionOwner } from './rooms.js';
import type { FromMediaWorker, ToMediaWorker } from './worker/protocol.js';
import {
  MediaError,
  silentMediaLogger,
  type CreateEndpointOptions,
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

type Listeners = { [E in keyof MediaEngineEvents]: Set<MediaEngineEvents[E]> };

export class WorkerMediaEngine implements MediaEngine, EndpointOwner, SessionOwner {
  readonly #options: WorkerMediaEngineOptions;
  readonly #logger: MediaLogger;
  readonly #pool: PortPool;
  readonly #workers: MediaWorkerPool;
  readonly #endpoints = new Map<string, EndpointRef>();
  readonly #listeners: Listeners = { timeout: new Set(), latched: new Set(), 'endpoint-closed': new Set(), dtmf: new Set(), 'play-done': new Set() };
  /** results of recordings that ended with their endpoint, for a stop() that comes later */
  readonly #endedRecordings = new Map<string, RecordingResult>();
  #nextSession = 1;
  #nextEndpoint = 1;
  #starting: Promise<void> | undefined;
  #closing: Promise<void> | undefined;

  constructor(options: WorkerMediaEngineOptions) {
    this.#options = options;
    this.#logger = options.logger ?? silentMediaLogger;
    this.#pool = new PortPool({ portMin: options.portMin, portMax: options.portMax });
    this.#workers = new MediaWorkerPool({
      workerUrl: options.workerUrl,
      bindAddress: options.bindAddress,
      publicAddress: options.publicAddress,
      latchWindowMs: options.latchWindowMs,
      mediaTimeoutMs: options.mediaTimeoutMs,
      isClosing: () => this.#closing !== undefined,
      onMessage: (message) => this.#onMessage(message),
      onExit: (exit) => this.#onExit(exit.workerIndex, exit.code, exit.error),
    });
  }

  start(): Promise<void> {
    if (this.#closing) return Promise.reject(new MediaError('closed', 'media engine is closed'));
    this.#starting ??= (async () => {
      const n = this.#options.workers || os.availableParallelism();
      await this.#workers.start(n);
      this.#logger.info({ workers: n, portPairs: this.#pool.size }, 'media engine started');
    })();
    return this.#starting;
  }

  async createEndpoint(options: CreateEndpointOptions): Promise<EndpointHandle> {
    await this.start();
    if (this.#closing) throw new MediaError('closed', 'media engine is closed');
    const group = options.group;
    const kind = options.kind ?? 'rtp';
    const sources = options.sources === undefined ? null : [...options.sources];
    const workerIndex = this.#workers.place(group);
    try {
      // A pair someone else holds (EADDRINUSE) is skipped and goes to the back of the queue.
      for (let attempts = this.#pool.free; attempts > 0; attempts--) {
        const rtpPort = this.#pool.take();
        if (rtpPort === null) break;
        const endpointId = `ep${this.#nextEndpoint++}`;
        const answer = await this.#workers.request(workerIndex, (id) => ({ type: 'create', id, endpointId, group, rtpPort, kind, sources }));
        if (answer?.type === 'created') {
          const ref = new EndpointRef({ id: endpointId, group, rtpPort, workerIndex, owner: this, kind });
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
      this.#workers.unplace(group, workerIndex);
      throw err;
    }
  }

  createRoom(options: { readonly group: string; readonly sampleRate?: number }): RoomHandle {
    if (this.#closing || this.#workers.size === 0) throw new MediaError('closed', 'media engine is not running');
    const workerIndex = this.#workers.place(options.group);
    const room = new RoomRef({ id: `room${this.#nextSession++}`, group: options.group, workerIndex, owner: this });
    this.post(workerIndex, { type: 'room-create', roomId: room.id, group: options.group, rate: options.sampleRate ?? 8000 });
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
      mixed: options.channels === 'mixed' && right !== null,
      seal: options.seal ?? null,
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
    const workerIndex = this.#workers.workerOf(group);
    if (workerIndex !== undefined) this.post(workerIndex, { type: 'crash' });
  }

  // EndpointOwner

  post(workerIndex: number, message: ToMediaWorker): void {
    this.#workers.post(workerIndex, message);
  }

  async requestStats(workerIndex: number, make: (id: number) => ToMediaWorker): Promise<EndpointStats | null> {
    const answer = await this.#workers.request(workerIndex, make);
    return answer?.type === 'stats' ? answer.stats : null;
  }

  async requestSdp(workerIndex: number, make: (id: number) => ToMediaWorker): Promise<string> {
    const answer = await this.#workers.request(workerIndex, make);
    if (answer?.type === 'sdp' && answer.sdp !== null) return answer.sdp;
    throw new MediaError('webrtc-failed', answer?.type === 'sdp' ? (answer.error ?? 'negotiation failed') : 'the media worker stopped');
  }

  async requestRecording(workerIndex: number, recordingId: string, make: (id: number) => ToMediaWorker): Promise<RecordingResult> {
    const answer = await this.#workers.request(workerIndex, make);
    const ended = this.#endedRecordings.get(recordingId);
    this.#endedRecordings.delete(recordingId);
    if (answer?.type === 'recording' && answer.result !== null) return answer.result;
    if (ended !== undefined) return ended;
    throw new MediaError('closed', answer?.type === 'recording' ? (answer.error ?? 'recording failed') : 'the media worker stopped');
  }

  listenerFailed(err: unknown, event: string): void {
    this.#logger.error({ err, event }, 'endpoint listener threw');
  }

  roomClosed(room: RoomRef): void {
    this.#workers.unplace(room.group, room.workerIndex);
  }

  released(ref: EndpointRef): void {
    if (this.#endpoints.get(ref.id) !== ref) return;
    this.#endpoints.delete(ref.id);
    this.#pool.release(ref.rtpPort);
    this.#workers.unplace(ref.group, ref.workerIndex);
  }

  // internals

  #onMessage(message: FromMediaWorker): void {
    switch (message.type) {
      case 'recording':
        if (message.id < 0) {
          if (message.result !== null) {
            this.#endedRecordings.set(message.recordingId, message.result);
            // kept for a stop() that comes later; nobody asking within a minute will not ask
            setTimeout(() => this.#endedRecordings.delete(message.recordingId), 60_000).unref();
          }
        } else this.#workers.answer(message.id, message);
        return;
      case 'created':
      case 'create-failed':
      case 'sdp':
      case 'stats':
        this.#workers.answer(message.id, message);
        return;
      // each event goes to the endpoint's own handle, then to the engine-wide observers
      case 'timeout':
        this.#endpoints.get(message.endpointId)?.emit('timeout', { idleMs: message.idleMs });
        this.#emit('timeout', { endpointId: message.endpointId, group: message.group, idleMs: message.idleMs });
        return;
      case 'latched':
        this.#endpoints.get(message.endpointId)?.emit('latched', { address: message.address, port: message.port });
        this.#emit('latched', { endpointId: message.endpointId, group: message.group, address: message.address, port: message.port });
        return;
      case 'dtmf':
        this.#endpoints.get(message.endpointId)?.emit('dtmf', { digit: message.digit, durationMs: message.durationMs, method: message.method });
        this.#emit('dtmf', { endpointId: message.endpointId, group: message.group, digit: message.digit, durationMs: message.durationMs, method: message.method });
        return;
      case 'play-done':
        this.#endpoints.get(message.endpointId)?.emit('play-done', { id: message.playId, reason: message.reason });
        this.#emit('play-done', { endpointId: message.endpointId, group: message.group, id: message.playId, reason: message.reason });
        return;
      case 'speech-tap-ended':
        this.#endpoints.get(message.endpointId)?.emit('speech-tap-ended', { stream: message.stream, framesSent: message.framesSent, framesDropped: message.framesDropped, error: message.error });
        return;
      case 'log':
        this.#logger[message.level](message.fields, message.msg);
        return;
      case 'ready':
        return;
    }
  }

  /** A worker that dies takes its sockets along: its endpoints are closed and it is replaced. */
  #onExit(workerIndex: number, code: number, err: unknown): void {
    const lost = [...this.#endpoints.values()].filter((e) => e.workerIndex === workerIndex);
    for (const ref of lost) {
      ref.markCrashed();
      this.released(ref);
    }
    if (this.#closing) return;
    // died before 'ready' (it cannot even load): the pool backs off instead of spinning
    const delayMs = this.#workers.restartDelayMs(workerIndex);
    this.#logger.error(
      { err: err instanceof Error ? err.message : err, code, worker: workerIndex, endpoints: lost.length, restartInMs: delayMs },
      'media worker died; restarting it',
    );
    this.#workers.restart(workerIndex);
    for (const ref of lost) {
      ref.crashed();
      this.#emit('endpoint-closed', { endpointId: ref.id, group: ref.group, reason: 'worker-crashed' });
    }
  }

  async #shutdown(): Promise<void> {
    await this.#starting?.catch(() => {});
    for (const ref of this.#endpoints.values()) ref.markCrashed();
    this.#endpoints.clear();
    await this.#workers.shutdown();
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
