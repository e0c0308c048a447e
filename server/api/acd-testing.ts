// The /api/v1/acd tests' rig: an ACD service on a temporary database with a fake call driver and
// clock (at an interval boundary), the API in front of it, and an admin's client.
import { FakeClock, silentLogger } from '../sip/index.js';
import { AcdRepository } from '../store/index.js';
import { openTempDatabase } from '../store/testing.js';
import { AcdService } from '../acd/service.js';
import { FakeDriver, testPins } from '../acd/testing.js';
import { INTERVAL_MS } from '../acd/metrics.js';
import { createApiHarness, jsonRequest, loginAs, type ApiHarness } from './testing.js';

export type AcdCall = (method: string, path: string, body?: unknown) => Promise<{ status: number; body: Record<string, unknown> | undefined }>;

/** a client for the API with this bearer token */
export function clientFor(h: ApiHarness, token: string): AcdCall {
  return async (method, path, body) => {
    const init: RequestInit = body === undefined ? { method, headers: { authorization: `Bearer ${token}` } } : jsonRequest(method, body, { authorization: `Bearer ${token}` });
    const res = await h.app.request(path, init);
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
  };
}

export async function acdRig() {
  const tmp = await openTempDatabase();
  const clock = new FakeClock();
  clock.advance(INTERVAL_MS - (clock.now() % INTERVAL_MS));
  const driver = new FakeDriver();
  const repository = new AcdRepository({ db: tmp.database.db, now: () => clock.now() });
  const acd = await AcdService.open({ repository, clock, random: () => 0, logger: silentLogger, queueLogPath: null, driver, pins: testPins() });
  const h = await createApiHarness({ acd });
  const call = clientFor(h, await loginAs(h, 'boss', 'correct horse', 'admin'));
  const cleanup = async () => {
    await acd.close();
    await h.cleanup();
    await tmp.cleanup();
  };
  return { h, clock, driver, acd, repository, call, cleanup };
}
