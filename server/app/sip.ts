// Builds the SIP side: certificate, transports, the core, bans and rate limits, the registrar.
// The digest authenticator is shared with the B2BUA (INVITE challenges, same nonces and rules).
import type { Config } from '../config/index.js';
import { DigestAuthenticator } from '../sip/auth/digest.js';
import type { Clock } from '../sip/clock.js';
import type { Logger } from '../sip/logger.js';
import { createSipStack } from '../sip/stack/core.js';
import { ensureCertificate } from '../sip/transport/certificate.js';
import { createTransportLayer } from '../sip/transport/layer.js';
import type { TraceEvent, TransportProtocol } from '../sip/transport/types.js';
import { createRegistrar } from '../registrar/index.js';
import type { AuthAttempt, BindingPersistence, CredentialLookup, SecuritySink } from '../registrar/ports.js';
import { BanList, type BanStore } from '../security/bans.js';
import { AdmissionControl } from '../security/admission.js';
import { RateLimiter } from '../security/rate-limit.js';
import { tapRefusals } from '../security/refusal-tap.js';
import type { RequestHandler } from '../sip/stack/types.js';
import type { Metrics } from './metrics.js';
import { loadOrCreateSecret } from './secrets.js';

export interface SipSideOptions {
  readonly config: Config;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly metrics: Metrics;
  readonly security: SecuritySink;
  readonly credentials: CredentialLookup;
  readonly persistence: BindingPersistence;
  /** where active bans survive a restart */
  readonly banStore?: BanStore;
}

export const ALLOW = ['INVITE', 'ACK', 'CANCEL', 'BYE', 'OPTIONS', 'REGISTER', 'INFO', 'UPDATE', 'PRACK', 'SUBSCRIBE', 'NOTIFY'];
/** RFC 3261 §8.2.2.3: option tags a request may Require (the B2BUA's: RFC 3262 100rel, RFC 4028 timer, RFC 3891 replaces) */
export const SUPPORTED = ['100rel', 'timer', 'replaces'];

/** Digest responses are not passwords, but they are credentials to replay: keep them out of logs. */
const redactAuthorization = (text: string) =>
  text.replace(/^((?:Proxy-)?Authorization\s*:\s*\w+).*$/gim, '$1 <redacted>');

export async function createSipSide(o: SipSideOptions) {
  const { config, logger, clock, metrics } = o;
  const tls = await ensureCertificate({
    dataDir: config.dataDir,
    certFile: config.tlsCertFile,
    keyFile: config.tlsKeyFile,
    hostnames: [...new Set([config.sipDomain, config.publicAddress, 'localhost'])],
    logger,
  });
  const listen: { protocol: TransportProtocol; address: string; port: number }[] = [
    { protocol: 'udp', address: config.bindAddress, port: config.sipUdpPort },
    { protocol: 'tcp', address: config.bindAddress, port: config.sipTcpPort },
    { protocol: 'tls', address: config.bindAddress, port: config.sipTlsPort },
    { protocol: 'ws', address: config.bindAddress, port: config.sipWsPort },
    { protocol: 'wss', address: config.bindAddress, port: config.sipWssPort },
  ];
  const traceLogger = logger.child({ module: 'sip-trace' });
  const trace = (e: TraceEvent) =>
    traceLogger.debug(
      { direction: e.direction, protocol: e.flow.protocol, remote: `${e.flow.remote.address}:${e.flow.remote.port}` },
      redactAuthorization(Buffer.from(e.bytes).toString('utf8')),
    );
  const transport = createTransportLayer({
    listen,
    tls: { cert: tls.cert, key: tls.key },
    logger,
    clock,
    idleTimeoutMs: config.tcpIdleTimeoutMs,
    maxConnections: config.maxConnections,
    maxConnectionsPerSource: config.maxConnectionsPerSource,
    readTimeoutMs: config.sipReadTimeoutMs,
    // RFC 6080 §5.1.1: PnP SUBSCRIBEs go to sip.mcast.net (docs/provisioning.md)
    ...(config.provisioningPnpMulticast ? { multicastGroups: ['224.0.1.75'] } : {}),
    ...(config.logLevel === 'debug' || config.logLevel === 'trace' ? { trace } : {}),
  });
  const stack = createSipStack({
    transport,
    logger,
    clock,
    userAgent: 'Hailing',
    allow: ALLOW,
    supported: SUPPORTED,
    observer: {
      onMessage: metrics.countSipMessage,
      onTransaction: (event) => {
        if (event === 'created') {
          metrics.sipTransactions.inc();
          metrics.sipTransactionsTotal.inc();
        } else metrics.sipTransactions.dec();
      },
    },
  });
  const bans = new BanList({
    clock,
    sink: o.security,
    threshold: config.banMaxFailures,
    accountThreshold: config.banAccountMaxFailures,
    ...(o.banStore ? { store: o.banStore } : {}),
    windowMs: config.banFindTimeMs,
    banTimeMs: config.banTimeMs,
  });
  const rateLimiter = new RateLimiter({
    clock,
    sink: o.security,
    ratePerSecond: config.rateLimitPerSecond,
    burst: config.rateLimitBurst,
  });
  const admission = new AdmissionControl({
    clock,
    sink: o.security,
    bans,
    rateLimiter,
    suspectAfter: config.sipSuspectAfterRefusals,
    suspectRatePerSecond: config.sipSuspectRatePerSecond,
    suspectBudgetPerSecond: config.sipSuspectBudgetPerSecond,
    untrustedBudgetPerSecond: config.sipUntrustedBudgetPerSecond,
    // a phone re-registers within its expiry, so that long its address stays known
    trustForMs: config.registerMaxExpires * 1000,
  });
  stack.setIngressFilter(admission.filter);
  /** a handler whose refusals of presented credentials count towards admission (issue 18 §9) */
  const watchCredentials = (handler: RequestHandler) => tapRefusals({ handler, refused: (source) => admission.refused(source) });
  // digest outcomes of REGISTER and INVITE alike, counted per source and per account (bans.ts)
  const auth = {
    failed: (attempt: AuthAttempt) => {
      metrics.authFailures.inc();
      bans.recordFailure(attempt.source, attempt.username);
    },
    succeeded: (attempt: AuthAttempt) => {
      bans.recordSuccess(attempt.source, attempt.username);
      admission.authenticated(attempt.source);
    },
  };
  const authenticator = new DigestAuthenticator({
    realm: config.sipDomain,
    secret: loadOrCreateSecret(config.dataDir, 'digest-nonce'),
    clock,
    nonceLifetimeMs: config.nonceLifetimeMs,
    algorithms: config.digestAlgorithms,
    md5OnlyUserAgents: config.digestMd5OnlyUserAgents,
  });
  const registrar = createRegistrar({
    domain: config.sipDomain,
    aliases: [...new Set([config.publicAddress, config.bindAddress, 'localhost'])],
    authenticator,
    credentials: o.credentials,
    persistence: o.persistence,
    clock,
    logger: logger.child({ module: 'registrar' }),
    minExpires: config.registerMinExpires,
    maxExpires: config.registerMaxExpires,
    keepaliveIntervalMs: config.keepaliveIntervalMs,
    stack,
    transport,
    onAuthFailure: auth.failed,
    onAuthSuccess: auth.succeeded,
    onBindingsChanged: (count) => metrics.registrations.set(count),
  });
  // RFC 3261 §8.2.7: the first, credential-less REGISTER of each registration is challenged
  // without a server transaction; everything else goes through the transactional chain.
  stack.useStateless(registrar.statelessHandler);
  stack.use(watchCredentials(registrar.handler));
  // server/app adds the B2BUA's handler next (createCallSide); new INVITEs are its
  return { transport, stack, registrar, bans, admission, watchCredentials, auth, authenticator, tlsGenerated: tls.generated, tls: { cert: tls.cert, key: tls.key } };
}
