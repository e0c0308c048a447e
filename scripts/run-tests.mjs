// Runs every *.test.ts under server/, media/ and test/ with node's test runner (Node 20 has no
// --test globs). Extra arguments narrow the run: `node scripts/run-tests.mjs server/sip`.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const roots = process.argv.slice(2).length ? process.argv.slice(2) : ['server', 'media', 'test'];
const files = [];
const walk = (p) => {
  let st;
  try {
    st = statSync(p);
  } catch {
    return;
  }
  if (st.isFile()) {
    if (p.endsWith('.test.ts')) files.push(p);
    return;
  }
  for (const name of readdirSync(p)) if (name !== 'node_modules') walk(join(p, name));
};
roots.forEach(walk);
files.sort();
if (files.length === 0) {
  console.error('no test files found under', roots.join(' '));
  process.exit(1);
}
const concurrency = process.env.TEST_CONCURRENCY ?? '2';
const r = spawnSync(
  process.execPath,
  // --test-force-exit: a test file whose failure left a socket open would otherwise keep its process
  // (and the whole run) waiting; --test-timeout bounds a test that names no timeout of its own
  ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-force-exit', '--test-timeout=900000', '--test-reporter=spec', ...files],
  { stdio: 'inherit' },
);
process.exit(r.status ?? 1);
