// Builds the trunk side: the trunks' runtimes (registration, health), the toll-fraud guard whose
// trips go to the audit log and the events stream, and the dialer that 'route' steps use.
import type { Config } from '../config/index.js';
import { contactFor } from '../calls/contact.js';
import type { CallEventJson } from '../api/index.js';
import { createDnsQueries, type Clock, type ListeningPoint, type Logger, type SipStack } from '../sip/index.js';
import type { TrunkRepository } from '../store/index.js';
import type { AuditLog } from '../security/audit.js';
import { TrunkManager } from '../trunks/manager.js';
import { TollFraudGuard } from '../trunks/fraud-guard.js';
import { TrunkDialer } from '../trunks/dialer.js';

export interface TrunkSideOptions {
  readonly config: Config;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly stack: Pick<SipStack, 'request'>;
  readonly listening: () => readonly ListeningPoint[];
  readonly repository: TrunkRepository;
  readonly audit: AuditLog;
}

export function createTrunkSide(o: TrunkSideOptions) {
  const { config, clock } = o;
  const logger = o.logger.child({ module: 'trunks' });
  const alerts = new Set<(event: CallEventJson) => void>();
  const manager = new TrunkManager({
    tables: o.repository,
    stack: o.stack,
    clock,
    logger,
    dns: createDnsQueries({ servers: config.dnsServers }),
    contact: (user, target) => contactFor({ user, flow: { protocol: target.protocol, remote: { address: target.address, port: target.port } }, listening: o.listening(), publicAddress: config.publicAddress }),
    registerRetryBaseMs: config.trunkRegisterRetryMs,
    unknownDid: (e) => logger.info(e, 'call for an unknown DID refused'),
  });
  const guard = new TollFraudGuard({
    clock,
    limits: {
      perExtensionPerMinute: config.outboundCallsPerMinutePerExtension,
      globalPerMinute: config.outboundCallsPerMinute,
      perExtensionConcurrent: config.outboundConcurrentPerExtension,
      globalConcurrent: config.outboundConcurrent,
    },
    tripped: (trip) => {
      logger.warn({ limit: trip.limit, extension: trip.extension, max: trip.max }, 'toll-fraud limit tripped');
      o.audit.record({ actor: 'system', action: 'security.toll-fraud', target: trip.extension, detail: { limit: trip.limit, max: trip.max } });
      const event: CallEventJson = { type: 'alert', callId: '', at: new Date(trip.at).toISOString(), caller: trip.extension, callee: '', alert: `toll-fraud:${trip.limit}`, detail: { limit: trip.limit, max: trip.max } };
      for (const listener of alerts) listener(event);
    },
  });
  const numbers = { profile: config.numberProfile, ...(config.areaCode !== undefined ? { areaCode: config.areaCode } : {}) };
  const dialer = new TrunkDialer({ trunks: manager, guard, clock, logger, attempts: o.repository, numbers });
  return {
    manager,
    dialer,
    /** alerts for the events stream, beside the call events */
    onAlert(listener: (event: CallEventJson) => void): () => void {
      alerts.add(listener);
      return () => alerts.delete(listener);
    },
    start: () => manager.reload(),
    stop: () => manager.close(),
  };
}
