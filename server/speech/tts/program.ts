// A TTS program (espeak-ng, flite) run once per prompt: it writes a WAV to stdout or to a file of
// its own (flite cannot write to Node's stdout, a socket), which is resampled once to the call's
// rate (the player then plays it as is). The program's name in each
// error says which engine failed; a missing program is `engine-missing` with the package to install.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseWav, resampleAll } from '../../../media/index.js';
import { TtsError, type TtsRequest } from './tts.js';

const WAV_HEADER = 44;

export function synthesizeByProgram(o: {
  readonly program: string;
  /** `file` becomes the path of the WAV to write, when the program cannot write it to stdout */
  readonly args: readonly string[] | ((file: string) => readonly string[]);
  /** the text on stdin, or null when it is among the arguments */
  readonly stdin: string | null;
  /** the Debian package to name when the program is missing */
  readonly debianPackage: string;
  readonly req: TtsRequest;
}): Promise<Int16Array> {
  const { program, args } = o;
  if (typeof args !== 'function') return run(o, args, null);
  return (async () => {
    const dir = await mkdtemp(join(tmpdir(), `hailing-${program.replace(/\W/g, '')}-`));
    try {
      return await run(o, args(join(dir, 'out.wav')), join(dir, 'out.wav'));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  })();
}

function run(o: Parameters<typeof synthesizeByProgram>[0], args: readonly string[], file: string | null): Promise<Int16Array> {
  const { program, req } = o;
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { stdio: [o.stdin === null ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    let bytes = 0;
    let first = false;
    let stderr = '';
    child.stdout!.on('data', (b: Buffer) => {
      chunks.push(b);
      bytes += b.length;
      if (!first && bytes > WAV_HEADER) {
        first = true;
        req.onFirstAudio?.();
      }
    });
    child.stderr!.on('data', (b: Buffer) => void (stderr += b.toString()));
    child.on('error', (err: NodeJS.ErrnoException) =>
      reject(err.code === 'ENOENT' ? new TtsError('engine-missing', `${program} is not installed (apt-get install ${o.debianPackage})`) : new TtsError('engine-failed', err.message)),
    );
    child.on('close', async (code) => {
      if (code !== 0) return reject(new TtsError('engine-failed', `${program} exited ${code}: ${stderr.trim()}`));
      let bytes: Buffer;
      try {
        bytes = file === null ? Buffer.concat(chunks) : await readFile(file);
      } catch (err) {
        return reject(new TtsError('engine-failed', `${program} wrote no WAV: ${String(err)}`));
      }
      if (file !== null) req.onFirstAudio?.();
      const wav = parseWav(bytes);
      if (!wav.ok) return reject(new TtsError('engine-failed', `${program} wrote no WAV: ${wav.error.detail}`));
      resolve(wav.sampleRate === req.rate ? wav.samples : resampleAll({ input: wav.samples, fromRate: wav.sampleRate, toRate: req.rate, quality: 'high' }));
    });
    if (o.stdin !== null) child.stdin!.end(o.stdin);
  });
}
