import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseDtmfInfo } from './dtmf-info.js';

const body = (text: string) => new Uint8Array(Buffer.from(text, 'utf8'));

describe('parseDtmfInfo: DTMF in SIP INFO (RFC 6086 bodies)', () => {
  it('application/dtmf-relay as Cisco and Asterisk send it: Signal and Duration lines, CRLF', () => {
    assert.deepEqual(parseDtmfInfo('application/dtmf-relay', body('Signal=5\r\nDuration=160\r\n')), { digit: '5', durationMs: 160 });
    assert.deepEqual(parseDtmfInfo('application/dtmf-relay', body('Signal=*\r\nDuration=250\r\n')), { digit: '*', durationMs: 250 });
    assert.deepEqual(parseDtmfInfo('application/dtmf-relay', body('Signal=#\r\nDuration=100\r\n')), { digit: '#', durationMs: 100 });
  });

  it('spaces around "=", LF line ends, header case and parameters of the Content-Type do not matter', () => {
    assert.deepEqual(parseDtmfInfo('Application/DTMF-Relay; charset=utf-8', body('signal= 9\nduration = 80\n')), { digit: '9', durationMs: 80 });
  });

  it('RFC 4733 §3.2 event codes: 10 is *, 11 is #, 12-15 are A-D; letters in either case', () => {
    const cases: [string, string][] = [['10', '*'], ['11', '#'], ['12', 'A'], ['13', 'B'], ['14', 'C'], ['15', 'D'], ['0', '0'], ['d', 'D']];
    for (const [signal, digit] of cases) {
      assert.deepEqual(parseDtmfInfo('application/dtmf-relay', body(`Signal=${signal}\r\nDuration=160\r\n`)), { digit, durationMs: 160 }, `Signal=${signal}`);
    }
  });

  it('no Duration line: a default of 250 ms', () => {
    assert.deepEqual(parseDtmfInfo('application/dtmf-relay', body('Signal=3\r\n')), { digit: '3', durationMs: 250 });
  });

  it('application/dtmf carries the bare digit', () => {
    assert.deepEqual(parseDtmfInfo('application/dtmf', body('7')), { digit: '7', durationMs: 250 });
    assert.deepEqual(parseDtmfInfo('application/dtmf', body('#\r\n')), { digit: '#', durationMs: 250 });
  });

  it('not DTMF: other types, no Signal, flash (event 16) or an unknown signal, an empty body', () => {
    assert.equal(parseDtmfInfo('application/media_control+xml', body('<media_control/>')), null);
    assert.equal(parseDtmfInfo(undefined, body('Signal=5')), null);
    assert.equal(parseDtmfInfo('application/dtmf-relay', body('Duration=160\r\n')), null);
    assert.equal(parseDtmfInfo('application/dtmf-relay', body('Signal=16\r\nDuration=160\r\n')), null);
    assert.equal(parseDtmfInfo('application/dtmf-relay', body('Signal=X\r\n')), null);
    assert.equal(parseDtmfInfo('application/dtmf-relay', body('')), null);
    assert.equal(parseDtmfInfo('application/dtmf', body('')), null);
    assert.equal(parseDtmfInfo('application/dtmf', body('55')), null);
  });

  it('never throws on arbitrary bytes', () => {
    for (let i = 0; i < 200; i++) {
      const bytes = new Uint8Array(Array.from({ length: i % 40 }, (_, k) => (k * 7919 + i * 31) & 0xff));
      assert.doesNotThrow(() => parseDtmfInfo(i % 2 ? 'application/dtmf-relay' : 'application/dtmf', bytes));
    }
  });
});
