import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CallLine } from '../calls/index.js';
import { ExtensionDialogs } from './extension-dialogs.js';
import { dialogInfoXml } from './dialog-info.js';

const line = (o: Partial<CallLine>): CallLine => ({ callId: 'c1', caller: '1001', callerName: 'Ann <A&B>', callee: '1002', phase: 'routing', ringing: [], answeredBy: null, sipCallId: 'sip-c1', sipTags: { hailing: 'h1', caller: 'a1' }, startedAt: 0, ...o });

describe('extension dialogs from call lines (RFC 4235)', () => {
  it('RFC 4235 3.7.1: a ringing extension is early with the caller remote; the answering one confirmed; the others terminated once', () => {
    const d = new ExtensionDialogs({ domain: 'pbx', isExtension: (n) => n.startsWith('10') });
    d.update(line({}));
    const ringing = d.update(line({ phase: 'ringing', ringing: ['1002', '1003'] }));
    const by = (ext: string, changes = ringing) => changes.find((c) => c.extension === ext)?.changed[0];
    assert.equal(by('1002')?.state, 'early');
    assert.equal(by('1002')?.remote.identity, 'sip:1001@pbx');
    assert.equal(by('1002')?.direction, 'recipient');
    assert.equal(by('1001')?.state, 'early');
    assert.equal(by('1001')?.direction, 'initiator');
    const answered = d.update(line({ phase: 'answered', answeredBy: '1003' }));
    assert.equal(by('1003', answered)?.state, 'confirmed');
    assert.equal(by('1002', answered)?.state, 'terminated');
    assert.equal(by('1001', answered)?.remote.identity, 'sip:1003@pbx', "the caller's dialog now names who answered");
    assert.deepEqual(d.dialogsOf('1002'), []);
    const ended = d.update(line({ phase: 'ended' }));
    assert.deepEqual(ended.map((c) => [c.extension, c.changed[0]?.state]).sort(), [['1001', 'terminated'], ['1003', 'terminated']]);
    assert.deepEqual(d.snapshot(), []);
  });

  it("RFC 4235 4.1.1: both dialogs carry the caller's dialog tags, each from its own side (a BLF pickup's Replaces names them)", () => {
    const d = new ExtensionDialogs({ domain: 'pbx', isExtension: () => true });
    d.update(line({ phase: 'ringing', ringing: ['1002'] }));
    const [ringing] = d.dialogsOf('1002');
    const [calling] = d.dialogsOf('1001');
    assert.deepEqual([ringing?.callId, ringing?.localTag, ringing?.remoteTag], ['sip-c1', 'h1', 'a1']);
    assert.deepEqual([calling?.callId, calling?.localTag, calling?.remoteTag], ['sip-c1', 'a1', 'h1']);
    const xml = dialogInfoXml({ entity: 'sip:1002@pbx', version: 0, state: 'full', dialogs: d.dialogsOf('1002') });
    assert.match(xml, /<dialog id="c1-i" call-id="sip-c1" local-tag="h1" remote-tag="a1" direction="recipient">/);
  });

  it('a caller from a trunk (not an extension) has no dialog of its own', () => {
    const d = new ExtensionDialogs({ domain: 'pbx', isExtension: (n) => n.startsWith('10') });
    const changes = d.update(line({ caller: '+8613800000000', phase: 'ringing', ringing: ['1002'] }));
    assert.deepEqual(changes.map((c) => c.extension), ['1002']);
  });

  it('RFC 4235 4.1: the document escapes XML and carries version, state and entity', () => {
    const d = new ExtensionDialogs({ domain: 'pbx', isExtension: () => true });
    d.update(line({ phase: 'ringing', ringing: ['1002'] }));
    const xml = dialogInfoXml({ entity: 'sip:1002@pbx', version: 3, state: 'full', dialogs: d.dialogsOf('1002') });
    assert.match(xml, /<dialog-info xmlns="urn:ietf:params:xml:ns:dialog-info" version="3" state="full" entity="sip:1002@pbx">/);
    assert.match(xml, /display="Ann &lt;A&amp;B&gt;"/);
    assert.match(xml, /<state>early<\/state>/);
  });
});
