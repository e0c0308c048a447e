// What GET /api/v1/system/status shows, and the event stream the console listens to: call events
// from the B2BUA's observer plus registration changes from the registrar.
import type { Registry } from 'prom-client';
import type { Config } from '../config/index.js';
import type { CallEventSource, StreamEventJson, SystemStatusView } from '../api/index.js';
import type { Clock } from '../sip/clock.js';
import type { BindingChange } from '../registrar/index.js';
import { packageVersion } from './console-dir.js';

interface ListeningPoint {
  readonly protocol: string;
  readonly address: string;
  readonly port: number;
}

export interface SystemStatusOptions {
  readonly config: Config;
  readonly clock: Clock;
  readonly registry: Registry;
  readonly startedAt: number;
  readonly mediaWorkers: number;
  readonly listening: () => readonly ListeningPoint[];
  readonly httpPort: () => number | undefined;
  readonly registrations: () => number;
  readonly activeCalls: () => Promise<number>;
}

/** each hailing_* series summed over its labels; a histogram counts its observations */
async function metricsSummary(registry: Registry): Promise<SystemStatusView['metrics']> {
  const all = await registry.getMetricsAsJSON();
  const out: SystemStatusView['metrics'] = [];
  for (const m of all) {
    if (!m.name.startsWith('hailing_')) continue;
    const values = m.values as ReadonlyArray<{ value: number; metricName?: string }>;
    const picked = String(m.type) === 'histogram' ? values.filter((v) => v.metricName?.endsWith('_count')) : values;
    out.push({ name: m.name, help: m.help, value: picked.reduce((sum, v) => sum + (Number.isFinite(v.value) ? v.value : 0), 0) });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

export function createSystemStatus(o: SystemStatusOptions): { status(): Promise<SystemStatusView> } {
  const version = packageVersion();
  return {
    async status() {
      const now = o.clock.now();
      const http = o.httpPort();
      return {
        version,
        node: process.version,
        startedAt: new Date(o.startedAt).toISOString(),
        uptimeS: Math.max(0, Math.round((now - o.startedAt) / 1000)),
        sipDomain: o.config.sipDomain,
        publicAddress: o.config.publicAddress,
        listening: [
          ...o.listening().map((l) => ({ transport: l.protocol, address: l.address, port: l.port })),
          ...(http !== undefined ? [{ transport: 'http', address: o.config.bindAddress, port: http }] : []),
        ],
        mediaWorkers: o.mediaWorkers,
        rtpPorts: { min: o.config.rtpPortMin, max: o.config.rtpPortMax },
        registrations: o.registrations(),
        activeCalls: await o.activeCalls(),
        metrics: await metricsSummary(o.registry),
      };
    },
  };
}

export interface StreamEventsOptions {
  readonly calls: CallEventSource;
  readonly registrar: {
    on(event: 'change', listener: (change: BindingChange) => void): void;
    off(event: 'change', listener: (change: BindingChange) => void): void;
  };
  readonly clock: Clock;
}

/** GET /api/v1/events: the call events and a `registration` event per AOR whose contacts changed */
export function streamEvents(o: StreamEventsOptions): CallEventSource {
  return {
    subscribe(listener: (event: StreamEventJson) => void) {
      const offCalls = o.calls.subscribe(listener);
      const onChange = (change: BindingChange) =>
        listener({ type: 'registration', at: new Date(o.clock.now()).toISOString(), aor: change.aor, contacts: change.bindings.length });
      o.registrar.on('change', onChange);
      return () => {
        offCalls();
        o.registrar.off('change', onChange);
      };
    },
  };
}
