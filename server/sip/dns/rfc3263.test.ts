// RFC 3263 server location against a real DNS server on loopback (dns-packet answering UDP
// queries), through node:dns's Resolver pointed at it: the record order comes from RFC 3263 §4
// and RFC 2782, not from our own code.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import * as dnsPacket from 'dns-packet';
import { createDnsQueries, locateSipServer, orderSrv } from './rfc3263.js';

type Answer = dnsPacket.Answer;

function zone(): Map<string, Answer[]> {
  const z = new Map<string, Answer[]>();
  const add = (a: Answer) => z.set(`${a.type} ${a.name}`, [...(z.get(`${a.type} ${a.name}`) ?? []), a]);
  add({ type: 'NAPTR', name: 'carrier.test', ttl: 60, data: { order: 20, preference: 10, flags: 'S', services: 'SIP+D2T', regexp: '', replacement: '_sip._tcp.carrier.test' } });
  add({ type: 'NAPTR', name: 'carrier.test', ttl: 60, data: { order: 10, preference: 10, flags: 'S', services: 'SIP+D2U', regexp: '', replacement: '_sip._udp.carrier.test' } });
  add({ type: 'SRV', name: '_sip._udp.carrier.test', ttl: 60, data: { priority: 20, weight: 0, port: 5080, target: 'b.carrier.test' } });
  add({ type: 'SRV', name: '_sip._udp.carrier.test', ttl: 60, data: { priority: 10, weight: 0, port: 5070, target: 'a.carrier.test' } });
  add({ type: 'SRV', name: '_sip._tcp.carrier.test', ttl: 60, data: { priority: 10, weight: 0, port: 5090, target: 'a.carrier.test' } });
  add({ type: 'A', name: 'a.carrier.test', ttl: 60, data: '127.0.0.21' });
  add({ type: 'A', name: 'b.carrier.test', ttl: 60, data: '127.0.0.22' });
  add({ type: 'AAAA', name: 'b.carrier.test', ttl: 60, data: '::1' });
  // no NAPTR: SRV only
  add({ type: 'SRV', name: '_sip._udp.srvonly.test', ttl: 60, data: { priority: 1, weight: 0, port: 6000, target: 'a.carrier.test' } });
  add({ type: 'A', name: 'plain.test', ttl: 60, data: '127.0.0.30' });
  return z;
}

describe('RFC 3263 server location through a DNS server on loopback', () => {
  let server: Socket;
  let port = 0;
  before(async () => {
    const records = zone();
    server = createSocket('udp4');
    server.on('message', (msg, rinfo) => {
      const q = dnsPacket.decode(msg);
      const question = q.questions?.[0];
      const answers = question ? (records.get(`${question.type} ${question.name}`) ?? []) : [];
      const reply = dnsPacket.encode({ type: 'response', id: q.id, flags: dnsPacket.AUTHORITATIVE_ANSWER, questions: q.questions, answers });
      server.send(reply, rinfo.port, rinfo.address);
    });
    await new Promise<void>((resolve) => server.bind(0, '127.0.0.1', resolve));
    port = server.address().port;
  });
  after(() => server.close());

  const dns = () => createDnsQueries({ servers: [`127.0.0.1:${port}`], timeoutMs: 500, tries: 1 });

  it('RFC 3263 §4.1: NAPTR by order (UDP first), then SRV by priority: a (5070) before b (5080), then TCP; b has A and AAAA', async () => {
    const targets = await locateSipServer({ host: 'carrier.test', dns: dns() });
    assert.deepEqual(
      targets.map((t) => `${t.protocol} ${t.address}:${t.port}`),
      ['udp 127.0.0.21:5070', 'udp 127.0.0.22:5080', 'udp ::1:5080', 'tcp 127.0.0.21:5090'],
    );
  });

  it('RFC 3263 §4.1: an explicit transport skips NAPTR and asks its SRV name', async () => {
    const targets = await locateSipServer({ host: 'carrier.test', protocol: 'tcp', dns: dns() });
    assert.deepEqual(targets.map((t) => `${t.protocol} ${t.address}:${t.port}`), ['tcp 127.0.0.21:5090']);
  });

  it('RFC 3263 §4.1: without NAPTR, SRV for each transport; §4.2: without SRV, A records on 5060; an explicit port asks A only', async () => {
    assert.deepEqual((await locateSipServer({ host: 'srvonly.test', dns: dns() })).map((t) => `${t.protocol} ${t.address}:${t.port}`), ['udp 127.0.0.21:6000']);
    assert.deepEqual((await locateSipServer({ host: 'plain.test', dns: dns() })).map((t) => `${t.protocol} ${t.address}:${t.port}`), ['udp 127.0.0.30:5060']);
    assert.deepEqual((await locateSipServer({ host: 'carrier.test', port: 7000, dns: dns() })).map((t) => `${t.address}:${t.port}`), []);
    assert.deepEqual((await locateSipServer({ host: 'a.carrier.test', port: 7000, dns: dns() })).map((t) => `${t.address}:${t.port}`), ['127.0.0.21:7000']);
    assert.deepEqual(await locateSipServer({ host: 'nothing.test', dns: dns() }), []);
  });

  it('RFC 3263 §4.2: an IP address is used as it is (UDP 5060; TLS 5061)', async () => {
    assert.deepEqual(await locateSipServer({ host: '[::1]', dns: dns() }), [{ protocol: 'udp', address: '::1', port: 5060, host: '::1' }]);
    assert.deepEqual(await locateSipServer({ host: '192.0.2.1', protocol: 'tls', dns: dns() }), [{ protocol: 'tls', address: '192.0.2.1', port: 5061, host: '192.0.2.1' }]);
  });

  it('RFC 2782: lower priority first; within a priority a record is drawn in proportion to its weight', () => {
    const records = [
      { name: 'heavy', port: 1, priority: 10, weight: 90 },
      { name: 'light', port: 1, priority: 10, weight: 10 },
      { name: 'first', port: 1, priority: 5, weight: 0 },
    ];
    let heavyFirst = 0;
    // a deterministic sweep of the random source over [0, 1)
    for (let i = 0; i < 1000; i++) {
      const order = orderSrv(records, () => i / 1000);
      assert.equal(order[0]!.name, 'first');
      if (order[1]!.name === 'heavy') heavyFirst++;
    }
    assert.ok(heavyFirst > 850 && heavyFirst < 950, `heavy first ${heavyFirst} of 1000`);
  });
});
