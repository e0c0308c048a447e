import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { digestUriNamesTarget } from './digest-uri.js';

const check = (digestUri: string, requestUri: string, own: string[] = []) =>
  digestUriNamesTarget({ digestUri, requestUri, isOwnHost: (h) => own.includes(h) });

describe('digest uri vs Request-URI (RFC 2617 3.2.2.5)', () => {
  it('the Request-URI itself matches', () => {
    assert.equal(check('sip:pbx.example.com', 'sip:pbx.example.com'), true);
  });
  it("SIPp's sip:host:port of the target matches a Request-URI with a user at that host and port", () => {
    assert.equal(check('sip:127.0.0.1:5060', 'sip:6002@127.0.0.1:5060'), true);
    assert.equal(check('sip:127.0.0.1', 'sip:6002@127.0.0.1:5060'), true);
  });
  it('RFC 3261 19.1.4: host case and default ports do not make another resource', () => {
    assert.equal(check('sip:1001@PBX.example.com:5060', 'sip:1001@pbx.example.com'), true);
    assert.equal(check('sips:pbx.example.com', 'sips:pbx.example.com:5061'), true);
  });
  it('another user, host or port is another resource', () => {
    assert.equal(check('sip:1003@127.0.0.1', 'sip:1002@127.0.0.1'), false);
    assert.equal(check('sip:evil.example.org', 'sip:pbx.example.com'), false);
    assert.equal(check('sip:127.0.0.1:5070', 'sip:6002@127.0.0.1:5060'), false);
    assert.equal(check('tel:+15551234', 'sip:1002@127.0.0.1'), false);
    assert.equal(check('not a uri', 'sip:1002@127.0.0.1'), false);
  });
  it("a host of the server's own names the same target as a Request-URI rewritten by a proxy", () => {
    assert.equal(check('sip:1002@pbx.example.com', 'sip:1002@10.0.0.5:5060', ['pbx.example.com']), true);
    assert.equal(check('sip:1002@[2001:db8::1]', 'sip:1002@10.0.0.5', ['2001:db8::1']), true);
  });
});
