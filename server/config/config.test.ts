import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError, envName, loadConfig } from './index.js';

describe('configuration', () => {
  it('starts from embedded defaults: ./data, SIP 5060 UDP/TCP, TLS 5061, WS 8088, WSS 8089, HTTP 8080', () => {
    const c = loadConfig({});
    assert.equal(c.dataDir, path.resolve('./data'));
    assert.equal(c.sipUdpPort, 5060);
    assert.equal(c.sipTcpPort, 5060);
    assert.equal(c.sipTlsPort, 5061);
    assert.equal(c.sipWsPort, 8088);
    assert.equal(c.sipWssPort, 8089);
    assert.equal(c.httpPort, 8080);
    assert.equal(c.databaseUrl, `file:${path.resolve('./data/hailing.db')}`);
    assert.equal(c.registerMaxExpires, 3600);
  });

  it('maps camelCase keys to HAILING_SNAKE_CASE variables', () => {
    assert.equal(envName('sipUdpPort'), 'HAILING_SIP_UDP_PORT');
    assert.equal(envName('rtpPortMin'), 'HAILING_RTP_PORT_MIN');
    const c = loadConfig({ HAILING_SIP_UDP_PORT: '5070', HAILING_SIP_DOMAIN: 'pbx.example.com', HAILING_BIND_ADDRESS: '127.0.0.1' });
    assert.equal(c.sipUdpPort, 5070);
    assert.equal(c.sipDomain, 'pbx.example.com');
    assert.equal(c.publicAddress, '127.0.0.1');
  });

  it('HAILING_HTTP_BEHIND_TLS: off by default (plain HTTP must not send HSTS, RFC 6797 §7.2), true/false when set', () => {
    assert.equal(loadConfig({}).httpBehindTls, false);
    assert.equal(loadConfig({ HAILING_HTTP_BEHIND_TLS: 'true' }).httpBehindTls, true);
    assert.equal(loadConfig({ HAILING_HTTP_BEHIND_TLS: 'false' }).httpBehindTls, false);
    assert.throws(() => loadConfig({ HAILING_HTTP_BEHIND_TLS: 'maybe' }), /HAILING_HTTP_BEHIND_TLS/);
  });

  it('a bad value stops start-up naming the variable and the reason', () => {
    assert.throws(
      () => loadConfig({ HAILING_HTTP_PORT: '70000' }),
      (e: unknown) => e instanceof ConfigError && /HAILING_HTTP_PORT: .*65535/.test(e.message),
    );
    assert.throws(
      () => loadConfig({ HAILING_BIND_ADDRESS: 'not-an-ip' }),
      (e: unknown) => e instanceof ConfigError && e.message.includes('HAILING_BIND_ADDRESS: must be an IPv4 or IPv6 address'),
    );
    assert.throws(
      () => loadConfig({ HAILING_RTP_PORT_MIN: '30000', HAILING_RTP_PORT_MAX: '20000' }),
      (e: unknown) => e instanceof ConfigError && e.message.includes('HAILING_RTP_PORT_MIN: must not exceed rtpPortMax'),
    );
    assert.throws(
      () => loadConfig({ HAILING_RECORDING_CHANNELS: 'quad' }),
      (e: unknown) => e instanceof ConfigError && /HAILING_RECORDING_CHANNELS: .*stereo.*mixed/.test(e.message),
    );
  });

  it('HAILING_LIVE_KEYWORDS: keywords per number dialled as JSON; bad JSON or a bad shape names the variable', () => {
    assert.deepEqual(loadConfig({}).liveKeywords, {});
    assert.deepEqual(loadConfig({ HAILING_LIVE_KEYWORDS: '{"1002": ["4 8", " 5 5 5 "], "*": []}' }).liveKeywords, { '1002': ['4 8', '5 5 5'], '*': [] });
    assert.throws(() => loadConfig({ HAILING_LIVE_KEYWORDS: '{1002: 4 8}' }), (e: unknown) => e instanceof ConfigError && /HAILING_LIVE_KEYWORDS: must be JSON/.test(e.message));
    assert.throws(() => loadConfig({ HAILING_LIVE_KEYWORDS: '{"1002": "4 8"}' }), (e: unknown) => e instanceof ConfigError && /HAILING_LIVE_KEYWORDS/.test(e.message));
    assert.throws(() => loadConfig({ HAILING_LIVE_KEYWORDS: '{"1002": [""]}' }), (e: unknown) => e instanceof ConfigError && /HAILING_LIVE_KEYWORDS/.test(e.message));
  });

  it('connection limits and timeouts (issue 18): defaults, and the variables that set them', () => {
    const d = loadConfig({});
    assert.equal(d.maxConnections, 10_000);
    assert.equal(d.maxConnectionsPerSource, 100);
    assert.equal(d.sipReadTimeoutMs, 20_000);
    assert.equal(d.shutdownTimeoutMs, 10_000);
    const c = loadConfig({ HAILING_MAX_CONNECTIONS_PER_SOURCE: '5', HAILING_SIP_READ_TIMEOUT_MS: '1500', HAILING_SHUTDOWN_TIMEOUT_MS: '2000' });
    assert.equal(c.maxConnectionsPerSource, 5);
    assert.equal(c.sipReadTimeoutMs, 1500);
    assert.equal(c.shutdownTimeoutMs, 2000);
    assert.throws(() => loadConfig({ HAILING_MAX_CONNECTIONS_PER_SOURCE: '0' }), /HAILING_MAX_CONNECTIONS_PER_SOURCE/);
  });

  it('directory sign-in: off by default; a URL needs a user base and a role map of known roles, as JSON', () => {
    assert.equal(loadConfig({}).ldapUrl, undefined);
    const ok = { HAILING_LDAP_URL: 'ldaps://dc1.example.com', HAILING_LDAP_USER_BASE: 'ou=people,dc=example,dc=com', HAILING_LDAP_ROLE_MAP: '{"cc-agents":"agent","cc-leads":["supervisor"]}' };
    const c = loadConfig(ok);
    assert.deepEqual(c.ldapRoleMap, { 'cc-agents': 'agent', 'cc-leads': ['supervisor'] });
    assert.equal(c.ldapUserFilter, '(uid={username})');
    assert.throws(() => loadConfig({ ...ok, HAILING_LDAP_USER_BASE: undefined as unknown as string }), /ldapUserBase: is needed with ldapUrl/);
    assert.throws(() => loadConfig({ ...ok, HAILING_LDAP_ROLE_MAP: '{"cc-agents":"root"}' }), /HAILING_LDAP_ROLE_MAP/);
    assert.throws(() => loadConfig({ ...ok, HAILING_LDAP_ROLE_MAP: 'cc-agents=agent' }), /HAILING_LDAP_ROLE_MAP: must be a JSON object/);
    assert.throws(() => loadConfig({ ...ok, HAILING_LDAP_URL: 'http://dc1' }), /HAILING_LDAP_URL/);
    assert.throws(() => loadConfig({ ...ok, HAILING_LDAP_USER_FILTER: '(uid=*)' }), /HAILING_LDAP_USER_FILTER: must contain \{username\}/);
    assert.throws(() => loadConfig({ ...ok, HAILING_LDAP_BIND_DN: 'cn=svc' }), /HAILING_LDAP_BIND_DN: ldapBindDn and ldapBindPassword go together/);
  });

  it('recordings: stereo by default, mixed on request', () => {
    assert.equal(loadConfig({}).recordingChannels, 'stereo');
    assert.equal(loadConfig({ HAILING_RECORDING_CHANNELS: 'mixed' }).recordingChannels, 'mixed');
  });

  it('recordings are encrypted at rest by default; the SM4 profile or off on request; audit kept at least 180 days', () => {
    assert.equal(loadConfig({}).recordingEncryption, 'aes-256-gcm');
    assert.equal(loadConfig({ HAILING_RECORDING_ENCRYPTION: 'sm4-ctr-hmac-sm3' }).recordingEncryption, 'sm4-ctr-hmac-sm3');
    assert.throws(() => loadConfig({ HAILING_RECORDING_ENCRYPTION: 'sm4-gcm' }), /HAILING_RECORDING_ENCRYPTION/);
    assert.equal(loadConfig({}).recordingWorm, false);
    assert.equal(loadConfig({ HAILING_RECORDING_WORM: 'true' }).recordingWorm, true);
    assert.equal(loadConfig({}).auditRetentionDays, 0);
    assert.equal(loadConfig({ HAILING_AUDIT_RETENTION_DAYS: '180' }).auditRetentionDays, 180);
    assert.throws(() => loadConfig({ HAILING_AUDIT_RETENTION_DAYS: '90' }), /HAILING_AUDIT_RETENTION_DAYS/);
  });

  it('ACD browser-agent heartbeat: 60 s by default, 0 disables, at most an hour', () => {
    assert.equal(loadConfig({}).acdAgentHeartbeatTimeoutMs, 60_000);
    assert.equal(loadConfig({ HAILING_ACD_AGENT_HEARTBEAT_TIMEOUT_MS: '0' }).acdAgentHeartbeatTimeoutMs, 0);
    assert.throws(() => loadConfig({ HAILING_ACD_AGENT_HEARTBEAT_TIMEOUT_MS: '-1' }), /HAILING_ACD_AGENT_HEARTBEAT_TIMEOUT_MS/);
  });

  it('heartbeat: every second by default, 100 ms to 60 s', () => {
    assert.equal(loadConfig({}).heartbeatIntervalMs, 1000);
    assert.equal(loadConfig({ HAILING_HEARTBEAT_INTERVAL_MS: '250' }).heartbeatIntervalMs, 250);
    for (const bad of ['50', '120000'])
      assert.throws(
        () => loadConfig({ HAILING_HEARTBEAT_INTERVAL_MS: bad }),
        (e: unknown) => e instanceof ConfigError && e.message.includes('HAILING_HEARTBEAT_INTERVAL_MS'),
      );
  });

  it('rejects unknown HAILING_ variables so typos do not pass silently', () => {
    assert.throws(() => loadConfig({ HAILING_SIP_UPD_PORT: '5060' }), /HAILING_SIP_UPD_PORT: unknown setting/);
  });

  it('reads the JSON file named by HAILING_CONFIG; environment variables win over it', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'hailing-cfg-'));
    const file = path.join(dir, 'hailing.json');
    writeFileSync(file, JSON.stringify({ httpPort: 9090, sipDomain: 'a.example', registerMaxExpires: 7200 }));
    const c = loadConfig({ HAILING_CONFIG: file, HAILING_SIP_DOMAIN: 'b.example' });
    assert.equal(c.httpPort, 9090);
    assert.equal(c.registerMaxExpires, 7200);
    assert.equal(c.sipDomain, 'b.example');
  });

  it('names unknown keys and bad JSON in the config file', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'hailing-cfg-'));
    const bad = path.join(dir, 'bad.json');
    writeFileSync(bad, '{ "httpPort": ');
    assert.throws(() => loadConfig({ HAILING_CONFIG: bad }), /is not valid JSON/);
    const unknown = path.join(dir, 'unknown.json');
    writeFileSync(unknown, JSON.stringify({ htpPort: 1 }));
    assert.throws(() => loadConfig({ HAILING_CONFIG: unknown }), /htpPort/);
  });
});

describe('digest algorithms', () => {
  it('offers SHA-256 then MD5 by default (RFC 8760 §2.4 order of preference), and takes an ordered list', () => {
    assert.deepEqual(loadConfig({}).digestAlgorithms, ['SHA-256', 'MD5']);
    assert.deepEqual(loadConfig({ HAILING_DIGEST_ALGORITHMS: 'sha-256, md5' }).digestAlgorithms, ['SHA-256', 'MD5']);
    assert.deepEqual(loadConfig({ HAILING_DIGEST_ALGORITHMS: 'SHA-256' }).digestAlgorithms, ['SHA-256']);
  });
  it('names the variable for an unknown or repeated algorithm', () => {
    assert.throws(() => loadConfig({ HAILING_DIGEST_ALGORITHMS: 'MD5,SHA-512' }), /HAILING_DIGEST_ALGORITHMS: each algorithm must be MD5 or SHA-256/);
    assert.throws(() => loadConfig({ HAILING_DIGEST_ALGORITHMS: 'MD5,md5' }), /HAILING_DIGEST_ALGORITHMS: list each algorithm once/);
  });
});

describe('desk-phone provisioning', () => {
  it('no provisioning listener unless a port is set; rate, scan and connection limits have defaults', () => {
    const c = loadConfig({});
    assert.equal(c.provisioningHttpPort, undefined);
    assert.equal(c.provisioningHttpsPort, undefined);
    assert.deepEqual([c.provisioningRatePerSecond, c.provisioningRateBurst, c.provisioningScanThreshold, c.provisioningScanWindowMs, c.provisioningMaxConnections], [5, 60, 20, 600_000, 200]);
    const set = loadConfig({ HAILING_PROVISIONING_HTTP_PORT: '8090', HAILING_PROVISIONING_BASE_URL: 'https://prov.example.com:8443' });
    assert.equal(set.provisioningHttpPort, 8090);
    assert.equal(set.provisioningBaseUrl, 'https://prov.example.com:8443');
  });
  it('a provisioning base URL must be http or https', () => {
    assert.throws(() => loadConfig({ HAILING_PROVISIONING_BASE_URL: 'tftp://10.0.0.1/' }), /HAILING_PROVISIONING_BASE_URL/);
  });
});
