// /api/v1/trunks, /dids, /routes: bad input is refused with 400 and a reason and nothing is
// written; the carrier secret is never returned; a route step in the dial plan must name a route.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createApiHarness, loginAs, type ApiHarness } from './testing.js';

const good = { name: 'carrier-a', kind: 'register', host: 'sip.carrier.example', username: '02150001000', secret: 'carrier-pass', transport: 'udp' };

describe('trunks, DIDs and routes API', () => {
  let h: ApiHarness;
  let auth: Record<string, string>;
  const req = async (method: string, path: string, body?: unknown) => {
    const res = await h.app.request(path, { method, headers: { ...auth, 'content-type': 'application/json' }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    return { status: res.status, body: (res.status === 204 ? null : await res.json()) as Record<string, unknown> & { items?: Record<string, unknown>[] } };
  };
  before(async () => {
    h = await createApiHarness();
    auth = { authorization: `Bearer ${await loginAs(h)}` };
  });
  after(async () => h.cleanup());

  it('malformed trunk hosts are refused with 400 and a reason, and no trunk is written', async () => {
    for (const host of ['sip..carrier.example', 'bad host', '-lead.example', 'sip.carrier.example/x', '999.1.1.1', '']) {
      const r = await req('POST', '/api/v1/trunks', { ...good, host });
      assert.equal(r.status, 400, host);
      assert.match(JSON.stringify(r.body), /host/);
    }
    const ip = await req('POST', '/api/v1/trunks', { name: 'ip-a', kind: 'ip', host: '192.0.2.10', addresses: [] });
    assert.equal(ip.status, 400);
    assert.match(JSON.stringify(ip.body), /addresses/);
    const cidr = await req('POST', '/api/v1/trunks', { name: 'ip-a', kind: 'ip', host: '192.0.2.10', addresses: ['192.0.2.0/33'] });
    assert.equal(cidr.status, 400);
    assert.deepEqual((await req('GET', '/api/v1/trunks')).body.items, []);
  });

  it('the carrier secret is stored but never returned (hasSecret instead); PCMA is first by default', async () => {
    const r = await req('POST', '/api/v1/trunks', good);
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(r.body['hasSecret'], true);
    assert.deepEqual(r.body['codecs'], ['PCMA', 'PCMU']);
    const all = JSON.stringify((await req('GET', '/api/v1/trunks')).body);
    assert.ok(!all.includes('carrier-pass'));
    assert.ok(!JSON.stringify(await req('GET', `/api/v1/trunks/${String(r.body['id'])}`)).includes('carrier-pass'));
    // a second trunk with the same name is refused
    assert.equal((await req('POST', '/api/v1/trunks', good)).status, 400);
  });

  it('overlapping DIDs are refused with the DID they overlap; unknown destinations too', async () => {
    const steps = [{ kind: 'conference', room: '3001' }];
    assert.equal((await req('POST', '/api/v1/dids', { number: '02150001000', last: '02150001099', steps })).status, 201);
    const overlap = await req('POST', '/api/v1/dids', { number: '02150001050', steps });
    assert.equal(overlap.status, 400);
    assert.match(String(overlap.body['reason']), /overlaps DID 02150001000-02150001099/);
    const badRange = await req('POST', '/api/v1/dids', { number: '02150002000', last: '0215000199', steps });
    assert.equal(badRange.status, 400);
    const unknown = await req('POST', '/api/v1/dids', { number: '02150003000', steps: [{ kind: 'extension', number: '7777' }] });
    assert.equal(unknown.status, 400);
    assert.match(String(unknown.body['reason']), /unknown extension 7777/);
    assert.equal((await req('GET', '/api/v1/dids')).body.items?.length, 1);
  });

  it('a route pattern that cannot match, or a malformed one, or an unknown trunk is refused; a dial plan route step must name a route', async () => {
    const trunk = (await req('GET', '/api/v1/trunks')).body.items![0]!;
    const base = { name: 'national', patterns: [{ pattern: '_0ZX.', strip: 0, prepend: '' }], trunks: [trunk['id']], permission: 'national' };
    const cannot = await req('POST', '/api/v1/routes', { ...base, patterns: [{ pattern: '_0XX', strip: 3 }] });
    assert.equal(cannot.status, 400);
    assert.match(String(cannot.body['reason']), /cannot match/);
    const malformed = await req('POST', '/api/v1/routes', { ...base, patterns: [{ pattern: '_0[9-1]X' }] });
    assert.equal(malformed.status, 400);
    assert.match(String(malformed.body['reason']), /malformed pattern/);
    assert.equal((await req('POST', '/api/v1/routes', { ...base, trunks: [999] })).status, 400);
    assert.equal((await req('GET', '/api/v1/routes')).body.items?.length, 0);
    const plan = await req('POST', '/api/v1/dialplan', { pattern: '_0ZX.', permission: null, steps: [{ kind: 'route', route: 42 }] });
    assert.equal(plan.status, 400);
    assert.match(String(plan.body['reason']), /unknown route 42/);
    const ok = await req('POST', '/api/v1/routes', base);
    assert.equal(ok.status, 201, JSON.stringify(ok.body));
    assert.equal((await req('POST', '/api/v1/dialplan', { pattern: '_0ZX.', permission: null, steps: [{ kind: 'route', route: ok.body['id'] }] })).status, 201);
    // a trunk a route uses cannot be deleted
    assert.equal((await req('DELETE', `/api/v1/trunks/${String(trunk['id'])}`)).status, 400);
  });
});
