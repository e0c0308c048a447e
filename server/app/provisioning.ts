// Builds desk-phone provisioning (server/provisioning): the device service with its sealed secrets,
// the HTTP digest authenticator of the provisioning URL, the per-source limit, the scan alert (audit
// row and events stream) and, when a port is configured, the HTTP / HTTPS listener. The SIP side is
// reached through closures because the registrar itself needs the service's device passwords.
import type { Config } from '../config/index.js';
import type { CallEventJson } from '../api/index.js';
import { DigestAuthenticator } from '../sip/auth/digest.js';
import type { Clock } from '../sip/clock.js';
import type { Logger } from '../sip/logger.js';
import type { SipStack } from '../sip/stack/types.js';
import type { AuditLog } from '../security/audit.js';
import { RateLimiter } from '../security/rate-limit.js';
import type { ProvisioningRepository } from '../store/index.js';
import { ProvisioningService, SecretBox, startProvisioningListener, type ProvisioningListener } from '../provisioning/index.js';
import type { ContactBinding } from '../provisioning/sip-notify.js';
import { loadOrCreateSecret } from './secrets.js';

export interface ProvisioningSideOptions {
  readonly config: Config;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly repository: ProvisioningRepository;
  readonly audit: AuditLog;
  readonly displayName: (extension: string) => Promise<string | null>;
  /** set once the SIP side exists */
  readonly sip: () => { stack: Pick<SipStack, 'request'>; lookup(aor: string): readonly ContactBinding[]; tls: { cert: string | Buffer; key: string | Buffer } } | undefined;
}

export const PROVISIONING_REALM = 'Hailing provisioning';

export function createProvisioningSide(o: ProvisioningSideOptions) {
  const { config, clock } = o;
  const logger = o.logger.child({ module: 'provisioning' });
  const alerts = new Set<(event: CallEventJson) => void>();
  const limiter = new RateLimiter({ clock, ratePerSecond: config.provisioningRatePerSecond, burst: config.provisioningRateBurst });
  let listener: ProvisioningListener | undefined;
  const host = config.publicAddress.includes(':') ? `[${config.publicAddress}]` : config.publicAddress;
  const baseUrl = (): string | undefined => {
    if (config.provisioningBaseUrl) return config.provisioningBaseUrl.replace(/\/+$/, '');
    if (listener?.httpPort !== undefined) return `http://${host}:${listener.httpPort}`;
    if (listener?.httpsPort !== undefined) return `https://${host}:${listener.httpsPort}`;
    return undefined;
  };
  const service = new ProvisioningService({
    store: o.repository,
    box: new SecretBox({ key: loadOrCreateSecret(config.dataDir, 'provisioning-seal') }),
    clock,
    logger,
    authenticator: new DigestAuthenticator({
      realm: PROVISIONING_REALM,
      secret: loadOrCreateSecret(config.dataDir, 'provisioning-nonce'),
      clock,
      nonceLifetimeMs: config.nonceLifetimeMs,
      // phones fetch a few files at boot: a far smaller replay window than SIP's will do
      replayCacheSize: 1 << 14,
      algorithms: config.digestAlgorithms,
      md5OnlyUserAgents: config.digestMd5OnlyUserAgents,
    }),
    allow: (source) => limiter.check(source),
    scan: { threshold: config.provisioningScanThreshold, windowMs: config.provisioningScanWindowMs },
    sip: { domain: config.sipDomain, server: config.sipDomain, port: config.sipUdpPort, transport: 'udp', registerExpires: Math.min(config.registerMaxExpires, 3600) },
    baseUrl,
    displayName: o.displayName,
    registrations: (aor) => o.sip()?.lookup(aor) ?? [],
    stack: {
      request: (r) => {
        const sip = o.sip();
        return sip ? sip.stack.request(r) : Promise.reject(new Error('SIP is not running'));
      },
    },
    onAlert: (alert) => {
      o.audit.record({ actor: 'system', action: 'security.provisioning-scan', source: alert.source, detail: { macs: alert.macs } });
      const event: CallEventJson = { type: 'alert', callId: '', at: new Date(alert.at).toISOString(), caller: '', callee: '', alert: alert.alert, detail: { source: alert.source, macs: alert.macs } };
      for (const l of alerts) l(event);
    },
  });
  return {
    service,
    async start(): Promise<void> {
      await service.start();
      if (config.provisioningHttpPort === undefined && config.provisioningHttpsPort === undefined) return;
      listener = await startProvisioningListener({
        address: config.bindAddress,
        httpPort: config.provisioningHttpPort,
        httpsPort: config.provisioningHttpsPort,
        tls: o.sip()?.tls,
        maxConnections: config.provisioningMaxConnections,
        answer: (req) => service.answer(req),
        logger,
      });
      logger.info({ httpPort: listener.httpPort, httpsPort: listener.httpsPort }, 'provisioning listening');
    },
    async stop(): Promise<void> {
      await listener?.close();
      listener = undefined;
    },
    baseUrl,
    onAlert(l: (event: CallEventJson) => void): () => void {
      alerts.add(l);
      return () => alerts.delete(l);
    },
  };
}
