// Test support: a fresh database in a temporary folder, removed on cleanup.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Database } from './database.js';
import type { StoreLogger } from './logger.js';
import type { CallLegInput, CallRecordInput } from './repositories/call-records.js';

export const quietStoreLogger: StoreLogger = { debug() {}, info() {}, warn() {}, error() {} };

export async function openTempDatabase(): Promise<{ database: Database; dir: string; cleanup(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'hailing-store-'));
  const database = await openDatabase({ dataDir: dir, logger: quietStoreLogger });
  return {
    database,
    dir,
    async cleanup() {
      database.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A call leg for record tests: a phone on UDP with no media yet; `over` sets what a test checks. */
export function callLegFixture(over: Partial<CallLegInput> & Pick<CallLegInput, 'id' | 'role' | 'startedAt'>): CallLegInput {
  return {
    sipCallId: `${over.id}@pbx.test`,
    uri: 'sip:1001@192.0.2.10:5060',
    transport: 'udp',
    sourceAddress: '192.0.2.10:5060',
    userAgent: 'baresip',
    answeredAt: null,
    endedAt: null,
    sipStatus: null,
    codec: null,
    packetsReceived: 0,
    packetsSent: 0,
    bytesReceived: 0,
    bytesSent: 0,
    packetsLost: null,
    fractionLost: null,
    jitterMs: null,
    rttMs: null,
    mos: null,
    packetsDropped: 0,
    srtpFailures: 0,
    ...over,
  };
}

/** A call record for tests: 1001 calling 1002, in progress, not recorded; `over` sets what a test checks. */
export function callRecordFixture(over: Partial<CallRecordInput> & Pick<CallRecordInput, 'id' | 'startedAt'>): CallRecordInput {
  return {
    caller: '1001',
    callerName: null,
    callee: '1002',
    answeredAt: null,
    endedAt: null,
    durationS: null,
    billableS: null,
    disposition: null,
    hangupCause: null,
    sipStatus: null,
    hangupBy: null,
    codec: null,
    recordingPath: null,
    recordingFormat: null,
    recordingDurationMs: null,
    recordingPauses: [],
    direction: 'internal',
    legs: [],
    ...over,
  };
}
