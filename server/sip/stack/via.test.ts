// RFC 3261 §18.2.1 and RFC 3581 §4: the server marks the top Via of a received request.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseVia } from '../message/via.js';
import { markVia, viaMark } from './via.js';

const paramsOf = (value: string) => {
  const v = parseVia(value);
  assert.ok(v.ok, v.ok ? '' : v.error);
  return v.value;
};

test('RFC 3581 §4 example: an empty rport is filled with the source port and received is added', () => {
  // RFC 3581 §4: "Via: SIP/2.0/UDP 10.1.1.1:4540;rport;branch=z9hG4bKkjshdyff" from 192.0.2.1:9988
  // becomes "...;received=192.0.2.1;rport=9988;branch=z9hG4bKkjshdyff"
  const sent = paramsOf('SIP/2.0/UDP 10.1.1.1:4540;rport;branch=z9hG4bKkjshdyff');
  const mark = viaMark(sent, { address: '192.0.2.1', port: 9988 });
  assert.deepEqual(mark, { received: '192.0.2.1', rport: 9988 });
  const marked = paramsOf(markVia('SIP/2.0/UDP 10.1.1.1:4540;rport;branch=z9hG4bKkjshdyff', mark ?? {}));
  assert.equal(marked.host, '10.1.1.1');
  assert.equal(marked.port, 4540);
  assert.equal(marked.received, '192.0.2.1');
  assert.equal(marked.rport, 9988);
  assert.equal(marked.branch, 'z9hG4bKkjshdyff');
  assert.equal(marked.params.size, 3);
});

test('RFC 3261 §18.2.1: received is added when sent-by is not the source; other parameters stay as written', () => {
  const value = 'SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bK776asdhds;maddr=224.2.0.1 ;ttl=16';
  assert.equal(
    markVia(value, { received: '192.0.2.101' }),
    'SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bK776asdhds;maddr=224.2.0.1 ;ttl=16;received=192.0.2.101',
  );
});

test('an old received parameter is replaced, not repeated, and a filled rport is overwritten', () => {
  assert.equal(
    markVia('SIP/2.0/UDP a.example.com;Received=10.0.0.9;rport=1;branch=z9hG4bKx', { received: '192.0.2.7', rport: 5070 }),
    'SIP/2.0/UDP a.example.com;rport=5070;branch=z9hG4bKx;received=192.0.2.7',
  );
});

test('a Via without parameters gets received appended; with no mark for a parameter it is kept', () => {
  assert.equal(markVia('SIP/2.0/TCP host.example.com:5060', { received: '192.0.2.1' }), 'SIP/2.0/TCP host.example.com:5060;received=192.0.2.1');
  assert.equal(markVia('SIP/2.0/UDP h;received=10.0.0.1;rport', { rport: 4000 }), 'SIP/2.0/UDP h;received=10.0.0.1;rport=4000');
  assert.equal(markVia('SIP/2.0/UDP h;;x', {}), 'SIP/2.0/UDP h;;x');
});
