// Call detail records: one row per call, one per leg. Times are ms since the epoch; durations are
// whole seconds as Asterisk's CDR counts them (duration = end − start, billsec = end − answer).
import { isNull } from 'drizzle-orm';
import { index, integer, real, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export const callDispositions = ['ANSWERED', 'NO ANSWER', 'BUSY', 'FAILED', 'CANCELLED', 'INTERRUPTED'] as const;
export type CallDisposition = (typeof callDispositions)[number];

export const callLegRoles = ['caller', 'callee'] as const;
export type CallLegRole = (typeof callLegRoles)[number];

export const callHangupSides = ['caller', 'callee', 'system'] as const;
export type CallHangupSide = (typeof callHangupSides)[number];

export const recordingFormats = ['wav', 'ogg'] as const;
export type RecordingFormat = (typeof recordingFormats)[number];

export const callDirections = ['inbound', 'outbound', 'internal'] as const;
export type CallDirection = (typeof callDirections)[number];

export const callRecords = sqliteTable(
  'call_records',
  {
    id: text('id').primaryKey(),
    caller: text('caller').notNull(),
    callerName: text('caller_name'),
    callee: text('callee').notNull(),
    startedAt: integer('started_at').notNull(),
    answeredAt: integer('answered_at'),
    /** null while the call is in progress */
    endedAt: integer('ended_at'),
    durationS: integer('duration_s'),
    billableS: integer('billable_s'),
    disposition: text('disposition', { enum: callDispositions }),
    hangupCause: text('hangup_cause'),
    sipStatus: integer('sip_status'),
    hangupBy: text('hangup_by', { enum: callHangupSides }),
    codec: text('codec'),
    /** the recording file, under <dataDir>/recordings; null when the call was not recorded */
    recordingPath: text('recording_path'),
    recordingFormat: text('recording_format', { enum: recordingFormats }),
    recordingDurationMs: integer('recording_duration_ms'),
    /** JSON array of { atMs, durationMs }: where the recording was paused (card payments) */
    recordingPauses: text('recording_pauses').notNull().default('[]'),
    /** JSON { trace, handlers }: how the dial plan resolved the number and which handlers ran; null in older rows */
    routing: text('routing'),
    /** for retention policies: every call is between extensions until trunks set it */
    direction: text('direction', { enum: callDirections }).notNull().default('internal'),
    /** JSON array of tags (retention policies match them), set through the API */
    tags: text('tags').notNull().default('[]'),
    /** legal hold: the purge and every delete leave the recording alone while set */
    legalHoldReason: text('legal_hold_reason'),
    legalHoldBy: text('legal_hold_by'),
    legalHoldAt: integer('legal_hold_at'),
    /** when retention (or an admin) deleted the recording and the call's personal data */
    purgedAt: integer('purged_at'),
  },
  (t) => [
    index('call_records_started_idx').on(t.startedAt),
    index('call_records_caller_idx').on(t.caller),
    index('call_records_callee_idx').on(t.callee),
    // only calls not final yet (in progress, or ended with their figures to come): what
    // completeEnded() and interruptOpen() look for at boot, without a full scan
    index('call_records_open_idx').on(t.startedAt).where(isNull(t.disposition)),
    // what the purge walks: ended calls with a recording not yet purged, oldest first
    index('call_records_purge_idx').on(t.endedAt).where(isNull(t.purgedAt)),
  ],
);

export const callLegs = sqliteTable(
  'call_legs',
  {
    id: text('id').primaryKey(),
    callId: text('call_id')
      .notNull()
      .references(() => callRecords.id, { onDelete: 'cascade' }),
    role: text('role', { enum: callLegRoles }).notNull(),
    sipCallId: text('sip_call_id').notNull(),
    uri: text('uri').notNull(),
    transport: text('transport'),
    sourceAddress: text('source_address'),
    userAgent: text('user_agent'),
    startedAt: integer('started_at').notNull(),
    answeredAt: integer('answered_at'),
    endedAt: integer('ended_at'),
    sipStatus: integer('sip_status'),
    codec: text('codec'),
    packetsReceived: integer('packets_received').notNull().default(0),
    packetsSent: integer('packets_sent').notNull().default(0),
    bytesReceived: integer('bytes_received').notNull().default(0),
    bytesSent: integer('bytes_sent').notNull().default(0),
    /** from RTCP receiver reports (RFC 3550 §6.4.1) where the peer sends them */
    packetsLost: integer('packets_lost'),
    fractionLost: real('fraction_lost'),
    jitterMs: real('jitter_ms'),
    /** round trip to the leg's phone from RTCP LSR/DLSR (RFC 3550 §6.4.1); null when unknown */
    rttMs: real('rtt_ms'),
    /** ITU-T G.107 E-model MOS of this leg; null when it carried no RTP */
    mos: real('mos'),
    packetsDropped: integer('packets_dropped').notNull().default(0),
    srtpFailures: integer('srtp_failures').notNull().default(0),
  },
  (t) => [index('call_legs_call_idx').on(t.callId)],
);

export type CallRecordRow = typeof callRecords.$inferSelect;
export type CallLegRow = typeof callLegs.$inferSelect;
