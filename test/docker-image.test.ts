// The Docker image is built where Docker runs, not by `npm test` (the test machines have no engine),
// so this reads the Dockerfile for what the image must satisfy: the Node major the tests run on and
// `engines` names, and a build stage that compiles @discordjs/opus from its registry package with
// node-gyp (toolchain and local headers) instead of downloading a prebuilt binary.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const dockerfile = readFileSync(path.join(root, 'Dockerfile'), 'utf8');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { engines: { node: string }; allowScripts?: Record<string, boolean> };

/** each stage's lines, with ARG defaults substituted into its FROM */
function stages(): { from: string; body: string }[] {
  const args = new Map<string, string>();
  const out: { from: string; body: string }[] = [];
  // continuation lines joined; comment lines dropped as Docker does
  const lines = dockerfile.replace(/\\\n(\s*#[^\n]*\n)*/g, ' ').split('\n').filter((l) => !l.trim().startsWith('#'));
  for (const line of lines) {
    const arg = /^ARG\s+(\w+)=(\S+)/.exec(line);
    if (arg && out.length === 0) args.set(arg[1]!, arg[2]!);
    const from = /^FROM\s+(\S+)/.exec(line);
    if (from) out.push({ from: from[1]!.replace(/\$\{(\w+)\}/g, (_, k: string) => args.get(k) ?? ''), body: '' });
    else if (out.length > 0) out[out.length - 1]!.body += `${line}\n`;
  }
  return out;
}

const major = (v: string) => Number(/(\d+)/.exec(v)?.[1]);

describe('the Docker image', () => {
  it('runs the Node major package.json engines names (the one CI tests on), on Debian 12 in every stage', () => {
    const all = stages();
    assert.ok(all.length >= 2, 'a build stage and a runtime stage');
    for (const s of all) {
      const m = /^node:(\d+)-bookworm(-slim)?$/.exec(s.from);
      assert.ok(m, `FROM ${s.from}: an official node image on bookworm`);
      assert.equal(Number(m[1]), major(pkg.engines.node), `FROM ${s.from}: engines.node is ${pkg.engines.node}`);
    }
  });

  it('builds @discordjs/opus from its registry package: toolchain, Node headers from the image, no prebuilt download', () => {
    const build = stages()[0]!.body;
    for (const tool of ['python3', 'make', 'g++']) assert.match(build, new RegExp(`apt-get install[^\\n]*\\s${tool.replace('+', '\\+')}(\\s|$)`), `${tool} installed in the build stage`);
    assert.match(build, /npm_config_build_from_source=@discordjs\/opus\b/, 'node-pre-gyp compiles instead of fetching from GitHub');
    assert.match(build, /npm_config_nodedir=\/usr\/local\b/, 'node-gyp uses the headers in /usr/local/include/node');
    assert.match(build, /npm install -g [^\n]*npm@11\./, 'npm 11, which applies allowScripts');
    assert.equal(pkg.allowScripts?.['@discordjs/opus'], true, 'allowScripts lets the addon build');
  });
});
