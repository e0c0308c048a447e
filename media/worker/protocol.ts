// The plain-data messages between the MediaEngine (main thread) and its media workers. Commands
// that change state are fire-and-forget (a MessagePort is ordered, so a later `stats` sees them);
// requests carry an `id` the answer repeats. No packet ever travels this way.
import type { EndpointStats, RemoteAddress } from '../types.js';

export interface MediaWorkerData {
  readonly workerIndex: number;
  readonly bindAddress: string;
  readonly latchWindowMs: number;
  readonly mediaTimeoutMs: number;
}

export type ToMediaWorker =
  | { readonly type: 'create'; readonly id: number; readonly endpointId: string; readonly group: string; readonly rtpPort: number }
  | { readonly type: 'set-remote'; readonly endpointId: string; readonly remote: RemoteAddress | null }
  | { readonly type: 'connect'; readonly a: string; readonly b: string }
  | { readonly type: 'disconnect'; readonly endpointId: string }
  | { readonly type: 'watch'; readonly endpointId: string; readonly on: boolean }
  | { readonly type: 'stats'; readonly id: number; readonly endpointId: string }
  | { readonly type: 'close-endpoint'; readonly id: number; readonly endpointId: string }
  | { readonly type: 'shutdown' }
  /** test hook: throw on the worker's event loop, as a bug would */
  | { readonly type: 'crash' };

export type FromMediaWorker =
  | { readonly type: 'ready' }
  | { readonly type: 'created'; readonly id: number }
  | { readonly type: 'create-failed'; readonly id: number; readonly errorCode: string; readonly detail: string }
  | { readonly type: 'stats'; readonly id: number; readonly stats: EndpointStats | null }
  | { readonly type: 'timeout'; readonly endpointId: string; readonly group: string; readonly idleMs: number }
  | { readonly type: 'latched'; readonly endpointId: string; readonly group: string; readonly address: string; readonly port: number }
  | { readonly type: 'log'; readonly level: 'debug' | 'info' | 'warn' | 'error'; readonly fields: Record<string, unknown>; readonly msg: string };
