// A trunk's OPTIONS health check on the fake clock (RFC 3261 §11: any final response from the
// carrier means it is there; a local 408 or 503 means nothing answered): a trunk that stops
// answering is marked down and skipped, and up again when it answers; the call limit fills it.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock, createResponse, silentLogger, type ClientRequestOptions, type DnsQueries, type SipResponse } from '../sip/index.js';
import { TrunkRuntime } from './runtime.js';
import type { Trunk } from './model.js';

const trunk: Trunk = {
  id: 1, name: 'carrier', kind: 'ip', host: '192.0.2.10', port: 5060, transport: 'udp', outboundProxy: null, username: null, authUsername: null, domain: null,
  registerExpiresS: 600, codecs: ['PCMA', 'PCMU'], numberFormat: 'as-routed', callerId: { presentation: 'from', number: null, name: null }, maxCalls: 2, optionsIntervalS: 10, setupTimeoutMs: 3000,
  addresses: ['192.0.2.10'], enabled: true, secret: null, tls: { verify: true, ca: null, serverName: null },
};
const noDns = {} as DnsQueries;
const flush = async () => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
};

describe('trunk runtime', () => {
  it('OPTIONS: a trunk that answers is up (with its round trip), one that stops answering is down and skipped, and up again when it answers', async () => {
    const clock = new FakeClock();
    let answer = 200;
    const sent: ClientRequestOptions[] = [];
    const runtime = new TrunkRuntime({
      trunk,
      stack: { request: async (o): Promise<SipResponse> => (sent.push(o), clock.advance(12), createResponse(o.request, { status: answer })) },
      clock, logger: silentLogger, dns: noDns, contact: () => '<sip:hailing@198.51.100.1>',
    });
    runtime.start();
    clock.advance(0);
    await flush();
    assert.equal(sent[0]?.request.method, 'OPTIONS');
    assert.equal(runtime.up, true);
    assert.equal(runtime.status().lastOptionsRttMs, 12);
    assert.equal(runtime.available(), 'ok');
    answer = 408;
    clock.advance(10_000);
    await flush();
    assert.equal(runtime.available(), 'down');
    answer = 404; // any answer of the carrier's own means it is there
    clock.advance(10_000);
    await flush();
    assert.equal(runtime.available(), 'ok');
    const a = runtime.acquire();
    runtime.acquire();
    assert.equal(runtime.available(), 'full');
    a();
    a();
    assert.equal(runtime.available(), 'ok');
    assert.equal(runtime.status().callsInProgress, 1);
    await runtime.close();
  });

  it('OPTIONS goes to every target: a silent one is tried last by calls, and the trunk stays up while another answers', async () => {
    const clock = new FakeClock();
    const silent = new Set(['192.0.2.21']);
    const sent: string[] = [];
    // RFC 3263: carrier.example's SRV records name a (priority 10) before b (priority 20)
    const dns = {
      resolveNaptr: async () => [],
      resolveSrv: async (name: string) => (name === '_sip._udp.carrier.example' ? [{ name: 'a.carrier.example', port: 5060, priority: 10, weight: 0 }, { name: 'b.carrier.example', port: 5060, priority: 20, weight: 0 }] : []),
      resolve4: async (name: string) => (name === 'a.carrier.example' ? ['192.0.2.21'] : ['192.0.2.22']),
      resolve6: async () => [],
    } as unknown as DnsQueries;
    const runtime = new TrunkRuntime({
      trunk: { ...trunk, host: 'carrier.example', port: undefined, transport: 'udp' },
      stack: {
        request: async (o): Promise<SipResponse> => {
          sent.push(o.to.remote.address);
          return createResponse(o.request, { status: silent.has(o.to.remote.address) ? 408 : 200 });
        },
      },
      clock, logger: silentLogger, dns, contact: () => '<sip:hailing@198.51.100.1>',
    });
    assert.deepEqual((await runtime.targets()).map((t) => t.address), ['192.0.2.21', '192.0.2.22'], 'SRV order before any check');
    runtime.start();
    clock.advance(0);
    await flush();
    assert.deepEqual([...sent].sort(), ['192.0.2.21', '192.0.2.22']);
    assert.equal(runtime.up, true);
    assert.deepEqual((await runtime.targets()).map((t) => t.address), ['192.0.2.22', '192.0.2.21']);
    silent.clear();
    clock.advance(10_000);
    await flush();
    assert.deepEqual((await runtime.targets()).map((t) => t.address), ['192.0.2.21', '192.0.2.22'], 'back in SRV order once it answers');
    silent.add('192.0.2.21').add('192.0.2.22');
    clock.advance(10_000);
    await flush();
    assert.equal(runtime.available(), 'down');
    await runtime.close();
  });
});
