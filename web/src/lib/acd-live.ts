// The ACD floor as the wallboard shows it: a snapshot (GET /api/v1/acd/live, or the stream's own
// acd.snapshot when it connects), then the stream's acd.queue / acd.agent deltas (and
// acd.queue-removed / acd.agent-removed for deleted configuration). A delta is the whole queue or
// agent as it is now, so applying it replaces, never adds: nothing is counted twice.
// After a reconnect the snapshot is asked for again (deltas sent while the socket was down are
// lost); a snapshot older than a delta already applied does not undo it (each item keeps its `at`).
import { useCallback, useEffect, useRef, useState } from 'react';
import { request, type Response } from '../api/client';
import { useEvents, type StreamEvent } from './events';

export type LiveSnapshot = Response<'/api/v1/acd/live', 'get'>;
export type LiveQueue = LiveSnapshot['queues'][number];
export type LiveAgent = LiveSnapshot['agents'][number];

interface Held<T> {
  readonly item: T;
  /** the server's time of the item (ms) */
  readonly at: number;
  /** the browser's time it arrived: waits grow from here */
  readonly receivedAt: number;
}

export interface Floor {
  readonly queues: ReadonlyMap<string, Held<LiveQueue>>;
  readonly agents: ReadonlyMap<string, Held<LiveAgent>>;
  /** server clock minus browser clock, from the last message: turns the server's `since` into a duration */
  readonly skewMs: number;
}

const EMPTY: Floor = { queues: new Map(), agents: new Map(), skewMs: 0 };

function mergeSnapshot(floor: Floor, s: LiveSnapshot): Floor {
  const at = Date.parse(s.at);
  const now = Date.now();
  const take = <T extends { id: string }>(old: ReadonlyMap<string, Held<T>>, items: readonly T[]) => {
    const next = new Map<string, Held<T>>();
    for (const item of items) {
      const held = old.get(item.id);
      next.set(item.id, held !== undefined && held.at > at ? held : { item, at, receivedAt: now });
    }
    // one the snapshot lacks was deleted, unless a delta newer than the snapshot brought it
    for (const [id, held] of old) if (!next.has(id) && held.at > at) next.set(id, held);
    return next;
  };
  return { queues: take(floor.queues, s.queues), agents: take(floor.agents, s.agents), skewMs: at - now };
}

/** the map less `id`, unless what it holds is newer than the removal */
function without<T>(m: ReadonlyMap<string, Held<T>>, id: string, at: number): ReadonlyMap<string, Held<T>> {
  if ((m.get(id)?.at ?? Infinity) > at) return m;
  const rest = new Map(m);
  rest.delete(id);
  return rest;
}

function applyDelta(floor: Floor, e: StreamEvent): Floor {
  const at = Date.parse(e.at);
  const now = Date.now();
  if (e.type === 'acd.queue') {
    const q = e['queue'] as LiveQueue;
    if ((floor.queues.get(q.id)?.at ?? -Infinity) > at) return floor;
    return { ...floor, queues: new Map(floor.queues).set(q.id, { item: q, at, receivedAt: now }), skewMs: at - now };
  }
  if (e.type === 'acd.agent') {
    const a = e['agent'] as LiveAgent;
    if ((floor.agents.get(a.id)?.at ?? -Infinity) > at) return floor;
    return { ...floor, agents: new Map(floor.agents).set(a.id, { item: a, at, receivedAt: now }), skewMs: at - now };
  }
  if (e.type === 'acd.queue-removed') return { ...floor, queues: without(floor.queues, e['id'] as string, at) };
  if (e.type === 'acd.agent-removed') return { ...floor, agents: without(floor.agents, e['id'] as string, at) };
  if (e.type === 'acd.snapshot') return mergeSnapshot(floor, e as unknown as LiveSnapshot);
  return floor;
}

const TYPES = ['acd.snapshot', 'acd.queue', 'acd.agent', 'acd.queue-removed', 'acd.agent-removed'];

export function useAcdFloor(): { floor: Floor; connected: boolean; error: Error | undefined; reload: () => Promise<void> } {
  const [floor, setFloor] = useState<Floor>(EMPTY);
  const [error, setError] = useState<Error>();
  // Deltas are applied once per frame, not once per message: at 100 calls/s the floor changes a few
  // hundred times a second, and a render per message fell behind (a second and more event-to-paint
  // in bench/console-wallboard.ts). A hidden tab gets no frames: it catches up every 250 ms instead.
  const pending = useRef<StreamEvent[]>([]);
  const onEvent = useCallback((e: StreamEvent) => {
    pending.current.push(e);
    if (pending.current.length > 1) return;
    const flush = () => {
      const batch = pending.current;
      pending.current = [];
      setFloor((f) => batch.reduce(applyDelta, f));
    };
    if (document.hidden) window.setTimeout(flush, 250);
    else window.requestAnimationFrame(flush);
  }, []);
  const connected = useEvents(TYPES, onEvent);
  const reload = useCallback(async () => {
    try {
      const s = await request<LiveSnapshot>('/api/v1/acd/live');
      setFloor((f) => mergeSnapshot(f, s));
      setError(undefined);
    } catch (err) {
      setError(err instanceof Error ? err : new Error(String(err)));
    }
  }, []);
  // on first show and after every reconnect
  const wasConnected = useRef<boolean | undefined>(undefined);
  useEffect(() => {
    if (wasConnected.current === undefined || (connected && !wasConnected.current)) void reload();
    wasConnected.current = connected;
  }, [connected, reload]);
  return { floor, connected, error, reload };
}

/** how long a queue's caller has waited now */
export function waitedMs(held: Held<LiveQueue>, waitMs: number, now: number): number {
  return waitMs + Math.max(0, now - held.receivedAt);
}

/** how long since a server time (an agent's state change, an answer), on the browser's clock */
export function sinceMs(floor: Floor, serverTime: number, now: number): number {
  return Math.max(0, now + floor.skewMs - serverTime);
}
