import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { FakeClock } from '../clock.js';
import { computeHa1, computeResponse, DigestAuthenticator, readDigestIdentity, type DigestSecrets } from './digest.js';
import { parseDigestCredentials } from './digest-params.js';

// An independent client-side computation (RFC 7616 §3.4.1), written straight from the RFC text.
const H = (alg: 'sha256' | 'md5', s: string): string => createHash(alg).update(s).digest('hex');

const REALM = 'example.com';
const secret = new Uint8Array(32).fill(7);

function credentials(username: string, password: string, realm = REALM): DigestSecrets {
  return {
    username,
    realm,
    ha1Md5: H('md5', `${username}:${realm}:${password}`),
    ha1Sha256: H('sha256', `${username}:${realm}:${password}`),
  };
}

function param(challenge: string, name: string): string {
  const m = new RegExp(`${name}="?([^",]+)"?`).exec(challenge);
  assert.ok(m, `challenge has ${name}`);
  return m[1]!;
}

function answer(opts: {
  challenge: string;
  username: string;
  password: string;
  method?: string;
  uri?: string;
  nc?: string;
  realm?: string;
  cnonce?: string;
}): string {
  const alg = param(opts.challenge, 'algorithm') === 'SHA-256' ? 'sha256' : 'md5';
  const realm = opts.realm ?? param(opts.challenge, 'realm');
  const nonce = param(opts.challenge, 'nonce');
  const opaque = param(opts.challenge, 'opaque');
  const uri = opts.uri ?? 'sip:example.com';
  const nc = opts.nc ?? '00000001';
  const cnonce = opts.cnonce ?? '0a4f113b';
  const ha1 = H(alg, `${opts.username}:${realm}:${opts.password}`);
  const ha2 = H(alg, `${opts.method ?? 'REGISTER'}:${uri}`);
  const response = H(alg, `${ha1}:${nonce}:${nc}:${cnonce}:auth:${ha2}`);
  return (
    `Digest username="${opts.username}", realm="${realm}", nonce="${nonce}", uri="${uri}", ` +
    `response="${response}", algorithm=${param(opts.challenge, 'algorithm')}, cnonce="${cnonce}", ` +
    `opaque="${opaque}", qop=auth, nc=${nc}`
  );
}

function setup(options: { lifetime?: number; cache?: number } = {}) {
  const clock = new FakeClock();
  const auth = new DigestAuthenticator({
    realm: REALM,
    secret,
    clock,
    nonceLifetimeMs: options.lifetime ?? 300_000,
    ...(options.cache ? { replayCacheSize: options.cache } : {}),
  });
  return { clock, auth };
}

describe('RFC 7616 §3.9.1 example vectors', () => {
  const v = {
    username: 'Mufasa',
    password: 'Circle of Life',
    realm: 'http-auth@example.org',
    nonce: '7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v',
    cnonce: 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ',
    nc: '00000001',
    qop: 'auth',
    method: 'GET',
    uri: '/dir/index.html',
  };
  it('RFC 7616 3.9.1: SHA-256 response is 753927fa...', () => {
    const ha1 = computeHa1('SHA-256', v.username, v.realm, v.password);
    assert.equal(
      computeResponse({ algorithm: 'SHA-256', ha1, ...v }),
      '753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1',
    );
  });
  it('RFC 7616 3.9.1: MD5 response is 8ca523f5...', () => {
    const ha1 = computeHa1('MD5', v.username, v.realm, v.password);
    assert.equal(computeResponse({ algorithm: 'MD5', ha1, ...v }), '8ca523f5e9506fed4657c9700eebdbec');
  });
  it('RFC 7616 3.9.1: the example Authorization header parses to its username and realm', () => {
    const header =
      'Digest username="Mufasa", realm="http-auth@example.org", uri="/dir/index.html", algorithm=SHA-256, ' +
      'nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", nc=00000001, cnonce="f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ", ' +
      'qop=auth, response="753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1", ' +
      'opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"';
    assert.deepEqual(readDigestIdentity(header), { username: 'Mufasa', realm: 'http-auth@example.org' });
    const parsed = parseDigestCredentials(header);
    assert.ok(parsed.ok);
    assert.equal(parsed.value.params.get('qop'), 'auth');
    assert.equal(parsed.value.params.get('nc'), '00000001');
  });
});

describe('challenge', () => {
  it('RFC 8760 2.4: offers SHA-256 first, then MD5, each with qop="auth", a nonce and opaque', () => {
    const { auth } = setup();
    const values = auth.challenge();
    assert.equal(values.length, 2);
    assert.match(values[0]!, /^Digest /);
    assert.match(values[0]!, /algorithm=SHA-256/);
    assert.match(values[1]!, /algorithm=MD5/);
    for (const v of values) {
      assert.match(v, /qop="auth"/);
      assert.match(v, /realm="example\.com"/);
      assert.match(v, /nonce="[A-Za-z0-9_-]{64}"/);
      assert.match(v, /opaque="[^"]+"/);
      assert.doesNotMatch(v, /stale/);
    }
  });
  it('RFC 7616 3.3: stale=true is added on request', () => {
    const { auth } = setup();
    for (const v of auth.challenge({ stale: true })) assert.match(v, /stale=true/);
  });
  it('two challenges in the same millisecond carry different nonces', () => {
    const { auth } = setup();
    assert.notEqual(param(auth.challenge()[0]!, 'nonce'), param(auth.challenge()[0]!, 'nonce'));
  });
  it('rejects a nonce lifetime above 300 s', () => {
    assert.throws(() => new DigestAuthenticator({ realm: REALM, secret, clock: new FakeClock(), nonceLifetimeMs: 300_001 }));
  });
});

describe('verify', () => {
  const alice = credentials('1001', 's3cret');
  it('RFC 7616 3.4.1: accepts a correct SHA-256 response', () => {
    const { auth } = setup();
    const authorization = answer({ challenge: auth.challenge()[0]!, username: '1001', password: 's3cret' });
    assert.deepEqual(auth.verify({ method: 'REGISTER', authorization, credentials: alice }), {
      ok: true,
      username: '1001',
      algorithm: 'SHA-256',
    });
  });
  it('RFC 7616 3.4.1: accepts a correct MD5 response', () => {
    const { auth } = setup();
    const authorization = answer({ challenge: auth.challenge()[1]!, username: '1001', password: 's3cret' });
    const r = auth.verify({ method: 'REGISTER', authorization, credentials: alice });
    assert.ok(r.ok);
    assert.equal(r.algorithm, 'MD5');
  });
  it('RFC 7616 3.4: an absent algorithm means MD5', () => {
    const { auth } = setup();
    const authorization = answer({ challenge: auth.challenge()[1]!, username: '1001', password: 's3cret' }).replace(', algorithm=MD5', '');
    assert.ok(auth.verify({ method: 'REGISTER', authorization, credentials: alice }).ok);
  });
  it('RFC 3261 22.4: a wrong password is a mismatch', () => {
    const { auth } = setup();
    const authorization = answer({ challenge: auth.challenge()[0]!, username: '1001', password: 'guess' });
    assert.deepEqual(auth.verify({ method: 'REGISTER', authorization, credentials: alice }), {
      ok: false,
      reason: 'mismatch',
      username: '1001',
    });
  });
  it('an unknown user fails exactly like a wrong password (no enumeration)', () => {
    const { auth } = setup();
    const authorization = answer({ challenge: auth.challenge()[0]!, username: '1001', password: 's3cret' });
    assert.deepEqual(auth.verify({ method: 'REGISTER', authorization, credentials: undefined }), {
      ok: false,
      reason: 'mismatch',
      username: '1001',
    });
  });
  it('RFC 7616 3.4.1: HA2 binds the method', () => {
    const { auth } = setup();
    const authorization = answer({ challenge: auth.challenge()[0]!, username: '1001', password: 's3cret', method: 'INVITE' });
    assert.equal(auth.verify({ method: 'REGISTER', authorization, credentials: alice }).ok, false);
  });
  it('RFC 7616 3.3: a correct response on an expired nonce is stale', () => {
    const { auth, clock } = setup({ lifetime: 60_000 });
    const challenge = auth.challenge()[0]!;
    clock.advance(60_001);
    const authorization = answer({ challenge, username: '1001', password: 's3cret' });
    assert.deepEqual(auth.verify({ method: 'REGISTER', authorization, credentials: alice }), {
      ok: false,
      reason: 'stale',
      username: '1001',
    });
  });
  it('RFC 7616 3.3: a wrong password on an expired nonce is a mismatch, not stale', () => {
    const { auth, clock } = setup({ lifetime: 60_000 });
    const challenge = auth.challenge()[0]!;
    clock.advance(60_001);
    const authorization = answer({ challenge, username: '1001', password: 'nope' });
    assert.equal(auth.verify({ method: 'REGISTER', authorization, credentials: alice }).ok, false);
    assert.deepEqual(auth.verify({ method: 'REGISTER', authorization, credentials: alice }), { ok: false, reason: 'mismatch', username: '1001' });
  });
  it('RFC 7616 3.4: a repeated nonce-count is a replay, a higher one is accepted', () => {
    const { auth } = setup();
    const challenge = auth.challenge()[0]!;
    const first = answer({ challenge, username: '1001', password: 's3cret', nc: '00000001' });
    assert.ok(auth.verify({ method: 'REGISTER', authorization: first, credentials: alice }).ok);
    assert.deepEqual(auth.verify({ method: 'REGISTER', authorization: first, credentials: alice }), {
      ok: false,
      reason: 'replay',
      username: '1001',
    });
    const second = answer({ challenge, username: '1001', password: 's3cret', nc: '00000002', cnonce: 'x' });
    assert.ok(auth.verify({ method: 'REGISTER', authorization: second, credentials: alice }).ok);
    const lower = answer({ challenge, username: '1001', password: 's3cret', nc: '00000001', cnonce: 'y' });
    assert.equal(auth.verify({ method: 'REGISTER', authorization: lower, credentials: alice }).ok, false);
  });
  it('a failed attempt does not consume the nonce-count', () => {
    const { auth } = setup();
    const challenge = auth.challenge()[0]!;
    const bad = answer({ challenge, username: '1001', password: 'nope', nc: 'ffffffff' });
    assert.equal(auth.verify({ method: 'REGISTER', authorization: bad, credentials: alice }).ok, false);
    const good = answer({ challenge, username: '1001', password: 's3cret' });
    assert.ok(auth.verify({ method: 'REGISTER', authorization: good, credentials: alice }).ok);
  });
  it('a nonce forgotten by the bounded replay cache is treated as stale, never replayable', () => {
    const { auth } = setup({ cache: 2 });
    const c1 = auth.challenge()[0]!;
    const a1 = answer({ challenge: c1, username: '1001', password: 's3cret' });
    assert.ok(auth.verify({ method: 'REGISTER', authorization: a1, credentials: alice }).ok);
    // two newer challenges take the ring's two slots: c1's nc is no longer known
    auth.challenge();
    auth.challenge();
    const r = auth.verify({ method: 'REGISTER', authorization: a1, credentials: alice });
    assert.equal(r.ok ? '' : r.reason, 'stale');
  });
  it('REGISTER load (issue 18, finding 10): a fresh nonce answered after 12,000 later ones were answered is not stale', () => {
    // Under load, answers arrive out of issue order. The nonce is well inside its lifetime and
    // nothing has used it: RFC 7616 §3.3 gives no ground to call it stale.
    const { auth, clock } = setup();
    const early = auth.challenge()[0]!;
    for (let i = 0; i < 12_000; i++) {
      clock.advance(1);
      const authorization = answer({ challenge: auth.challenge()[0]!, username: '1001', password: 's3cret' });
      assert.ok(auth.verify({ method: 'REGISTER', authorization, credentials: alice }).ok);
    }
    const late = auth.verify({ method: 'REGISTER', authorization: answer({ challenge: early, username: '1001', password: 's3cret' }), credentials: alice });
    assert.deepEqual(late, { ok: true, username: '1001', algorithm: 'SHA-256' });
  });
  it('a tampered nonce is rejected as bad-nonce', () => {
    const { auth } = setup();
    const challenge = auth.challenge()[0]!;
    const nonce = param(challenge, 'nonce');
    const flipped = (nonce[0] === 'A' ? 'B' : 'A') + nonce.slice(1);
    const authorization = answer({ challenge: challenge.replace(nonce, flipped), username: '1001', password: 's3cret' });
    assert.deepEqual(auth.verify({ method: 'REGISTER', authorization, credentials: alice }), {
      ok: false,
      reason: 'bad-nonce',
      username: '1001',
    });
  });
  it('a nonce minted with another secret is rejected as bad-nonce', () => {
    const { auth } = setup();
    const other = new DigestAuthenticator({ realm: REALM, secret: new Uint8Array(32).fill(9), clock: new FakeClock() });
    const authorization = answer({ challenge: other.challenge()[0]!, username: '1001', password: 's3cret' });
    const r = auth.verify({ method: 'REGISTER', authorization, credentials: alice });
    assert.equal(r.ok ? '' : r.reason, 'bad-nonce');
  });
  it('RFC 3261 22.4: credentials for another realm are wrong-realm', () => {
    const { auth } = setup();
    const authorization = answer({ challenge: auth.challenge()[0]!, username: '1001', password: 's3cret', realm: 'evil.org' });
    const r = auth.verify({ method: 'REGISTER', authorization, credentials: alice });
    assert.equal(r.ok ? '' : r.reason, 'wrong-realm');
  });
  it('RFC 7616 3.4: an algorithm we did not offer is unsupported', () => {
    const { auth } = setup();
    const authorization = answer({ challenge: auth.challenge()[0]!, username: '1001', password: 's3cret' }).replace(
      'algorithm=SHA-256',
      'algorithm=SHA-512-256',
    );
    const r = auth.verify({ method: 'REGISTER', authorization, credentials: alice });
    assert.equal(r.ok ? '' : r.reason, 'unsupported-algorithm');
  });
  it('policy: a response without qop (RFC 2069 style) is refused as malformed', () => {
    const { auth } = setup();
    const authorization = answer({ challenge: auth.challenge()[0]!, username: '1001', password: 's3cret' }).replace(', qop=auth', '');
    const r = auth.verify({ method: 'REGISTER', authorization, credentials: alice });
    assert.equal(r.ok ? '' : r.reason, 'malformed');
  });
  it('malformed headers are values, not exceptions', () => {
    const { auth } = setup();
    for (const authorization of ['', 'Basic abc', 'Digest', 'Digest username="1001', 'Digest a=1, a=2', 'Digest nc=zz']) {
      const r = auth.verify({ method: 'REGISTER', authorization, credentials: alice });
      assert.equal(r.ok ? '' : r.reason, 'malformed', authorization);
    }
  });
  it('property: the credentials parser and verify never throw on any input', () => {
    const { auth } = setup();
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (s) => {
        parseDigestCredentials(s);
        parseDigestCredentials(`Digest ${s}`);
        auth.verify({ method: 'REGISTER', authorization: `Digest ${s}`, credentials: alice });
      }),
      { numRuns: 500 },
    );
  });
});

describe('algorithms offered', () => {
  const secret = new Uint8Array(32).fill(9);
  const algs = (values: string[]) => values.map((v) => /algorithm=([\w-]+)/.exec(v)?.[1]);

  it('RFC 8760 §2.4: one challenge per algorithm, in the configured order of preference', () => {
    const auth = new DigestAuthenticator({ realm: 'r', secret, clock: new FakeClock(), algorithms: ['MD5', 'SHA-256'] });
    assert.deepEqual(algs(auth.challenge()), ['MD5', 'SHA-256']);
  });

  it('an algorithm that is not offered is not accepted', () => {
    const clock = new FakeClock();
    const auth = new DigestAuthenticator({ realm: 'r', secret, clock, algorithms: ['SHA-256'] });
    const [challenge] = auth.challenge();
    const nonce = /nonce="([^"]+)"/.exec(challenge ?? '')?.[1] ?? '';
    const ha1 = createHash('md5').update('u:r:pw').digest('hex');
    const ha2 = createHash('md5').update('REGISTER:sip:r').digest('hex');
    const response = createHash('md5').update(`${ha1}:${nonce}:00000001:c:auth:${ha2}`).digest('hex');
    const authorization = `Digest username="u", realm="r", nonce="${nonce}", uri="sip:r", response="${response}", algorithm=MD5, qop=auth, nc=00000001, cnonce="c"`;
    const result = auth.verify({ method: 'REGISTER', authorization, credentials: { username: 'u', realm: 'r', ha1Md5: ha1, ha1Sha256: 'x' } });
    assert.deepEqual(result.ok ? 'ok' : result.reason, 'unsupported-algorithm');
  });

  it('UACs listed as MD5-only get the MD5 challenge alone; every other agent gets all', () => {
    const auth = new DigestAuthenticator({ realm: 'r', secret, clock: new FakeClock(), md5OnlyUserAgents: ['baresip v1.'] });
    assert.deepEqual(algs(auth.challenge({ userAgent: 'baresip v1.0.0 (x86_64/linux)' })), ['MD5']);
    assert.deepEqual(algs(auth.challenge({ userAgent: 'Yealink SIP-T46U' })), ['SHA-256', 'MD5']);
    assert.deepEqual(algs(auth.challenge()), ['SHA-256', 'MD5']);
  });

  it('a SHA-256-only policy stays SHA-256-only even for MD5-only agents', () => {
    const auth = new DigestAuthenticator({ realm: 'r', secret, clock: new FakeClock(), algorithms: ['SHA-256'], md5OnlyUserAgents: ['baresip'] });
    assert.deepEqual(algs(auth.challenge({ userAgent: 'baresip v1.0.0' })), ['SHA-256']);
  });
});
