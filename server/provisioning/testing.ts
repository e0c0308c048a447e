// Test support: a ProvisioningService over a store, with a fake clock, fixed keys and a recorded
// alert list; the SIP side is a stub unless a test brings its own.
import { DigestAuthenticator } from '../sip/auth/digest.js';
import { FakeClock } from '../sip/clock.js';
import { silentLogger } from '../sip/logger.js';
import type { SipStack } from '../sip/stack/types.js';
import { SecretBox } from './secret-box.js';
import { ProvisioningService, type ProvisioningAlert, type ProvisioningStore } from './service.js';
import type { ContactBinding } from './sip-notify.js';

export const TEST_SIP_REALM = 'pbx.test';

export interface TestProvisioning {
  readonly service: ProvisioningService;
  readonly clock: FakeClock;
  readonly alerts: ProvisioningAlert[];
  readonly limited: { allow: boolean };
}

export async function testProvisioning(o: {
  store: ProvisioningStore;
  clock?: FakeClock;
  stack?: Pick<SipStack, 'request'>;
  registrations?: (aor: string) => readonly ContactBinding[];
  scanThreshold?: number;
}): Promise<TestProvisioning> {
  const clock = o.clock ?? new FakeClock(1_800_000_000_000);
  const alerts: ProvisioningAlert[] = [];
  const limited = { allow: true };
  const service = new ProvisioningService({
    store: o.store,
    box: new SecretBox({ key: Buffer.alloc(32, 7) }),
    clock,
    logger: silentLogger,
    authenticator: new DigestAuthenticator({ realm: 'Hailing provisioning', secret: Buffer.alloc(32, 1), clock }),
    allow: () => limited.allow,
    scan: { threshold: o.scanThreshold ?? 20, windowMs: 600_000 },
    sip: { domain: TEST_SIP_REALM, server: TEST_SIP_REALM, port: 5060, transport: 'udp', registerExpires: 3600 },
    baseUrl: () => 'http://pbx.test:8090',
    displayName: async (n) => (n === '1001' ? 'Front Desk' : null),
    registrations: o.registrations ?? (() => []),
    stack: o.stack ?? { request: () => Promise.reject(new Error('no SIP in this test')) },
    onAlert: (a) => alerts.push(a),
  });
  await service.start();
  return { service, clock, alerts, limited };
}
