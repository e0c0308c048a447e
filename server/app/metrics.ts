// Prometheus metrics on a private Registry (not prom-client's global one), so tests and several
// app instances in one process never collide.
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';

/** RFC 3261 and the extension methods SIP deployments use (RFC 3262, 3265, 3311, 3428, 3515, 3903, 6086). */
const KNOWN_METHODS = new Set(['INVITE', 'ACK', 'CANCEL', 'BYE', 'OPTIONS', 'REGISTER', 'PRACK', 'SUBSCRIBE', 'NOTIFY', 'UPDATE', 'MESSAGE', 'REFER', 'PUBLISH', 'INFO']);

export interface Metrics {
  readonly registry: Registry;
  readonly registrations: Gauge;
  readonly sipMessages: Counter<'direction' | 'method' | 'status'>;
  /** count one SIP message in sipMessages: a method name, or a response's status code */
  readonly countSipMessage: (direction: 'in' | 'out', label: string | number) => void;
  readonly sipTransactions: Gauge;
  readonly sipTransactionsTotal: Counter;
  readonly securityBans: Counter;
  readonly securityBannedSources: Gauge;
  readonly securityRateLimited: Counter;
  readonly authFailures: Counter;
  readonly callsActive: Gauge;
  readonly callsTotal: Counter<'disposition'>;
  readonly mediaEndpoints: Gauge;
}

export interface CreateMetricsOptions {
  /** process_* and nodejs_* metrics (default true) */
  defaultMetrics?: boolean;
  /** label added to every series, e.g. { node: 'pbx1' } */
  defaultLabels?: Record<string, string>;
}

export function createMetrics(options: CreateMetricsOptions = {}): Metrics {
  const registry = new Registry();
  if (options.defaultLabels) registry.setDefaultLabels(options.defaultLabels);
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry });
  const registers = [registry];
  // prom-client hashes the label set on every inc(), and SIP messages are counted twice per
  // transaction, so they are tallied in plain maps and handed over when the registry is scraped.
  const pending = { in: new Map<string | number, number>(), out: new Map<string | number, number>() };
  const countSipMessage = (direction: 'in' | 'out', label: string | number): void => {
    const tally = pending[direction];
    // Methods come off the wire: any token is a valid extension method, so unknown ones share one
    // label rather than letting a scanner create a time series per random method name.
    const key = typeof label === 'number' || KNOWN_METHODS.has(label) ? label : 'OTHER';
    tally.set(key, (tally.get(key) ?? 0) + 1);
  };
  return {
    countSipMessage,
    registry,
    registrations: new Gauge({
      name: 'hailing_registrations',
      help: 'Active registration bindings in the location service',
      registers,
    }),
    sipMessages: new Counter({
      name: 'hailing_sip_messages_total',
      help: 'SIP messages by direction (in/out), method, and status (response code, or "request")',
      labelNames: ['direction', 'method', 'status'] as const,
      registers,
      collect() {
        for (const direction of ['in', 'out'] as const) {
          for (const [label, n] of pending[direction]) {
            if (typeof label === 'number') this.inc({ direction, method: '', status: String(label) }, n);
            else this.inc({ direction, method: label, status: 'request' }, n);
          }
          pending[direction].clear();
        }
      },
    }),
    sipTransactions: new Gauge({ name: 'hailing_sip_transactions', help: 'Live SIP transactions', registers }),
    sipTransactionsTotal: new Counter({
      name: 'hailing_sip_transactions_total',
      help: 'SIP transactions created',
      registers,
    }),
    callsActive: new Gauge({ name: 'hailing_calls_active', help: 'Calls in progress', registers }),
    callsTotal: new Counter({
      name: 'hailing_calls_total',
      help: 'Finished calls by disposition (ANSWERED, NO ANSWER, BUSY, FAILED, CANCELLED)',
      labelNames: ['disposition'] as const,
      registers,
    }),
    mediaEndpoints: new Gauge({ name: 'hailing_media_endpoints', help: 'RTP relay endpoints (port pairs) in use', registers }),
    securityBans: new Counter({ name: 'hailing_security_bans_total', help: 'Sources banned', registers }),
    securityBannedSources: new Gauge({
      name: 'hailing_security_banned_sources',
      help: 'Sources currently banned',
      registers,
    }),
    securityRateLimited: new Counter({
      name: 'hailing_security_rate_limited_total',
      help: 'Requests refused by rate limiting',
      registers,
    }),
    authFailures: new Counter({ name: 'hailing_auth_failures_total', help: 'Failed authentications (SIP digest and API login)', registers }),
  };
}
