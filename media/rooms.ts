// Main-thread handles on a worker's rooms and recordings: their calls become plain-data commands
// to the worker that holds the group, like EndpointRef's.
import { EndpointRef } from './endpoint-handle.js';
import { MediaError, type EndpointHandle, type MonitorMode, type RecordingHandle, type RecordingResult, type RoomHandle } from './types.js';
import type { ToMediaWorker } from './worker/protocol.js';

export interface SessionOwner {
  post(workerIndex: number, message: ToMediaWorker): void;
  /** resolves with the worker's answer to record-stop */
  requestRecording(workerIndex: number, recordingId: string, make: (id: number) => ToMediaWorker): Promise<RecordingResult>;
  roomClosed(room: RoomRef): void;
}

const endpointIn = (endpoint: EndpointHandle, workerIndex: number, what: string): EndpointRef => {
  if (!(endpoint instanceof EndpointRef) || endpoint.workerIndex !== workerIndex) {
    throw new MediaError('not-same-group', `${endpoint.id} is not in the group of ${what}`);
  }
  return endpoint;
};

export class RoomRef implements RoomHandle {
  readonly id: string;
  readonly group: string;
  readonly workerIndex: number;
  readonly #owner: SessionOwner;
  #closed = false;

  constructor(options: { id: string; group: string; workerIndex: number; owner: SessionOwner }) {
    this.id = options.id;
    this.group = options.group;
    this.workerIndex = options.workerIndex;
    this.#owner = options.owner;
  }

  join(endpoint: EndpointHandle): void {
    const ref = endpointIn(endpoint, this.workerIndex, this.id);
    this.#post({ type: 'room-join', roomId: this.id, endpointId: ref.id });
  }

  leave(endpoint: EndpointHandle): void {
    this.#post({ type: 'room-leave', roomId: this.id, endpointId: endpoint.id });
  }

  monitor(options: { readonly supervisor: EndpointHandle; readonly agent: EndpointHandle; readonly mode: MonitorMode }): void {
    const supervisor = endpointIn(options.supervisor, this.workerIndex, this.id);
    const agent = endpointIn(options.agent, this.workerIndex, this.id);
    this.#post({ type: 'room-monitor', roomId: this.id, supervisor: supervisor.id, agent: agent.id, mode: options.mode });
  }

  mute(endpoint: EndpointHandle, muted: boolean): void {
    this.#post({ type: 'room-mute', roomId: this.id, endpointId: endpoint.id, muted });
  }

  close(): void {
    if (this.#closed) return;
    this.#post({ type: 'room-close', roomId: this.id });
    this.#closed = true;
    this.#owner.roomClosed(this);
  }

  #post(message: ToMediaWorker): void {
    if (!this.#closed) this.#owner.post(this.workerIndex, message);
  }
}

export class RecordingRef implements RecordingHandle {
  readonly id: string;
  readonly workerIndex: number;
  readonly #owner: SessionOwner;
  #stopping: Promise<RecordingResult> | undefined;

  constructor(options: { id: string; workerIndex: number; owner: SessionOwner }) {
    this.id = options.id;
    this.workerIndex = options.workerIndex;
    this.#owner = options.owner;
  }

  pause(): void {
    if (!this.#stopping) this.#owner.post(this.workerIndex, { type: 'record-pause', recordingId: this.id, paused: true });
  }

  resume(): void {
    if (!this.#stopping) this.#owner.post(this.workerIndex, { type: 'record-pause', recordingId: this.id, paused: false });
  }

  attach(right: EndpointHandle): void {
    if (!this.#stopping) this.#owner.post(this.workerIndex, { type: 'record-attach', recordingId: this.id, right: endpointIn(right, this.workerIndex, 'the recording').id });
  }

  /** idempotent; resolves with the file's figures (also when the recording ended with its endpoint) */
  stop(): Promise<RecordingResult> {
    this.#stopping ??= this.#owner.requestRecording(this.workerIndex, this.id, (id) => ({ type: 'record-stop', id, recordingId: this.id }));
    return this.#stopping;
  }
}

export { endpointIn };
