// npm run models -- list | install NAME [--from ARCHIVE] | remove NAME | verify
// Exit status 0 on success, 1 on a refusal (its message on stderr), 2 on bad usage.
import { loadConfig } from '../../config/index.js';
import { loadManifest } from './manifest.js';
import { ModelInstaller } from './installer.js';
import { ModelError } from './errors.js';
import { onnxModelCheck } from '../check/model-check.js';
import { progressLine } from './progress.js';

const out = (line: string): void => void process.stdout.write(`${line}\n`);
const err = (line: string): void => void process.stderr.write(`${line}\n`);

async function main(argv: string[]): Promise<number> {
  const config = loadConfig();
  const installer = new ModelInstaller({ dir: config.modelsDir, manifest: loadManifest(), now: Date.now, checkModel: onnxModelCheck });
  const [cmd, name, ...rest] = argv;
  switch (cmd) {
    case 'list':
      for (const s of await installer.list()) {
        const state = s.installed ? `installed (${s.installed.checksumSource} ${s.installed.sha256.slice(0, 12)})` : 'not installed';
        out(`${s.entry.name.padEnd(52)} ${s.entry.kind.padEnd(13)} ${s.entry.languages.join(',').padEnd(16)} ${state}`);
      }
      return 0;
    case 'install': {
      if (!name) break;
      const fromAt = rest.indexOf('--from');
      const from = fromAt >= 0 ? rest[fromAt + 1] : undefined;
      if (fromAt >= 0 && !from) break;
      let last = 0;
      const marker = await installer.install({
        name,
        from,
        onProgress: (p) => {
          const t = Date.now();
          if (t - last < 250 && p.bytes !== p.total) return;
          last = t;
          process.stderr.write(`\r${progressLine(p)}`);
        },
      });
      if (last > 0) process.stderr.write('\n');
      out(`installed ${marker.name} (${marker.kind}) in ${config.modelsDir}; SHA-256 ${marker.sha256} (${marker.checksumSource})`);
      return 0;
    }
    case 'remove':
      if (!name) break;
      await installer.remove({ name });
      out(`removed ${name}`);
      return 0;
    case 'verify': {
      const results = await installer.verify();
      for (const r of results) out(`${r.name}: ${r.problem ?? 'ok'}`);
      return results.some((r) => r.problem !== null) ? 1 : 0;
    }
    default:
  }
  err('usage: npm run models -- list | install NAME [--from ARCHIVE] | remove NAME | verify');
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    err(e instanceof ModelError ? `refused: ${e.message}` : `failed: ${(e as Error).message}`);
    process.exit(1);
  },
);
