import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { callRecordFixture } from '../../store/testing.js';
import { openRecording } from './recordings.js';

const record = (recordingPath: string) => callRecordFixture({ id: 'c1', startedAt: Date.UTC(2026, 0, 15), recordingPath, recordingFormat: 'wav' });

async function opened(dir: string, recordingPath: string): Promise<string> {
  const file = await openRecording({ dir, record: record(recordingPath) });
  if (!file.ok) return file.reason;
  await file.handle.close();
  return `ok ${file.size}`;
}

describe('openRecording: where a record\'s recording path points', () => {
  it('a path relative to the recordings folder is found there, and still after the data folder moved', async () => {
    const root = await mkdtemp(join(tmpdir(), 'hailing-rec-path-'));
    try {
      const dir = join(root, 'data', 'recordings');
      await mkdir(join(dir, '2026', '01', '15'), { recursive: true });
      await writeFile(join(dir, '2026', '01', '15', 'c1.wav'), Buffer.alloc(100));
      assert.equal(await opened(dir, '2026/01/15/c1.wav'), 'ok 100');
      await rename(join(root, 'data'), join(root, 'moved'));
      assert.equal(await opened(join(root, 'moved', 'recordings'), '2026/01/15/c1.wav'), 'ok 100');
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('an absolute path (records written before paths were relative) works while it lies inside the folder', async () => {
    const root = await mkdtemp(join(tmpdir(), 'hailing-rec-path-'));
    try {
      const dir = join(root, 'recordings');
      await mkdir(dir);
      await writeFile(join(dir, 'c1.wav'), Buffer.alloc(7));
      await writeFile(join(root, 'secret.wav'), Buffer.alloc(7));
      assert.equal(await opened(dir, join(dir, 'c1.wav')), 'ok 7');
      assert.match(await opened(dir, join(root, 'secret.wav')), /outside/);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('a relative path cannot climb out of the folder', async () => {
    const root = await mkdtemp(join(tmpdir(), 'hailing-rec-path-'));
    try {
      const dir = join(root, 'recordings');
      await mkdir(dir);
      await writeFile(join(root, 'secret.wav'), Buffer.alloc(7));
      assert.match(await opened(dir, '../secret.wav'), /outside/);
      assert.match(await opened(dir, '2026/01/15/none.wav'), /gone/);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
