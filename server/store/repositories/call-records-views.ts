// Rows of call_records/call_legs as the repository's views. Enum columns are narrowed here: a value
// the code does not know (a row written by a newer version, or edited by hand) is never passed on
// as if it were one of the union's members.
import {
  callDispositions,
  callHangupSides,
  recordingFormats,
  type CallDisposition,
  type CallHangupSide,
  type CallLegRole,
  type CallLegRow,
  type CallRecordRow,
  type RecordingFormat,
} from '../schema/call-records.js';
import type { CallLegView, CallRecordView, CallRoutingInput, RecordingPauseInput } from './call-records.js';

function isDisposition(v: string | null): v is CallDisposition {
  return v !== null && (callDispositions as readonly string[]).includes(v);
}

function isHangupSide(v: string | null): v is CallHangupSide {
  return v !== null && (callHangupSides as readonly string[]).includes(v);
}

function isRecordingFormat(v: string | null): v is RecordingFormat {
  return v !== null && (recordingFormats as readonly string[]).includes(v);
}

const isMs = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;

/**
 * The recording_pauses column: a JSON array of { atMs, durationMs }. Text that is not such an
 * array (edited by hand, or cut short) reads as no pauses; entries without both numbers are dropped.
 */
export function parseRecordingPauses(text: string): RecordingPauseInput[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return [];
  }
  if (!Array.isArray(value)) return [];
  const pauses: RecordingPauseInput[] = [];
  for (const item of value as unknown[]) {
    if (typeof item !== 'object' || item === null) continue;
    const { atMs, durationMs } = item as { atMs?: unknown; durationMs?: unknown };
    if (isMs(atMs) && isMs(durationMs)) pauses.push({ atMs, durationMs });
  }
  return pauses;
}

/** The routing column: { trace: [...], handlers: [string] }; anything else reads as absent. */
export function parseRouting(text: string | null): CallRoutingInput | undefined {
  if (text === null) return undefined;
  try {
    const v = JSON.parse(text) as { trace?: unknown; handlers?: unknown };
    if (!Array.isArray(v.trace) || !Array.isArray(v.handlers)) return undefined;
    return { trace: v.trace as unknown[], handlers: (v.handlers as unknown[]).filter((h): h is string => typeof h === 'string') };
  } catch {
    return undefined;
  }
}

function isRole(v: string): v is CallLegRole {
  return v === 'caller' || v === 'callee';
}

function legView(row: CallLegRow, role: CallLegRole): CallLegView {
  return {
    id: row.id,
    role,
    sipCallId: row.sipCallId,
    uri: row.uri,
    transport: row.transport,
    sourceAddress: row.sourceAddress,
    userAgent: row.userAgent,
    startedAt: row.startedAt,
    answeredAt: row.answeredAt,
    endedAt: row.endedAt,
    sipStatus: row.sipStatus,
    codec: row.codec,
    packetsReceived: row.packetsReceived,
    packetsSent: row.packetsSent,
    bytesReceived: row.bytesReceived,
    bytesSent: row.bytesSent,
    packetsLost: row.packetsLost,
    fractionLost: row.fractionLost,
    jitterMs: row.jitterMs,
    rttMs: row.rttMs,
    mos: row.mos,
    packetsDropped: row.packetsDropped,
    srtpFailures: row.srtpFailures,
  };
}

/** Legs grouped by call, keeping the order of `rows`. */
export function legsByCall(rows: readonly CallLegRow[], onUnknownRole: (row: CallLegRow) => void): Map<string, CallLegView[]> {
  const byCall = new Map<string, CallLegView[]>();
  for (const row of rows) {
    const role = row.role;
    if (!isRole(role)) {
      onUnknownRole(row);
      continue;
    }
    let legs = byCall.get(row.callId);
    if (legs === undefined) byCall.set(row.callId, (legs = []));
    legs.push(legView(row, role));
  }
  return byCall;
}

export function recordView(row: CallRecordRow, legs: readonly CallLegView[]): CallRecordView {
  const routing = parseRouting(row.routing);
  return {
    id: row.id,
    caller: row.caller,
    callerName: row.callerName,
    callee: row.callee,
    startedAt: row.startedAt,
    answeredAt: row.answeredAt,
    endedAt: row.endedAt,
    durationS: row.durationS,
    billableS: row.billableS,
    disposition: isDisposition(row.disposition) ? row.disposition : null,
    hangupCause: row.hangupCause,
    sipStatus: row.sipStatus,
    hangupBy: isHangupSide(row.hangupBy) ? row.hangupBy : null,
    codec: row.codec,
    recordingPath: row.recordingPath,
    recordingFormat: isRecordingFormat(row.recordingFormat) ? row.recordingFormat : null,
    recordingDurationMs: row.recordingDurationMs,
    recordingPauses: parseRecordingPauses(row.recordingPauses),
    legs,
    ...(routing !== undefined ? { routing } : {}),
    retention: {
      direction: row.direction,
      tags: parseTags(row.tags),
      legalHold: row.legalHoldReason === null ? null : { reason: row.legalHoldReason, by: row.legalHoldBy, at: row.legalHoldAt },
      purgedAt: row.purgedAt,
    },
  };
}

/** The tags column: a JSON array of strings; anything else reads as none. */
export function parseTags(text: string): string[] {
  try {
    const v: unknown = JSON.parse(text);
    return Array.isArray(v) ? v.filter((t): t is string => typeof t === 'string') : [];
  } catch {
    return [];
  }
}
