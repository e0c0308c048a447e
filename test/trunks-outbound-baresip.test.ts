// Acceptance (issue 11) with real phones, the outbound direction: a registered baresip phone dials
// a national number; the dial plan's route sends it out on an ip trunk whose carrier is another
// baresip (standalone, called by address). The carrier must receive the number as the trunk
// rewrites it (0-prefixed national → E.164 digits), the trunk's caller ID in P-Asserted-Identity and
// PCMA offered first; each phone sends its own tone (agent 700 Hz, carrier 1100 Hz) and must hear
// the other's in what it decoded; the call record says the call went out, with its trunk attempt.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assertTone } from './helpers/audio.js';
import { received, registeredPhone, startPhone, stopPhones, type Phone } from './helpers/baresip.js';
import { finalCallRecord } from './helpers/cdrs.js';
import { answerTalkHangUp } from './helpers/extension-phones.js';
import { startHailing, type HailingProcess } from './helpers/hailing-process.js';

// the number the carrier's phone answers as: what Hailing sends for 021 5000 2000 (+86, no trunk prefix, no '+')
const CARRIER_USER = '862150002000';

describe('an outbound call from a baresip phone through a carrier trunk (baresip both ends)', () => {
  let server: HailingProcess;
  const phones: Phone[] = [];
  let carrier: Phone;

  before(async () => {
    server = await startHailing();
    const api = async (method: string, route: string, body: unknown) => {
      const r = await server.api<Record<string, unknown>>(method, route, body);
      assert.equal(r.status, 201, `${method} ${route}: ${JSON.stringify(r.body)}`);
      return r.body;
    };
    await api('POST', '/api/v1/extensions', { number: '1001', password: 'secret-1001', displayName: 'Agent 1001', permissions: ['internal', 'national'] });
    carrier = await startPhone({ user: CARRIER_USER, domain: '127.0.0.1', tone: 1100, answerMode: 'manual', sipTrace: true });
    phones.push(carrier);
    // the trunk only sends here: its inbound address list names another host, so the agent's
    // phone (also on 127.0.0.1) is still an extension when it calls
    const trunk = await api('POST', '/api/v1/trunks', {
      name: 'carrier',
      kind: 'ip',
      host: '127.0.0.1',
      port: carrier.listenPort,
      transport: 'udp',
      addresses: ['127.0.0.99'],
      numberFormat: 'e164-digits',
      callerId: { presentation: 'pai', number: '02150001000', name: 'Hailing' },
      optionsIntervalS: 0,
    });
    const route = await api('POST', '/api/v1/routes', { name: 'national', patterns: [{ pattern: '_0ZX.', strip: 1, prepend: '+86' }], trunks: [trunk['id']], permission: 'national' });
    await api('POST', '/api/v1/dialplan', { pattern: '_0ZX.', permission: null, steps: [{ kind: 'route', route: route['id'] }] });
  });

  after(async () => {
    await stopPhones(phones);
    await server?.kill();
  });

  it('the carrier receives the rewritten number with the trunk caller ID and PCMA first; both sides hear each other; the record is outbound', { timeout: 120_000 }, async () => {
    const agent = await registeredPhone({ user: '1001', password: 'secret-1001', domain: '127.0.0.1', server: { host: '127.0.0.1', port: server.ports.sip }, transport: 'udp', tone: 700 }, phones);
    await agent.dial('sip:02150002000@127.0.0.1');
    const { callerHeard, calleeHeard } = await answerTalkHangUp({ caller: agent, callee: carrier, pauseMs: 300, talkMs: 3000 });
    await assertTone({ file: callerHeard, hz: 1100, minLengthS: 2 });
    await assertTone({ file: calleeHeard, hz: 700, minLengthS: 2 });

    const [invite] = received(carrier, /^INVITE /);
    assert.ok(invite, 'the carrier received the INVITE');
    assert.match(invite.startLine, new RegExp(`^INVITE sip:${CARRIER_USER}@`));
    assert.match(invite.header('P-Asserted-Identity') ?? '', /02150001000/);
    // RFC 4566 §5.14: the m= line lists the formats in preference order; PCMA (8) first for carriers in China
    assert.match(invite.body, /^m=audio \d+ RTP\/AVP 8[ \r]/m);

    const record = await finalCallRecord({ api: server.api.bind(server), number: '1001' });
    assert.equal(record.disposition, 'ANSWERED');
    assert.equal((record as { direction?: string }).direction, 'outbound');
    const attempts = await server.api<{ items: { outcome: string; target: string }[] }>('GET', `/api/v1/cdrs/${record.id}/trunk-attempts`);
    assert.deepEqual(attempts.body.items.map((a) => a.outcome), ['answered']);
    assert.match(attempts.body.items[0]!.target, new RegExp(`^udp:127\\.0\\.0\\.1:${carrier.listenPort}$`));
  });
});
