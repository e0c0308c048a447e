// Full garbage collection in every thread of the bench's engine process, the media workers
// included, through the in-process V8 inspector (NodeWorker domain): memory figures then count
// what the engine retains, not garbage a worker's heap has not collected yet (the Opus binding
// returns a new Buffer per frame). Bench-only; production code gains no GC hook.
import { Session } from 'node:inspector/promises';

export interface HeapCollector {
  /** HeapProfiler.collectGarbage twice (finalizers free more on the second) in the main thread and each worker */
  collect(): Promise<void>;
  close(): void;
}

export async function createHeapCollector(): Promise<HeapCollector> {
  const session = new Session();
  session.connect();
  const workers = new Set<string>();
  const waiting = new Map<number, () => void>();
  let next = 1;
  session.on('NodeWorker.attachedToWorker', (m) => void workers.add(m.params.sessionId));
  session.on('NodeWorker.detachedFromWorker', (m) => void workers.delete(m.params.sessionId));
  session.on('NodeWorker.receivedMessageFromWorker', (m) => {
    const reply = JSON.parse(m.params.message) as { id?: number };
    if (reply.id !== undefined) waiting.get(reply.id)?.();
  });
  await session.post('NodeWorker.enable', { waitForDebuggerOnStart: false });
  const inWorker = async (sessionId: string): Promise<void> => {
    const id = next++;
    const done = new Promise<void>((resolve) => waiting.set(id, resolve));
    await session.post('NodeWorker.sendMessageToWorker', { sessionId, message: JSON.stringify({ id, method: 'HeapProfiler.collectGarbage' }) });
    // a worker that exits meanwhile never answers: do not wait for it forever
    await Promise.race([done, new Promise((r) => setTimeout(r, 5000))]);
    waiting.delete(id);
  };
  return {
    async collect() {
      for (let pass = 0; pass < 2; pass++) {
        await session.post('HeapProfiler.collectGarbage');
        for (const w of [...workers]) await inWorker(w);
      }
    },
    close() {
      session.disconnect();
    },
  };
}
