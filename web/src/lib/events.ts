// One WebSocket to /api/v1/events for the whole console (same origin; the session cookie
// authenticates it), reconnecting with back-off. Screens subscribe to the event types they show.
import { useEffect, useState } from 'react';

export interface StreamEvent {
  readonly type: string;
  readonly at: string;
  readonly [field: string]: unknown;
}

type Listener = (event: StreamEvent) => void;
const listeners = new Set<Listener>();
const stateListeners = new Set<(open: boolean) => void>();
let socket: WebSocket | undefined;
let open = false;
let retryMs = 500;
let retryTimer: number | undefined;

function setOpen(v: boolean) {
  open = v;
  stateListeners.forEach((l) => l(v));
}

function connect() {
  if (socket || listeners.size === 0) return;
  const url = `${window.location.protocol === 'https:' ? 'wss' : 'ws'}://${window.location.host}/api/v1/events`;
  const ws = new WebSocket(url);
  socket = ws;
  ws.onopen = () => {
    retryMs = 500;
    setOpen(true);
  };
  ws.onmessage = (m) => {
    if (typeof m.data !== 'string') return;
    try {
      const event = JSON.parse(m.data) as StreamEvent;
      listeners.forEach((l) => l(event));
    } catch {
      // not ours to show
    }
  };
  ws.onclose = () => {
    socket = undefined;
    setOpen(false);
    if (listeners.size === 0) return;
    retryTimer = window.setTimeout(connect, retryMs);
    retryMs = Math.min(retryMs * 2, 15_000);
  };
}

export function subscribeEvents(listener: Listener): () => void {
  listeners.add(listener);
  connect();
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) {
      window.clearTimeout(retryTimer);
      socket?.close();
      socket = undefined;
    }
  };
}

/** calls `onEvent` for each event whose type is listed; returns whether the stream is connected */
export function useEvents(types: readonly string[], onEvent: (event: StreamEvent) => void): boolean {
  const [connected, setConnected] = useState(open);
  const key = types.join(',');
  useEffect(() => {
    const wanted = new Set(key.split(','));
    stateListeners.add(setConnected);
    const off = subscribeEvents((e) => {
      if (wanted.has(e.type)) onEvent(e);
    });
    return () => {
      stateListeners.delete(setConnected);
      off();
    };
  }, [key, onEvent]);
  return connected;
}
