// Acceptance (issue 12, API call control) with real phones and HAILING_RECORD_CALLS=on-demand: an
// answered call is not recorded until the API starts it. A (400 Hz) calls B (800 Hz); a second into
// the call POST /calls/:id/recording/start, some seconds later …/recording/stop, then the call goes
// on. The record names a file that holds only that stretch (shorter than the call by at least the
// unrecorded second before the start and after the stop), 400 Hz left and 800 Hz right. The API's
// DTMF reaches B as RFC 4733 events baresip reports. A second call nobody starts recording has no file.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stopPhones, type Phone } from './helpers/baresip.js';
import { finalCallRecord } from './helpers/cdrs.js';
import { startHailing, withExtensions, type HailingProcess } from './helpers/hailing-process.js';
import { assertStereoTones, download, recordedCall, registered, type RecordedCall } from './helpers/recordings.js';

const DOMAIN = '127.0.0.1';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('on-demand recording and DTMF by the API (HAILING_RECORD_CALLS=on-demand, baresip)', () => {
  let server: HailingProcess;
  const phones: Phone[] = [];
  const scratch = mkdtempSync(path.join(tmpdir(), 'hailing-on-demand-'));
  let a: Phone;
  let b: Phone;

  before(async () => {
    server = await startHailing({ env: { HAILING_RECORD_CALLS: 'on-demand', HAILING_RECORDING_FORMAT: 'wav' } });
    await withExtensions(server, ['1001', '1002']);
    a = await registered({ server, phones, user: '1001', tone: 400 });
    b = await registered({ server, phones, user: '1002', tone: 800 });
  });
  after(async () => {
    await stopPhones(phones);
    await server?.kill();
    if (server) rmSync(server.dataDir, { recursive: true, force: true });
    rmSync(scratch, { recursive: true, force: true });
  });

  /** the id of the one call in progress, as GET /api/v1/calls lists it */
  async function liveCallId(): Promise<string> {
    for (let i = 0; i < 50; i++) {
      const r = await server.api('GET', '/api/v1/calls');
      const items = (r.body as { items: { id: string; state?: string }[] }).items;
      if (items.length === 1) return items[0]!.id;
      await sleep(100);
    }
    throw new Error('no single call in progress');
  }

  it('only the stretch between start and stop is recorded; stop twice is 409; DTMF sent by the API reaches the callee', { timeout: 90_000 }, async (t) => {
    await a.dial(`sip:1002@${DOMAIN}`);
    const established = await a.waitForEvent({ type: 'CALL_ESTABLISHED' });
    const id = await liveCallId();
    assert.equal((await server.api('POST', `/api/v1/calls/${id}/recording/stop`)).status, 409, 'nothing recorded yet');
    await sleep(1500);
    const started = await server.api('POST', `/api/v1/calls/${id}/recording/start`);
    assert.equal(started.status, 200, JSON.stringify(started.body));
    assert.equal((await server.api('POST', `/api/v1/calls/${id}/recording/start`)).status, 409, 'recorded already');
    await sleep(3000);
    assert.equal((await server.api('POST', `/api/v1/calls/${id}/recording/stop`)).status, 200);

    const since = b.events.length;
    const sent = await server.api('POST', `/api/v1/calls/${id}/dtmf`, { digits: '58#', to: 'callee' });
    assert.equal(sent.status, 200, JSON.stringify(sent.body));
    for (let i = 0; i < 50 && b.events.slice(since).filter((e) => e.type === 'CALL_DTMF_START').length < 3; i++) await sleep(100);
    const heard = b.events.slice(since).filter((e) => e.type === 'CALL_DTMF_START').map((e) => e.param).join('');
    assert.equal(heard, '58#', 'baresip reported the digits the API sent');
    assert.equal((await server.api('POST', `/api/v1/calls/${id}/dtmf`, { digits: 'x', to: 'callee' })).status, 400);

    await sleep(1500);
    await a.hangup();
    const closed = await a.waitForEvent({ type: 'CALL_CLOSED' });
    const callS = (closed.at - established.at) / 1000;
    const record: RecordedCall = await recordedCall(server.api, '1001');
    assert.ok(record.recordingPath && record.recordingUrl, `the record names the recording: ${JSON.stringify(record)}`);
    const file = path.join(scratch, 'on-demand.wav');
    await download(server, record.recordingUrl, file);
    const lengthS = await assertStereoTones(file, (m) => t.diagnostic(m));
    t.diagnostic(`call ${callS.toFixed(2)} s, recording ${lengthS} s (recordingDurationMs ${record.recordingDurationMs})`);
    // 1.5 s before the start and 1.5 s after the stop were not recorded
    assert.ok(lengthS <= callS - 2, `the file holds ${lengthS} s of a ${callS.toFixed(2)} s call`);
    assert.ok(lengthS >= 1.5, `the file holds ${lengthS} s of the 3 s between start and stop`);
  });

  it('a call nobody starts recording has no recording', { timeout: 60_000 }, async () => {
    const before = Date.now();
    const since = a.events.length;
    await a.dial(`sip:1002@${DOMAIN}`);
    await a.waitForEvent({ type: 'CALL_ESTABLISHED', since });
    await sleep(1500);
    await a.hangup();
    await a.waitForEvent({ type: 'CALL_CLOSED', since });
    await sleep(1000);
    const record = (await finalCallRecord({ api: server.api, number: '1001' })) as RecordedCall;
    assert.ok(Date.parse(record.startedAt ?? '') >= before - 1000, 'the second call');
    assert.equal(record.recordingPath, null);
  });
});
