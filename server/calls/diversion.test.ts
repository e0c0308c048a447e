// Diversion (RFC 5806) and History-Info (RFC 7044) for forwarded and ring-group calls.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { diversionValues, historyInfoValues, retargetHeaders } from './diversion.js';

describe('Diversion and History-Info of a retargeted call', () => {
  it('a call never retargeted carries neither header', () => {
    assert.deepEqual(retargetHeaders({ domain: 'pbx', hops: [], target: '1002' }), []);
  });

  it('RFC 5806 §3-4: one Diversion per forward, the most recent first, with user-busy / no-answer / unconditional', () => {
    const hops = [
      { from: '1002', reason: 'busy' as const },
      { from: '1003', reason: 'no-answer' as const },
      { from: '1004', reason: 'unconditional' as const },
    ];
    assert.deepEqual(diversionValues({ domain: 'pbx', hops }), ['<sip:1004@pbx>;reason=unconditional;counter=1', '<sip:1003@pbx>;reason=no-answer;counter=1', '<sip:1002@pbx>;reason=user-busy;counter=1']);
  });

  it('RFC 7044: the dialled number is index 1 with the 486 it answered; each new target a child with mp and the RFC 4458 cause', () => {
    const values = historyInfoValues({ domain: 'pbx', hops: [{ from: '1002', reason: 'busy' }, { from: '1003', reason: 'no-answer' }], target: '1004' });
    assert.deepEqual(values, [
      '<sip:1002@pbx?Reason=SIP%3Bcause%3D486%3Btext%3D%22Busy%20Here%22>;index=1',
      '<sip:1003@pbx;cause=486?Reason=SIP%3Bcause%3D408%3Btext%3D%22Request%20Timeout%22>;index=1.1;mp=1',
      '<sip:1004@pbx;cause=408>;index=1.1.1;mp=1.1',
    ]);
  });

  it('an unconditional forward is cause 302; a ring group maps its number to the member without a cause (Diversion reason unknown)', () => {
    assert.deepEqual(historyInfoValues({ domain: 'pbx', hops: [{ from: '1002', reason: 'unconditional' }], target: '1003' }), [
      '<sip:1002@pbx?Reason=SIP%3Bcause%3D302%3Btext%3D%22Moved%20Temporarily%22>;index=1',
      '<sip:1003@pbx;cause=302>;index=1.1;mp=1',
    ]);
    assert.deepEqual(retargetHeaders({ domain: 'pbx', hops: [{ from: '600', reason: 'group' }], target: '1002' }), [
      ['Diversion', '<sip:600@pbx>;reason=unknown;counter=1'],
      ['History-Info', '<sip:600@pbx>;index=1'],
      ['History-Info', '<sip:1002@pbx>;index=1.1;mp=1'],
    ]);
  });
});
