// JsSIP for a test page: node_modules/jssip is CommonJS, so esbuild bundles it once into a browser
// IIFE that defines the global `JsSIP`. The bundle is cached in the temp dir, keyed by the
// installed JsSIP version, so parallel test files build it at most once each version.
import { createRequire } from 'node:module';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';

const require = createRequire(import.meta.url);

function jssipVersion(): string {
  const pkg = require('jssip/package.json') as { version?: string };
  return pkg.version ?? 'unknown';
}

export interface JssipBundleOptions {
  /** cache directory; default <tmpdir>/hailing-jssip */
  cacheDir?: string;
}

/** The path of a JS file that defines `window.JsSIP` when loaded by a <script> tag. */
export async function jssipBundlePath(o: JssipBundleOptions = {}): Promise<string> {
  const dir = o.cacheDir ?? path.join(tmpdir(), 'hailing-jssip');
  const file = path.join(dir, `jssip-${jssipVersion()}.iife.js`);
  try {
    await readFile(file, { encoding: 'utf8', flag: 'r' });
    return file;
  } catch {
    // not cached yet
  }
  await mkdir(dir, { recursive: true });
  const entry = require.resolve('jssip');
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    format: 'iife',
    globalName: 'JsSIP',
    platform: 'browser',
    target: 'es2020',
    write: false,
    logLevel: 'silent',
  });
  const out = result.outputFiles[0];
  if (!out) throw new Error('esbuild produced no output for jssip');
  // Write then rename: a concurrent test file never reads a half-written bundle.
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, out.text);
  await rename(tmp, file);
  return file;
}

/** The bundle's source text, for serving from a test HTTP server. */
export async function jssipBundleSource(o: JssipBundleOptions = {}): Promise<string> {
  return readFile(await jssipBundlePath(o), 'utf8');
}
