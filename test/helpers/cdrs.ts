// Call records as the acceptance tests read them back from the API (`GET /api/v1/cdrs`). Records go
// through a batching writer, so a test polls for the final one instead of expecting it at once.
import assert from 'node:assert/strict';

/** A call record as `GET /api/v1/cdrs` lists it (the fields the call tests assert on). */
export interface CallRecordLeg {
  id: string;
  role: 'caller' | 'callee';
  sipCallId: string;
  uri: string;
  transport: string;
  sourceAddress: string;
  startedAt: string | null;
  answeredAt: string | null;
  endedAt: string | null;
  sipStatus: number | null;
  codec: string | null;
  packetsReceived: number;
  packetsSent: number;
}
export interface CallRecord {
  id: string;
  caller: string;
  callerName: string | null;
  callee: string;
  startedAt: string | null;
  answeredAt: string | null;
  endedAt: string | null;
  durationS: number | null;
  billableS: number | null;
  disposition: 'ANSWERED' | 'NO ANSWER' | 'BUSY' | 'FAILED' | 'CANCELLED' | 'INTERRUPTED' | null;
  hangupCause: string | null;
  sipStatus: number | null;
  hangupBy: 'caller' | 'callee' | 'system' | null;
  codec: string | null;
  legs: CallRecordLeg[];
}

/** the test server's authenticated API client (HailingProcess.api) */
export type Api = <T>(method: string, route: string) => Promise<{ status: number; body: T }>;

/** the records listing `number` (as caller or callee), newest first, up to 200 */
export async function listCallRecords(api: Api, number: string): Promise<CallRecord[]> {
  const r = await api<{ items: CallRecord[] }>('GET', `/api/v1/cdrs?number=${encodeURIComponent(number)}&limit=200`);
  if (r.status !== 200 || !Array.isArray(r.body.items)) throw new Error(`GET /api/v1/cdrs?number=${number}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.items;
}

export interface FinalCallRecordOptions {
  api: Api;
  number: string;
  /** the record whose caller leg carries this SIP Call-ID; omitted: the newest record listing `number` */
  callId?: string;
  /** how long to poll (every 100 ms); default 5000 */
  ms?: number;
}

/** The record once the writer has stored its final state (a disposition), polled for at most `ms`. */
export async function finalCallRecord(o: FinalCallRecordOptions): Promise<CallRecord> {
  const ms = o.ms ?? 5000;
  const deadline = Date.now() + ms;
  const wanted = o.callId === undefined ? `the newest record` : `the record for Call-ID ${o.callId}`;
  for (;;) {
    const items = await listCallRecords(o.api, o.number);
    const hit = o.callId === undefined ? items[0] : items.find((c) => c.legs?.some((l) => l.role === 'caller' && l.sipCallId === o.callId));
    if (hit && hit.disposition !== null) return hit;
    if (Date.now() > deadline) throw new Error(`no final state of ${wanted} within ${ms} ms; records for ${o.number}: ${JSON.stringify(items)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Asserts the fields named in `expected` at once, so a failure shows every mismatch and the record. */
export function assertRecord(record: CallRecord, expected: Partial<CallRecord>): void {
  const actual = Object.fromEntries(Object.keys(expected).map((k) => [k, record[k as keyof CallRecord]]));
  assert.deepEqual(actual, expected, JSON.stringify(record));
}
