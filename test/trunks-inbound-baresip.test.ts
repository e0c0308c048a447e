// Acceptance (issue 11) with real phones: a call from the public network. A baresip phone plays
// the carrier (an ip trunk listing its loopback address, no registration, no digest); it dials a
// number of a DID range whose dial plan step names extension 1005, where a registered baresip
// phone rings and answers. Each phone sends its own tone (carrier 500 Hz, agent 900 Hz) and each
// must hear the other's in what it decoded; the call record says the call came in (direction
// 'inbound') and the carrier was never challenged.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assertTone } from './helpers/audio.js';
import { startPhone, type Phone } from './helpers/baresip.js';
import { finalCallRecord } from './helpers/cdrs.js';
import { answerTalkHangUp, startExtensionPhones, type ExtensionPhones } from './helpers/extension-phones.js';

// The carrier is on 127.0.0.1 like the agent: baresip sends RTP from the address its route to the
// peer picks (127.0.0.1), not from a loopback alias it binds SIP to, and strict-source latching
// rightly drops media from an address signalling did not name. Only INVITEs are classified by
// source, and the agent's phone only registers, so the trunk's address takes nothing from it.
const CARRIER = '127.0.0.1';

describe('an inbound call from a carrier trunk to a DID (baresip both ends)', () => {
  let rig: ExtensionPhones;
  let carrier: Phone | undefined;

  before(async () => {
    rig = await startExtensionPhones(['1005']);
    const trunk = await rig.server.api('POST', '/api/v1/trunks', { name: 'carrier', kind: 'ip', host: CARRIER, port: 5060, transport: 'udp', addresses: [CARRIER], optionsIntervalS: 0 });
    assert.equal(trunk.status, 201, JSON.stringify(trunk.body));
    const trunkId = (trunk.body as { id: number }).id;
    const did = await rig.server.api('POST', '/api/v1/dids', { number: '02150001000', last: '02150001009', trunkId, steps: [{ kind: 'extension', number: '1005', timeoutS: 20 }] });
    assert.equal(did.status, 201, JSON.stringify(did.body));
  });

  after(async () => {
    await carrier?.kill();
    await rig?.close();
  });

  it('the DID rings 1005, which answers; carrier and agent hear each other; the record is inbound', { timeout: 120_000 }, async () => {
    const agent = await rig.phone('1005', { tone: 900, answerMode: 'manual', sipTrace: true });
    carrier = await startPhone({ user: '13800138000', domain: CARRIER, listenAddress: CARRIER, tone: 500, sipTrace: true });
    await carrier.dial(`sip:02150001005@127.0.0.1:${rig.server.ports.sip}`);
    const { callerHeard, calleeHeard } = await answerTalkHangUp({ caller: carrier, callee: agent, pauseMs: 300, talkMs: 3000 });
    await assertTone({ file: callerHeard, hz: 900, minLengthS: 2 });
    await assertTone({ file: calleeHeard, hz: 500, minLengthS: 2 });

    // the carrier's INVITE was answered without a digest challenge (it came from the trunk's address)
    const challenges = carrier.sipTrace().filter((m) => /^SIP\/2\.0 40[17]/.test(m.startLine));
    assert.deepEqual(challenges.map((m) => m.startLine), []);
    const record = await finalCallRecord({ api: rig.server.api.bind(rig.server), number: '13800138000' });
    assert.equal(record.disposition, 'ANSWERED');
    assert.equal(record.callee, '02150001005');
    assert.equal((record as { direction?: string }).direction, 'inbound');
  });
});
