// Prints how long the provisioning service takes to answer 401 for an enrolled MAC and for an unknown
// one, without and with (wrong) digest credentials: the two should not be told apart (docs/provisioning.md).
// In-process, no sockets: the time of answerFetch itself. `node --import tsx bench/provisioning.ts`
import { performance } from 'node:perf_hooks';
import { testProvisioning } from '../server/provisioning/testing.js';
import type { DeviceRow } from '../server/provisioning/devices.js';
import type { PendingRow, ProvisioningStore } from '../server/provisioning/service.js';

const rows: DeviceRow[] = [];
const store: ProvisioningStore = {
  devices: async () => rows,
  createDevice: async (input) => {
    const row = { ...input, lastSeenAt: null, lastSource: null, lastUserAgent: null, createdAt: 0, updatedAt: 0 };
    rows.push(row);
    return row;
  },
  deleteDevice: async () => true,
  seen: () => undefined,
  pending: async (): Promise<PendingRow[]> => [],
  sighted: () => undefined,
  dismissPending: async () => true,
  templates: async () => [],
  saveTemplate: async () => undefined,
  deleteTemplate: async () => true,
};

const p = await testProvisioning({ store, scanThreshold: 1_000_000_000 });
await p.service.enrol({ mac: '001565aabbcc', family: 'yealink', extension: '1001' });
const N = Number(process.argv[2] ?? 20_000);

async function measure(mac: string, withCredentials: boolean): Promise<number[]> {
  const path = `/${mac}.cfg`;
  const first = await p.service.answer({ method: 'GET', path, source: '192.0.2.1', base: 'http://x' });
  const challenge = ([first.headers['www-authenticate']].flat()[1] ?? '') as string;
  const nonce = /nonce="([^"]+)"/.exec(challenge)?.[1] ?? '';
  const times: number[] = [];
  for (let i = 0; i < N; i++) {
    const authorization = withCredentials
      ? `Digest username="${mac}", realm="Hailing provisioning", nonce="${nonce}", uri="${path}", response="${'0'.repeat(32)}", algorithm=MD5, qop=auth, nc=${(i + 1).toString(16).padStart(8, '0')}, cnonce="c${i}"`
      : undefined;
    const t0 = performance.now();
    await p.service.answer({ method: 'GET', path, source: `198.51.100.${i % 250}`, base: 'http://x', ...(authorization ? { authorization } : {}) });
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b);
}

const q = (t: number[], f: number) => (t[Math.floor(t.length * f)] ?? 0) * 1000;
for (const withCredentials of [false, true])
  for (const [label, mac] of [
    ['enrolled', '001565aabbcc'],
    ['unknown ', '001565ddeeff'],
  ] as const) {
    const t = await measure(mac, withCredentials);
    console.log(`${withCredentials ? 'wrong credentials' : 'no credentials   '} ${label}: median ${q(t, 0.5).toFixed(1)} µs, p90 ${q(t, 0.9).toFixed(1)} µs (${N} requests)`);
  }
