// Full garbage collection (and CPU profiles) in the benchmarked server, from outside, through the V8
// inspector the bench starts it with (--inspect on a loopback port): memory figures then count what the
// server retains, not garbage V8 has not collected yet, and production code gains no GC hook or endpoint.
import WebSocket from 'ws';

/** The inspector's WebSocket URL from the "Debugger listening on ws://…" line Node prints to stderr. */
export function inspectorUrl(output: string): string | undefined {
  return /Debugger listening on (ws:\/\/\S+)/.exec(output)?.[1];
}

export interface HeapAfterGc {
  /** V8 heap in use after the collection, MB */
  readonly usedMb: number;
}

interface InspectorSession {
  call(method: string, params?: Record<string, unknown>): Promise<Record<string, unknown>>;
  close(): void;
}

async function connect(url: string): Promise<InspectorSession> {
  const socket = new WebSocket(url);
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  let next = 1;
  const call = (method: string, params?: Record<string, unknown>) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const id = next++;
      const onMessage = (data: WebSocket.RawData) => {
        const reply = JSON.parse(data.toString()) as { id?: number; result?: Record<string, unknown>; error?: unknown };
        if (reply.id !== id) return;
        socket.off('message', onMessage);
        if (reply.error) reject(new Error(`${method}: ${JSON.stringify(reply.error)}`));
        else resolve(reply.result ?? {});
      };
      socket.on('message', onMessage);
      socket.send(JSON.stringify({ id, method, ...(params ? { params } : {}) }));
    });
  return { call, close: () => socket.close() };
}

/** Run HeapProfiler.collectGarbage (a full, compacting GC) twice, then read the heap in use. */
export async function collectGarbage(url: string): Promise<HeapAfterGc> {
  const session = await connect(url);
  try {
    // the second pass frees what finalizers and weak references released in the first
    await session.call('HeapProfiler.collectGarbage');
    await session.call('HeapProfiler.collectGarbage');
    const usage = await session.call('Runtime.getHeapUsage');
    return { usedMb: Number(usage.usedSize) / 1024 / 1024 };
  } finally {
    session.close();
  }
}

/**
 * Starts the V8 CPU profiler (or the sampling heap profiler) in the server; the returned function
 * stops it and answers the profile JSON, so a bench can profile just its measured pass.
 */
export async function startCpuProfile(url: string, kind: 'cpu' | 'heap' = 'cpu'): Promise<() => Promise<unknown>> {
  const session = await connect(url);
  // 'heap': the sampling heap profiler instead (where the pass allocates; a .heapprofile)
  const [domain, start, stop] = kind === 'cpu' ? ['Profiler', 'start', 'stop'] : ['HeapProfiler', 'startSampling', 'stopSampling'];
  await session.call(`${domain}.enable`);
  // the heap sampler counts collected objects too: the question is what a pass allocates, not what it keeps
  await session.call(`${domain}.${start}`, kind === 'heap' ? { includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true } : undefined);
  return async () => {
    try {
      return (await session.call(`${domain}.${stop}`)).profile;
    } finally {
      session.close();
    }
  };
}
