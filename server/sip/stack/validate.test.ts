import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { SipRequest } from '../message/types.js';
import { checkContent } from './validate.js';

const withBody = (headers: Array<[string, string]>): SipRequest => ({
  kind: 'request',
  method: 'INVITE',
  uri: 'sip:bob@biloxi.example.com',
  version: 'SIP/2.0',
  headers: headers.map(([name, value]) => ({ name, value })),
  body: new Uint8Array(Buffer.from('v=0\r\n')),
});

describe('checkContent (RFC 3261 8.2.3)', () => {
  it('RFC 3261 8.2.3: an unsupported Content-Type gets 415 with Accept listing the supported types', () => {
    const r = checkContent(withBody([['Content-Type', 'application/json']]), { types: ['application/sdp'] });
    assert.equal(r?.status, 415);
    assert.deepEqual(r?.headers, [{ name: 'Accept', value: 'application/sdp' }]);
  });

  it('RFC 3261 8.2.3: an unknown Content-Encoding gets 415 with Accept-Encoding', () => {
    const r = checkContent(withBody([['Content-Type', 'application/sdp'], ['Content-Encoding', 'gzip']]), { types: ['application/sdp'] });
    assert.equal(r?.status, 415);
    assert.ok(r?.headers?.some((h) => h.name === 'Accept-Encoding' || h.name === 'Accept'));
  });

  it('RFC 3261 8.2.3: an unsupported Content-Language gets 415 with Accept-Language', () => {
    const r = checkContent(withBody([['Content-Type', 'application/sdp'], ['Content-Language', 'fr']]), { types: ['application/sdp'], languages: ['en'] });
    assert.equal(r?.status, 415);
    assert.ok(r?.headers?.some((h) => h.name === 'Accept-Language' && h.value === 'en'));
  });

  it('media type parameters and case do not matter (RFC 3261 7.3.1)', () => {
    assert.equal(checkContent(withBody([['Content-Type', 'Application/SDP; charset=utf-8']]), { types: ['application/sdp'] }), undefined);
  });

  it('a request without a body is acceptable', () => {
    assert.equal(checkContent({ ...withBody([]), body: new Uint8Array(0) }, { types: ['application/sdp'] }), undefined);
  });
});
