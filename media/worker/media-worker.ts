// Entry of a media worker thread: owns the sockets of the endpoints the engine places here and
// relays between them. Only commands, answers and rare events (latched, timeout, logs) cross to
// the main thread; packets never do.
import { parentPort, workerData } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { RelayEndpoint, unmapped, type RelayEndpointSink } from '../endpoint/rtp-endpoint.js';
import { WorkerSessions, type PairedPort } from './sessions.js';
import { WebRtcPort } from './webrtc-port.js';
import type { FromMediaWorker, MediaWorkerData, ToMediaWorker } from './protocol.js';

if (parentPort === null) throw new Error('media-worker must run in a worker_thread');
const port = parentPort;
const data = workerData as MediaWorkerData;
type WorkerEndpoint = RelayEndpoint | WebRtcPort;
const endpoints = new Map<string, WorkerEndpoint>();
const post = (message: FromMediaWorker): void => port.postMessage(message);
const sessions = new WorkerSessions({ ports: endpoints as Map<string, PairedPort>, post });

const sink: RelayEndpointSink = {
  latched(endpoint) {
    const latch = endpoint.rtpLatch;
    post({ type: 'latched', endpointId: endpoint.id, group: endpoint.group, address: unmapped(latch.address), port: latch.port });
  },
  socketError(endpoint, err) {
    post({ type: 'log', level: 'warn', fields: { endpointId: endpoint.id, err: err.message }, msg: 'media socket error' });
  },
  dtmf(endpoint, digit, durationMs, method) {
    post({ type: 'dtmf', endpointId: endpoint.id, group: endpoint.group, digit, durationMs, method });
  },
  playDone() {
    // Playback reports through WorkerSessions, which knows the play id
  },
};

// One tick per worker checks every watched endpoint; a quarter of the timeout keeps the report
// within 25 % of the configured time without waking often for the 30 s default.
let tick: NodeJS.Timeout | undefined;
if (data.mediaTimeoutMs > 0) {
  tick = setInterval(
    () => {
      const now = performance.now();
      for (const endpoint of endpoints.values()) {
        const idleMs = endpoint.idle.check(endpoint.packetsReceived, now);
        if (idleMs >= 0) post({ type: 'timeout', endpointId: endpoint.id, group: endpoint.group, idleMs: Math.round(idleMs) });
      }
    },
    Math.max(5, Math.min(1000, Math.floor(data.mediaTimeoutMs / 4))),
  );
  tick.unref();
}

const workerLogger = {
  debug: (fields: object, msg?: string) => post({ type: 'log', level: 'debug', fields: { ...fields }, msg: msg ?? '' }),
  info: (fields: object, msg?: string) => post({ type: 'log', level: 'info', fields: { ...fields }, msg: msg ?? '' }),
  warn: (fields: object, msg?: string) => post({ type: 'log', level: 'warn', fields: { ...fields }, msg: msg ?? '' }),
  error: (fields: object, msg?: string) => post({ type: 'log', level: 'error', fields: { ...fields }, msg: msg ?? '' }),
};

/** werift's sockets live on the endpoint's port pair; its ICE and DTLS are checked at negotiation */
async function createWebRtc(message: Extract<ToMediaWorker, { type: 'create' }>): Promise<void> {
  try {
    const port = await WebRtcPort.open({
      id: message.endpointId,
      group: message.group,
      sink,
      bindAddress: data.bindAddress,
      ...(data.publicAddress !== undefined ? { publicAddress: data.publicAddress } : {}),
      rtpPort: message.rtpPort,
      mediaTimeoutMs: data.mediaTimeoutMs,
      logger: workerLogger,
      // ICE or DTLS failed (or never completed): the call sees it as a media timeout
      onFailed: (p) => post({ type: 'timeout', endpointId: p.id, group: p.group, idleMs: 0 }),
    });
    endpoints.set(message.endpointId, port);
    post({ type: 'created', id: message.id });
  } catch (err) {
    // a busy pair (EADDRINUSE, EACCES) is skipped by the engine, as for RTP endpoints
    const code = (err as { code?: unknown }).code;
    post({ type: 'create-failed', id: message.id, errorCode: typeof code === 'string' ? code : 'EWEBRTC', detail: String(err) });
  }
}

async function negotiate(message: Extract<ToMediaWorker, { type: 'webrtc' }>): Promise<void> {
  const port = endpoints.get(message.endpointId);
  if (!(port instanceof WebRtcPort)) {
    post({ type: 'sdp', id: message.id, sdp: null, error: 'not a WebRTC endpoint' });
    return;
  }
  try {
    post({ type: 'sdp', id: message.id, sdp: await port.negotiate(message) });
  } catch (err) {
    post({ type: 'sdp', id: message.id, sdp: null, error: err instanceof Error ? err.message : String(err) });
  }
}

async function create(message: Extract<ToMediaWorker, { type: 'create' }>): Promise<void> {
  if (message.kind === 'webrtc') return createWebRtc(message);
  const opened = await RelayEndpoint.open({
    id: message.endpointId,
    group: message.group,
    bindAddress: data.bindAddress,
    rtpPort: message.rtpPort,
    latchWindowMs: data.latchWindowMs,
    mediaTimeoutMs: data.mediaTimeoutMs,
    ...(message.sources !== null ? { sources: message.sources } : {}),
    sink,
  });
  if (!opened.ok) {
    post({ type: 'create-failed', id: message.id, errorCode: opened.code, detail: opened.detail });
    return;
  }
  endpoints.set(message.endpointId, opened.endpoint);
  post({ type: 'created', id: message.id });
}

function connect(a: WorkerEndpoint, b: WorkerEndpoint): void {
  // a new pairing replaces the old one on both sides
  for (const e of [a, b]) if (e.peer !== null && e.peer.peer === e) e.peer.peer = null;
  a.peer = b;
  b.peer = a;
  sessions.reconcile(a);
}

function disconnect(e: WorkerEndpoint): void {
  const peer = e.peer;
  if (peer !== null && peer.peer === e) peer.peer = null;
  e.peer = null;
  sessions.reconcile(e);
  if (peer !== null) sessions.reconcile(peer);
}

function handle(message: ToMediaWorker): void {
  if (sessions.handle(message)) return;
  switch (message.type) {
    case 'create':
      void create(message);
      return;
    case 'set-remote':
      endpoints.get(message.endpointId)?.setRemote(message.remote);
      return;
    case 'connect': {
      const a = endpoints.get(message.a);
      const b = endpoints.get(message.b);
      if (a !== undefined && b !== undefined && a !== b) connect(a, b);
      return;
    }
    case 'disconnect': {
      const e = endpoints.get(message.endpointId);
      if (e !== undefined) disconnect(e);
      return;
    }
    case 'watch': {
      const e = endpoints.get(message.endpointId);
      e?.idle.set(message.on, e.packetsReceived, performance.now());
      return;
    }
    case 'stats':
      post({ type: 'stats', id: message.id, stats: endpoints.get(message.endpointId)?.stats() ?? null });
      return;
    case 'webrtc':
      void negotiate(message);
      return;
    case 'set-srtp':
      if (endpoints.get(message.endpointId)?.setSrtp(message.keys) === false) {
        post({ type: 'log', level: 'warn', fields: { endpointId: message.endpointId }, msg: 'SRTP keys rejected; media stays unprotected' });
      }
      return;
    case 'close-endpoint': {
      const e = endpoints.get(message.endpointId);
      endpoints.delete(message.endpointId);
      const stats = e?.stats() ?? null;
      if (e !== undefined) {
        const peer = e.peer;
        sessions.forget(e);
        e.close();
        if (peer !== null) sessions.reconcile(peer);
      }
      post({ type: 'stats', id: message.id, stats });
      return;
    }
    case 'shutdown':
      sessions.close();
      for (const e of endpoints.values()) e.close();
      endpoints.clear();
      if (tick) clearInterval(tick);
      port.close();
      return;
    case 'crash':
      setImmediate(() => {
        throw new Error('media worker crash requested by a test');
      });
      return;
  }
}

port.on('message', (message: ToMediaWorker) => {
  try {
    handle(message);
  } catch (err) {
    post({ type: 'log', level: 'error', fields: { err: String(err), command: message.type }, msg: 'media worker command failed' });
  }
});
post({ type: 'ready' });
