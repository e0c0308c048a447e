// Every string of the console exists in zh-CN, zh-TW and en: each locale has exactly en's keys, no
// value is empty, interpolations match, and every key the sources name with t('…') is in en.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const localesDir = path.join(root, 'web/src/i18n/locales');
const LOCALES = ['en', 'zh-CN', 'zh-TW'];

type Tree = { [k: string]: string | Tree };
function flatten(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string') out.set(key, v);
    else for (const [kk, vv] of flatten(v, key)) out.set(kk, vv);
  }
  return out;
}
const load = async (l: string) => flatten(JSON.parse(await readFile(path.join(localesDir, `${l}.json`), 'utf8')) as Tree);
const placeholders = (s: string) => [...s.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]).sort();

async function sources(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await sources(p)));
    else if (/\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

describe('console locales', () => {
  it('zh-CN and zh-TW have every key of en, and no other, none empty, with the same placeholders', async () => {
    const en = await load('en');
    assert.ok(en.size > 100);
    for (const l of LOCALES) {
      const other = await load(l);
      const missing = [...en.keys()].filter((k) => !other.has(k));
      const extra = [...other.keys()].filter((k) => !en.has(k));
      assert.deepEqual(missing, [], `${l} lacks keys`);
      assert.deepEqual(extra, [], `${l} has keys en lacks`);
      for (const [k, v] of other) {
        assert.ok(v.trim().length > 0, `${l}: ${k} is empty`);
        assert.deepEqual(placeholders(v), placeholders(en.get(k) ?? ''), `${l}: ${k} placeholders`);
      }
    }
  });

  it('every key the console names exists in en (dynamic keys by their prefix)', async () => {
    const en = await load('en');
    const keys = [...en.keys()];
    const used = new Set<string>();
    const prefixes = new Set<string>();
    for (const file of await sources(path.join(root, 'web/src'))) {
      const text = await readFile(file, 'utf8');
      for (const m of text.matchAll(/\bt\(\s*'([^'$]+)'/g)) used.add(m[1] ?? '');
      for (const m of text.matchAll(/\bt\(\s*`([^`$]+)\$\{/g)) prefixes.add(m[1] ?? '');
      // route titles and menu groups are keys in the route table
      for (const m of text.matchAll(/(?:title|group): '((?:menu)\.[\w.]+)'/g)) used.add(m[1] ?? '');
    }
    assert.ok(used.size > 100, `only ${used.size} keys found`);
    assert.deepEqual([...used].filter((k) => !en.has(k)), []);
    for (const p of prefixes) assert.ok(keys.some((k) => k.startsWith(p)), `no key starts with ${p}`);
  });
});
