// Worker entry of the BatchWriter: owns a second libsql connection to the same database file
// (WAL lets the main thread's connection keep reading meanwhile) and commits the batches it is
// sent, so libsql's synchronous prepare/step/fsync work stays off the main thread's event loop.
// Batches arrive one at a time and are answered in order; the main thread resolves each row's
// promise from the `done` reply, i.e. only after the transaction holding it has committed.
import { parentPort, workerData } from 'node:worker_threads';
import { commitBatch } from './batch-commit.js';
import { openFileConnection } from './connection.js';
import { toWireError, type BatchWorkerData, type FromBatchWorker, type ToBatchWorker } from './batch-writer-protocol.js';

const port = parentPort;
if (port === null) throw new Error('batch-writer-worker must run in a worker_thread');

// Opening can fail (unwritable file, bad URL): the unhandled rejection then ends the worker, and
// the BatchWriter rejects the batch in flight and logs the cause.
const client = openFileConnection(workerData as BatchWorkerData);
// Batches are committed strictly in arrival order: each waits for the one before it.
let chain: Promise<void> = Promise.resolve();

port.on('message', (message: ToBatchWorker) => {
  if (message.type === 'close') {
    chain = chain.then(async () => {
      (await client).close();
      port.close();
    });
    return;
  }
  chain = chain.then(async () => {
    const outcome = await commitBatch(await client, message.request);
    const reply: FromBatchWorker = {
      type: 'done',
      id: message.id,
      outcome: {
        ...(outcome.batchError !== undefined ? { batchError: toWireError(outcome.batchError) } : {}),
        failures: outcome.failures.map((f) => ({ index: f.index, error: toWireError(f.error) })),
      },
    };
    port.postMessage(reply);
  });
});
