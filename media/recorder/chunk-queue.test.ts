// The background writer's contract from the brief: one write in flight, a bounded queue that
// refuses (and lets the caller count) frames when the disk falls behind, the header rewritten only
// after the data it counts, and a write error turning into a count, not a throw.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ChunkQueue, type ChunkFile } from './chunk-queue.js';

interface Call {
  position: number;
  bytes: Buffer;
}

/** A file whose writes complete only when the test says so. */
class ManualFile implements ChunkFile {
  readonly calls: Call[] = [];
  readonly #pending: Array<() => void> = [];
  inFlight = 0;
  maxInFlight = 0;
  failNext = false;

  write(buffer: Buffer, offset: number, length: number, position: number): Promise<{ bytesWritten: number }> {
    this.calls.push({ position, bytes: Buffer.from(buffer.subarray(offset, offset + length)) });
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    const fail = this.failNext;
    this.failNext = false;
    return new Promise((resolve, reject) => {
      this.#pending.push(() => {
        this.inFlight--;
        if (fail) reject(new Error('ENOSPC: no space left on device'));
        else resolve({ bytesWritten: length });
      });
    });
  }

  /** completes the oldest write and lets the queue's continuation run */
  async complete(): Promise<void> {
    this.#pending.shift()?.();
    for (let i = 0; i < 5; i++) await Promise.resolve();
  }

  get pending(): number {
    return this.#pending.length;
  }
}

/** Appends `n` bytes of value `v` the way a format writer does; false when refused. */
function put(q: ChunkQueue, n: number, v: number): boolean {
  if (!q.reserve(n)) return false;
  q.active.fill(v, q.activeLength, q.activeLength + n);
  q.commit(n, n);
  return true;
}

describe('ChunkQueue', () => {
  it('writes chunks in order at consecutive positions, one write at a time', async () => {
    const file = new ManualFile();
    const q = new ChunkQueue({ file, chunkBytes: 10, maxChunks: 4, startPosition: 100 });
    for (let v = 1; v <= 3; v++) {
      assert.ok(put(q, 10, v));
      q.rotate();
    }
    assert.equal(file.pending, 1, 'a single write in flight');
    while (file.pending > 0) await file.complete();
    assert.equal(file.maxInFlight, 1);
    assert.deepEqual(
      file.calls.map((c) => [c.position, c.bytes[0], c.bytes.length]),
      [
        [100, 1, 10],
        [110, 2, 10],
        [120, 3, 10],
      ],
    );
    assert.equal(q.written, 30);
  });

  it('rewrites the header at offset 0 after each chunk has landed, with the bytes landed so far', async () => {
    const file = new ManualFile();
    const seen: number[] = [];
    const header = Buffer.from('HDR');
    const q = new ChunkQueue({ file, chunkBytes: 8, maxChunks: 3, startPosition: 3, afterWrite: (n) => (seen.push(n), header) });
    put(q, 8, 1);
    q.rotate();
    put(q, 4, 2);
    q.rotate();
    while (file.pending > 0) await file.complete();
    assert.deepEqual(
      file.calls.map((c) => c.position),
      [3, 0, 11, 0],
    );
    assert.deepEqual(seen, [8, 12]);
  });

  it('when the disk falls behind, refuses data once every chunk is taken and never holds more than maxChunks', async () => {
    const file = new ManualFile();
    const q = new ChunkQueue({ file, chunkBytes: 10, maxChunks: 3, startPosition: 0 });
    let refused = 0;
    for (let i = 0; i < 10; i++) if (!put(q, 10, i)) refused++;
    // chunk 0 in flight, chunk 1 queued, chunk 2 active and full: 3 accepted, 7 refused
    assert.equal(refused, 7);
    assert.equal(file.pending, 1);
    await file.complete();
    assert.ok(put(q, 10, 42), 'a chunk came back: writes resume');
    // drain() waits on the writer, which this fake only advances on request
    const drained = q.drain();
    while (file.pending > 0) await file.complete();
    await drained;
    assert.deepEqual(
      file.calls.map((c) => c.bytes[0]),
      [0, 1, 2, 42],
    );
  });

  it('a write error is reported, the rest is counted as lost, later data refused', async () => {
    const file = new ManualFile();
    const q = new ChunkQueue({ file, chunkBytes: 10, maxChunks: 4, startPosition: 0 });
    file.failNext = true;
    put(q, 10, 1);
    q.rotate();
    put(q, 6, 2);
    q.rotate();
    await file.complete();
    assert.match(q.error?.message ?? '', /ENOSPC/);
    assert.equal(q.lostSamples, 16);
    assert.equal(put(q, 1, 3), false);
    assert.equal(file.calls.length, 1, 'nothing written after the error');
  });
});
