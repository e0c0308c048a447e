// Public API of server/sip: what the registrar, B2BUA, trunks and server/app may use. Other
// modules import server/sip through this file only (ARCHITECTURE.md, layer lint rule).

// messages: types, parser, serializer, header accessors, builders
export * from './message/index.js';

// transports (RFC 3261 §18, RFC 7118)
export type {
  TransportProtocol,
  HostPort,
  Flow,
  SendTarget,
  TlsPeer,
  TraceEvent,
  TraceHook,
  TransportEvents,
  ListeningPoint,
  TransportLayer,
} from './transport/types.js';
export { createTransportLayer } from './transport/layer.js';
export type { TransportOptions } from './transport/layer.js';
export { ensureCertificate } from './transport/certificate.js';
export type { CertificateOptions, CertificateMaterial } from './transport/certificate.js';
// shared with server/api's upgrade endpoint, so one copy of the leak fix (issue 18)
export { endRefusedUpgrade } from './transport/refused-upgrade.js';
export type { RefuseUpgradeOptions } from './transport/refused-upgrade.js';

// the core: listener chain and client transactions (RFC 3261 §8, §17)
export type {
  ReplyOptions,
  IncomingRequest,
  RequestHandler,
  StatelessHandler,
  ClientRequestOptions,
  IngressFilter,
  SipStack,
  SipStackObserver,
} from './stack/types.js';
export { createSipStack } from './stack/core.js';
export type { SipStackOptions } from './stack/core.js';
export { checkContent } from './stack/validate.js';
export type { ContentPolicy, Rejection } from './stack/validate.js';
export { DEFAULT_TIMER_VALUES } from './transaction/timers.js';
export type { TimerValues } from './transaction/timers.js';

// time and logging come from outside (CONVENTIONS.md §6)
export { systemClock, FakeClock } from './clock.js';
export type { Clock, TimerHandle } from './clock.js';
export { silentLogger } from './logger.js';
export type { Logger, LogFn } from './logger.js';

// digest authentication (RFC 8760, RFC 7616); the lead completes this list as auth/ settles
export {
  DigestAuthenticator,
  computeHa1,
  computeResponse,
  readDigestIdentity,
  MAX_NONCE_LIFETIME_MS,
  NOT_A_GUESS,
} from './auth/digest.js';
export type {
  DigestAlgorithm,
  DigestSecrets,
  DigestAuthenticatorOptions,
  VerifyFailureReason,
  VerifyResult,
  VerifyOptions,
  DigestIdentity,
} from './auth/digest.js';
export { URI_MISMATCH_REPLY, digestUriNamesTarget } from './auth/digest-uri.js';

// dialogs (RFC 3261 §12, §13.3.1.4)
export * from './dialog/index.js';

// digest as a client (to carriers) and server location (RFC 3263), for trunks
export { answerChallenge } from './auth/digest-client.js';
export type { DigestAnswer, DigestClientCredentials } from './auth/digest-client.js';
export { createDnsQueries, locateSipServer, orderSrv } from './dns/rfc3263.js';
export type { DnsQueries, LocateOptions, NaptrRecord, SipTarget, SipTargetProtocol, SrvRecord } from './dns/rfc3263.js';

// SIP-specific event notification, notifier side (RFC 6665): SUBSCRIBE, NOTIFY, packages
export * from './subscription/index.js';
