// Unpacking a model archive with the system tar (Debian's tar reads .bz2/.gz/.xz by itself), after
// checking every member stays inside the staging folder.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, rename, rm, rmdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { ModelError } from './errors.js';

function tar(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('tar', args, { maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(stderr.trim().split('\n').slice(-2).join('; ') || err.message));
      else resolve(stdout);
    });
  });
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Extract `archive` into the empty folder `into`; a single top folder is lifted out of the way. */
export async function unpack(options: { archive: string; into: string }): Promise<void> {
  let listing: string;
  try {
    listing = await tar(['-tf', options.archive]);
  } catch (err) {
    throw new ModelError('corrupt-archive', `the archive is corrupt or truncated (${(err as Error).message})`);
  }
  const members = listing.split('\n').filter((l) => l.length > 0);
  if (members.length === 0) throw new ModelError('corrupt-archive', 'the archive is empty');
  for (const m of members) {
    if (m.startsWith('/') || m.split('/').includes('..')) {
      throw new ModelError('unsafe-archive', `the archive member '${m}' would land outside the model folder`);
    }
  }
  try {
    // --no-same-owner/permissions: files belong to whoever runs the server, whatever the archive says
    await tar(['-xf', options.archive, '-C', options.into, '--no-same-owner', '--no-same-permissions']);
  } catch (err) {
    throw new ModelError('corrupt-archive', `the archive is corrupt or truncated (${(err as Error).message})`);
  }
  const top = await readdir(options.into, { withFileTypes: true });
  const only = top[0];
  if (top.length === 1 && only !== undefined && only.isDirectory()) {
    const inner = join(options.into, only.name);
    for (const name of await readdir(inner)) await rename(join(inner, name), join(options.into, name));
    await rmdir(inner);
  }
}

/** every file and folder under `root`, relative, folders with a trailing '/' */
export async function listTree(root: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(root, { withFileTypes: true, recursive: true })) {
    const rel = relative(root, join(e.parentPath, e.name));
    out.push(e.isDirectory() ? `${rel}/` : rel);
  }
  return out.sort();
}

export async function removeQuietly(path: string): Promise<void> {
  await rm(path, { recursive: true, force: true });
}
