import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createApiHarness, loginAs } from './testing.js';

describe('JSON body handling (property)', () => {
  it('any body text or JSON value gets a 4xx JSON error or a success, never a 5xx or a stack trace', async () => {
    const h = await createApiHarness();
    try {
      const token = await loginAs(h);
      const body = fc.oneof(fc.string({ maxLength: 200 }), fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)));
      await fc.assert(
        fc.asyncProperty(body, fc.constantFrom('POST /api/v1/extensions', 'PATCH /api/v1/extensions/1001'), async (text, route) => {
          const [method, path] = route.split(' ') as [string, string];
          const res = await h.app.request(path, {
            method,
            headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
            body: text,
          });
          assert.ok(res.status < 500, `status ${res.status} for ${text}`);
          const out = await res.text();
          assert.ok(!/\bat .+:\d+:\d+/.test(out), 'no stack trace');
          if (res.status >= 400) assert.equal(typeof (JSON.parse(out) as { error: unknown }).error, 'string');
        }),
        { numRuns: 200 },
      );
    } finally {
      await h.cleanup();
    }
  });
});
