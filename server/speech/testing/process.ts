// A speech process for a test file: started in a fresh temporary folder (its socket lives there)
// before the tests, closed and the folder removed after them.
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
