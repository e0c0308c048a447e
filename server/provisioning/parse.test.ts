import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createRequest } from '../sip/message/build.js';
import { fileFor, macInFileName, normalizeMac } from './families.js';
import { macOfPnpRequest } from './sip-notify.js';
import { unknownVariables } from './variables.js';

const subscribe = (uri: string, from: string) => createRequest({ method: 'SUBSCRIBE', uri, headers: [{ name: 'From', value: from }] });

describe('provisioning file names and MACs', () => {
  it("each family's file names (vendors' provisioning guides) map to its templates, with the MAC they carry", () => {
    assert.deepEqual(fileFor('yealink', 'y000000000044.cfg'), { file: 'common' });
    assert.deepEqual(fileFor('yealink', '001565AABBCC.cfg'), { file: 'device', mac: '001565aabbcc' });
    assert.deepEqual(fileFor('poly', '000000000000.cfg'), { file: 'master' });
    assert.deepEqual(fileFor('poly', '0004f2aabbcc.cfg'), { file: 'master', mac: '0004f2aabbcc' });
    assert.deepEqual(fileFor('poly', '0004f2aabbcc-hailing.cfg'), { file: 'device', mac: '0004f2aabbcc' });
    assert.deepEqual(fileFor('grandstream', 'cfg000b82aabbcc.xml'), { file: 'device', mac: '000b82aabbcc' });
    assert.deepEqual(fileFor('fanvil', '0c383eaabbcc.cfg'), { file: 'device', mac: '0c383eaabbcc' });
    assert.equal(fileFor('grandstream', '0c383eaabbcc.cfg'), undefined);
    assert.equal(macInFileName('000000000000.cfg'), undefined, 'the Poly default file names no phone');
  });

  it('MAC spellings normalise to 12 lower-case hex digits; broadcast and zero are refused', () => {
    for (const v of ['00:15:65:AA:BB:CC', '00-15-65-aa-bb-cc', '0015.65aa.bbcc', '001565AABBCC']) assert.equal(normalizeMac(v), '001565aabbcc');
    for (const v of ['ff:ff:ff:ff:ff:ff', '000000000000', '00156', '00:15:65:aa:bb:cg']) assert.equal(normalizeMac(v), undefined);
  });

  it('RFC 6080 §5.1.1: the PnP SUBSCRIBE names the device as MAC:<mac>, often %3a-escaped', () => {
    assert.equal(macOfPnpRequest(subscribe('sip:MAC%3a001565aabbcc@224.0.1.75', '<sip:MAC%3a001565aabbcc@224.0.1.75>;tag=1')), '001565aabbcc');
    assert.equal(macOfPnpRequest(subscribe('sip:224.0.1.75', '<sip:MAC%3A00-15-65-AA-BB-CC@224.0.1.75>;tag=1')), '001565aabbcc');
    assert.equal(macOfPnpRequest(subscribe('sip:1001@pbx.test', '<sip:1001@pbx.test>;tag=1')), undefined);
  });

  it('never throws on arbitrary names, request-URIs and templates (property check, 2000 random inputs)', () => {
    for (let i = 0; i < 2000; i++) {
      const junk = randomBytes(1 + (i % 60)).toString(i % 2 ? 'latin1' : 'base64');
      for (const f of ['yealink', 'poly', 'grandstream', 'fanvil'] as const) fileFor(f, junk);
      macInFileName(junk);
      normalizeMac(junk);
      unknownVariables(`{{${junk}}}`);
      macOfPnpRequest(subscribe(`sip:${junk}`, junk));
    }
  });
});
