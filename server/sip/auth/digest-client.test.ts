// Digest as a client, checked against the worked example of RFC 2617 §3.5 (MD5, qop=auth) and
// answering RFC 7616 §3.9.1's SHA-256 challenge (the end-to-end check of SHA-256 is the carrier
// registrar in test/trunks.test.ts, which verifies what we send).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createResponse, createRequest } from '../message/build.js';
import { answerChallenge } from './digest-client.js';

const request = createRequest({ method: 'GET', uri: '/dir/index.html', headers: [['Call-ID', 'x'], ['CSeq', '1 GET'], ['From', '<sip:a@b>;tag=1'], ['To', '<sip:a@b>'], ['Via', 'SIP/2.0/UDP h;branch=z9hG4bK1']] });
const challenged = (status: number, header: string, value: string) => ({ ...createResponse(request, { status }), headers: [...createResponse(request, { status }).headers, { name: header, value }] });

describe('digest client (RFC 2617, RFC 7616)', () => {
  it('RFC 2617 §3.5: Mufasa / "Circle Of Life" gives response 6629fae49393a05397450978507c4ef1', () => {
    const response = challenged(401, 'WWW-Authenticate', 'Digest realm="testrealm@host.com", qop="auth,auth-int", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41"');
    const a = answerChallenge({ response, method: 'GET', uri: '/dir/index.html', credentials: { username: 'Mufasa', password: 'Circle Of Life' }, random: () => Buffer.from('0a4f113b', 'hex') });
    assert.equal(a?.header, 'Authorization');
    assert.match(a!.value, /response="6629fae49393a05397450978507c4ef1"/);
    assert.match(a!.value, /nc=00000001/);
    assert.match(a!.value, /opaque="5ccc069c403ebaf9f0171e9517f40e41"/);
  });

  it('RFC 7616 §3.9.1 challenge (SHA-256) is answered with algorithm=SHA-256; a 407 with Proxy-Authorization (RFC 3261 §22.3)', () => {
    const value = 'Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=SHA-256, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"';
    const a = answerChallenge({ response: challenged(407, 'Proxy-Authenticate', value), method: 'GET', uri: '/dir/index.html', credentials: { username: 'Mufasa', password: 'Circle of Life' }, random: () => Buffer.from('f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ', 'latin1') });
    assert.equal(a?.header, 'Proxy-Authorization');
    assert.match(a!.value, /algorithm=SHA-256/);
  });

  it('RFC 8760 §2.4: the topmost challenge we support is answered (an unknown algorithm first is skipped)', () => {
    const response = { ...createResponse(request, { status: 401 }), headers: [...createResponse(request, { status: 401 }).headers, { name: 'WWW-Authenticate', value: 'Digest realm="r", nonce="n1", algorithm=SHA-512-256, qop="auth"' }, { name: 'WWW-Authenticate', value: 'Digest realm="r", nonce="n2", algorithm=MD5, qop="auth"' }] };
    const a = answerChallenge({ response, method: 'REGISTER', uri: 'sip:r', credentials: { username: 'u', password: 'p' } });
    assert.match(a!.value, /nonce="n2"/);
    assert.equal(answerChallenge({ response: challenged(401, 'WWW-Authenticate', 'Basic realm="x"'), method: 'REGISTER', uri: 'sip:r', credentials: { username: 'u', password: 'p' } }), undefined);
  });
});
