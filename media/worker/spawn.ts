// Starts a media worker: the compiled .js next to this module in dist/, or the .ts source when
// running under tsx (tests, `npm run dev`), as server/store/batch-writer-thread.ts does.
import { Worker } from 'node:worker_threads';
import type { MediaWorkerData } from './protocol.js';

export const defaultMediaWorkerUrl = new URL(`./media-worker.${import.meta.url.endsWith('.ts') ? 'ts' : 'js'}`, import.meta.url);

export function spawnMediaWorker(entry: URL, workerData: MediaWorkerData): Worker {
  if (!entry.pathname.endsWith('.ts')) return new Worker(entry, { workerData });
  // Node 20 does not run --import hooks in a worker, so a .ts entry needs tsx registered first.
  const tsx = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry.href)}); })`;
  return new Worker(bootstrap, { eval: true, workerData });
}
