// Acceptance (issue 18 §8 review): HAILING_HTTP_BEHIND_TLS reaches the running API. Behind a TLS
// proxy the session cookie must be Secure and responses carry HSTS (RFC 6797 §7.1); served as
// plain HTTP (the default, checked in server/api/login-throttle.test.ts) neither: RFC 6797 §7.2.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN, startHailing, type HailingProcess } from './helpers/hailing-process.js';

async function loginHeaders(server: HailingProcess): Promise<Headers> {
  const r = await fetch(`${server.baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(ADMIN),
  });
  await r.text();
  assert.equal(r.status, 200);
  return r.headers;
}

describe('HAILING_HTTP_BEHIND_TLS', () => {
  let server: HailingProcess;
  before(async () => {
    server = await startHailing({ env: { HAILING_HTTP_BEHIND_TLS: 'true' } });
  });
  after(async () => {
    await server?.kill('SIGKILL');
  });

  it('true: Strict-Transport-Security on every response and a Secure session cookie', async () => {
    const health = await fetch(`${server.baseUrl}/healthz`);
    await health.text();
    assert.match(health.headers.get('strict-transport-security') ?? '', /^max-age=\d+/);
    const headers = await loginHeaders(server);
    assert.match(headers.get('set-cookie') ?? '', /; Secure(;|$)/);
  });
});
