import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { register as globalRegistry } from 'prom-client';
import { createMetrics } from './metrics.js';

describe('createMetrics', () => {
  it('countSipMessage tallies requests by method and responses by status, handed over on every scrape', async () => {
    const m = createMetrics({ defaultMetrics: false });
    m.countSipMessage('in', 'REGISTER');
    m.countSipMessage('in', 'REGISTER');
    m.countSipMessage('out', 401);
    let text = await m.registry.metrics();
    assert.match(text, /^hailing_sip_messages_total\{direction="in",method="REGISTER",status="request"\} 2$/m);
    assert.match(text, /^hailing_sip_messages_total\{direction="out",method="",status="401"\} 1$/m);
    m.countSipMessage('out', 401);
    text = await m.registry.metrics();
    assert.match(text, /^hailing_sip_messages_total\{direction="in",method="REGISTER",status="request"\} 2$/m);
    assert.match(text, /^hailing_sip_messages_total\{direction="out",method="",status="401"\} 2$/m);
  });

  it('unknown request methods share the OTHER label, so random method names cannot grow the series', async () => {
    const m = createMetrics({ defaultMetrics: false });
    for (let i = 0; i < 50; i++) m.countSipMessage('in', `X${i}METHOD`);
    m.countSipMessage('in', 'INVITE');
    const lines = (await m.registry.metrics()).split('\n').filter((l) => l.startsWith('hailing_sip_messages_total{'));
    assert.deepEqual(lines.sort(), [
      'hailing_sip_messages_total{direction="in",method="INVITE",status="request"} 1',
      'hailing_sip_messages_total{direction="in",method="OTHER",status="request"} 50',
    ]);
  });

  it('exposes every hailing_* series in Prometheus text format on a private registry', async () => {
    const m = createMetrics();
    m.registrations.set(3);
    m.sipMessages.inc({ direction: 'in', method: 'REGISTER', status: 'request' });
    m.sipTransactions.inc();
    m.sipTransactionsTotal.inc();
    m.securityBans.inc();
    m.securityBannedSources.set(1);
    m.securityRateLimited.inc();
    m.authFailures.inc(2);
    const text = await m.registry.metrics();
    assert.match(text, /^hailing_registrations 3$/m);
    assert.match(text, /^hailing_sip_messages_total\{direction="in",method="REGISTER",status="request"\} 1$/m);
    for (const name of [
      'hailing_sip_transactions',
      'hailing_sip_transactions_total',
      'hailing_security_bans_total',
      'hailing_security_banned_sources',
      'hailing_security_rate_limited_total',
      'hailing_auth_failures_total',
      'process_cpu_user_seconds_total',
    ]) {
      assert.match(text, new RegExp(`^# TYPE ${name} `, 'm'), name);
    }
    assert.equal(await globalRegistry.getSingleMetric('hailing_registrations'), undefined);
    // a second instance does not collide (no global registration)
    assert.doesNotThrow(() => createMetrics({ defaultMetrics: false }));
  });
});
