import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { createLogger } from './logger.js';

function capture(): { stream: Writable; lines: () => string[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _e, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return { stream, lines: () => chunks.join('').split('\n').filter(Boolean) };
}

describe('createLogger', () => {
  it('redacts passwords, tokens, HA1s, cookies and authorization headers at the top level and nested', () => {
    const { stream, lines } = capture();
    const log = createLogger({ level: 'info', destination: stream });
    log.info(
      {
        password: 'pw-top',
        token: 'tok-top',
        user: { name: 'ok-visible', password: 'pw-nested', ha1Md5: 'ha1-nested' },
        req: { headers: { authorization: 'Bearer abc', cookie: 'hailing_session=zzz', host: 'h' } },
        creds: { ha1Sha256: 'ha1-sha', nonceSecret: 'ns' },
      },
      'login',
    );
    const out = lines().join('\n');
    for (const secret of ['pw-top', 'tok-top', 'pw-nested', 'ha1-nested', 'Bearer abc', 'zzz', 'ha1-sha', '"ns"']) {
      assert.ok(!out.includes(secret), `leaked ${secret}: ${out}`);
    }
    assert.ok(out.includes('ok-visible'));
    const rec = JSON.parse(lines()[0]!) as { msg: string; level: number };
    assert.equal(rec.msg, 'login');
    assert.equal(rec.level, 30);
  });

  it('pretty mode writes one human-readable line per record, still redacted', () => {
    const { stream, lines } = capture();
    const log = createLogger({ level: 'debug', pretty: true, destination: stream });
    log.warn({ port: 5060, password: 'hunter2' }, 'bind failed');
    const line = lines()[0] ?? '';
    assert.match(line, /WARN\s+bind failed port=5060/);
    assert.ok(!line.includes('hunter2'));
  });

  it('honours the level', () => {
    const { stream, lines } = capture();
    const log = createLogger({ level: 'warn', destination: stream });
    log.info('hidden');
    log.error('shown');
    assert.equal(lines().length, 1);
  });
});
