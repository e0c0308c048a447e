// Builds the console (web/ → web/dist with Vite) when web/dist is missing or older than its
// sources, so `npm start` on a fresh checkout serves it without another command and a rebuild
// costs nothing when nothing changed. `--force` builds regardless.
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const web = path.join(root, 'web');
const builtIndex = path.join(web, 'dist', 'index.html');

function newest(p) {
  const info = statSync(p);
  if (!info.isDirectory()) return info.mtimeMs;
  let latest = info.mtimeMs;
  for (const name of readdirSync(p)) latest = Math.max(latest, newest(path.join(p, name)));
  return latest;
}

const sources = [path.join(web, 'src'), path.join(web, 'public'), path.join(web, 'index.html'), path.join(web, 'vite.config.ts'), path.join(root, 'package-lock.json')];
const built = existsSync(builtIndex) ? statSync(builtIndex).mtimeMs : -1;
const stale = process.argv.includes('--force') || built < Math.max(...sources.filter(existsSync).map(newest));
if (!stale) {
  process.stdout.write('console: web/dist is up to date\n');
} else {
  const { build } = await import('vite');
  await build({ configFile: path.join(web, 'vite.config.ts'), logLevel: 'warn' });
  process.stdout.write('console: built web/dist\n');
}
