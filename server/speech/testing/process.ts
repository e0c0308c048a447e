// A speech process for a test file: started in a fresh temporary folder (its socket lives there)
// before the tests, closed and the folder removed after them.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../sip/index.js';
import { SpeechProcess } from '../supervisor.js';

export interface SpeechRig {
  readonly root: string;
  readonly speech: SpeechProcess;
}

export async function startSpeechProcess(prefix: string): Promise<SpeechRig> {
  const root = mkdtempSync(join(tmpdir(), prefix));
  const speech = new SpeechProcess({ logger: silentLogger, socketDir: root });
  await speech.start();
  return { root, speech };
}

export async function stopSpeechProcess(rig: Partial<SpeechRig>): Promise<void> {
  await rig.speech?.close();
  if (rig.root) rmSync(rig.root, { recursive: true, force: true });
}

/** `ms` of silence at 8 kHz */
export const silence = (ms: number): Int16Array => new Int16Array(8 * ms);

/** the parts one after another */
export const joined = (parts: Int16Array[]): Int16Array => Int16Array.from(parts.flatMap((p) => [...p]));

/**
 * For each metadata key sherpa-onnx reads: a copy of the model without it (`variant`) is refused
 * before loading, naming the key (`reason` matches the refusal), and the speech process stays up.
 */
export async function assertEachKeyRefused(o: {
  readonly speech: SpeechProcess;
  readonly keys: readonly string[];
  readonly variant: (name: string, edit: (meta: Record<string, string>) => void) => Promise<string>;
  readonly reason?: RegExp;
}): Promise<void> {
  const pid = o.speech.pid;
  const reason = o.reason ?? /is refused before loading/;
  for (const key of o.keys) {
    const dir = await o.variant(`no-${key}`, (m) => delete m[key]);
    await assert.rejects(o.speech.request({ op: 'load-recognizer', name: `no-${key}`, dir }), (err: Error) => reason.test(err.message) && err.message.includes(`'${key}'`), key);
  }
  assert.deepEqual(await o.speech.request({ op: 'ping' }), { op: 'ping', pid });
}
