// A call as its record shows it (the CDR): built from the call's legs and end, with the media
// figures of each endpoint once the call is over. Asterisk's duration/billsec semantics.
import { mosFromEmodel, type EndpointStats } from '../../media/index.js';
import type { Side } from './call-media.js';
import type { InboundLeg } from './inbound-leg.js';
import type { OutboundLeg } from './outbound-leg.js';
import type { CallDirection, CallDisposition, CallLegRecord, CallRecord, CallRouting, ExtensionProfile, HangupSide, RecordingFormat, RecordingPause } from './types.js';

export interface CallEnd {
  readonly disposition: CallDisposition;
  readonly cause: string;
  readonly status: number;
  readonly by: HangupSide;
  readonly at: number;
}

export type MediaFigures = Record<Side, EndpointStats> | undefined;

const seconds = (from: number, to: number): number => Math.max(0, Math.round((to - from) / 1000));

const address = (a: { address: string; port: number }): string => (a.address.includes(':') ? `[${a.address}]:${a.port}` : `${a.address}:${a.port}`);

/** What the recording of a call left, once it ended (RecordingResult from the media engine). */
export interface RecordingFigures {
  readonly path: string;
  readonly format: RecordingFormat;
  readonly durationMs: number;
  readonly pauses: readonly RecordingPause[];
}

type EmodelCodec = Parameters<typeof mosFromEmodel>[0]['codec'];

/**
 * The E-model's name for an SDP encoding name (RFC 3551 §6 names are case-insensitive). L16 is
 * uncompressed PCM: G.113 lists no Ie for it, and like G.711 it adds no coding distortion (Ie 0).
 */
function emodelCodec(codec: string | null): EmodelCodec | null {
  switch (codec?.toUpperCase()) {
    case 'PCMU':
    case 'L16':
      return 'PCMU';
    case 'PCMA':
      return 'PCMA';
    case 'G722':
      return 'G722';
    case 'OPUS':
      return 'opus';
    default:
      return null;
  }
}

/**
 * ITU-T G.107 MOS for a leg; null when its phone sent no RTP that reached us (or a codec the E-model
 * cannot rate). Packets we only sent prove nothing about the call: a relay latched to a stranger sends
 * to it happily, and rating that leg 4.41 would hide the hijack (issue 18). Foreign packets are never
 * counted as received; they are in packetsDropped.
 */
function legMos(stats: EndpointStats | undefined, codec: string | null): number | null {
  if (stats === undefined || stats.packetsReceived === 0) return null;
  const rated = emodelCodec(codec);
  if (rated === null) return null;
  return mosFromEmodel({
    codec: rated,
    lossPercent: (stats.fractionLost ?? 0) * 100,
    jitterMs: stats.jitterMs ?? 0,
    rttMs: stats.rttMs ?? 0,
  }).mos;
}

type LegMedia = Pick<
  CallLegRecord,
  'codec' | 'packetsReceived' | 'packetsSent' | 'bytesReceived' | 'bytesSent' | 'packetsLost' | 'fractionLost' | 'jitterMs' | 'rttMs' | 'mos' | 'packetsDropped' | 'srtpFailures'
>;

/** `codec` is what the leg negotiated; with transcoding each endpoint reports its own phone's codec. */
export function legMedia(stats: EndpointStats | undefined, negotiated: string | null): LegMedia {
  const codec = stats?.codec ?? negotiated;
  return {
    codec,
    packetsReceived: stats?.packetsReceived ?? 0,
    packetsSent: stats?.packetsSent ?? 0,
    bytesReceived: stats?.bytesReceived ?? 0,
    bytesSent: stats?.bytesSent ?? 0,
    packetsLost: stats?.packetsLost ?? null,
    fractionLost: stats?.fractionLost ?? null,
    jitterMs: stats?.jitterMs ?? null,
    rttMs: stats?.rttMs ?? null,
    mos: legMos(stats, codec),
    packetsDropped: stats?.packetsDropped ?? 0,
    srtpFailures: stats?.srtpFailures ?? 0,
  };
}

export function buildRecord(o: {
  readonly id: string;
  readonly caller: ExtensionProfile;
  readonly callee: string;
  readonly startedAt: number;
  readonly inbound: InboundLeg;
  readonly forks: readonly OutboundLeg[];
  readonly winner: OutboundLeg | undefined;
  readonly codec: string | null;
  readonly end: CallEnd | undefined;
  /** absent: between extensions */
  readonly direction?: CallDirection;
  readonly stats?: MediaFigures;
  /** once the recording has ended; until then the record carries none */
  readonly recording?: RecordingFigures;
  /** the file a recording still going writes: the record names it (path and format only) */
  readonly recordingFile?: { readonly path: string; readonly format: RecordingFormat };
  readonly routing?: CallRouting;
  /** what an IVR flow learned (server/ivr FlowContext) */
  readonly ivr?: Readonly<Record<string, unknown>>;
}): CallRecord {
  const { inbound, end } = o;
  // a call Hailing answered itself (conference, monitoring) has no winning fork
  const answeredAt = o.winner?.answeredAt ?? o.inbound.answeredAt ?? null;
  const flow = inbound.request.flow;
  const legs: CallLegRecord[] = [
    {
      id: inbound.id,
      role: 'caller',
      sipCallId: inbound.sipCallId,
      uri: inbound.request.message.uri,
      transport: flow.protocol,
      sourceAddress: address(inbound.request.source),
      userAgent: inbound.request.message.headers.find((h) => h.name === 'User-Agent')?.value ?? null,
      startedAt: inbound.startedAt,
      answeredAt: inbound.answeredAt,
      endedAt: inbound.endedAt,
      sipStatus: inbound.sipStatus,
      ...legMedia(o.stats?.caller, o.codec),
    },
    ...o.forks.map(
      (leg): CallLegRecord => ({
        id: leg.id,
        role: 'callee',
        sipCallId: leg.sipCallId,
        uri: leg.target.contact,
        transport: leg.target.flow.protocol,
        sourceAddress: address(leg.target.flow.remote),
        userAgent: leg.target.userAgent ?? null,
        startedAt: leg.startedAt,
        answeredAt: leg.answeredAt,
        endedAt: leg.endedAt,
        sipStatus: leg.sipStatus,
        ...legMedia(leg === o.winner ? o.stats?.callee : undefined, leg === o.winner ? o.codec : null),
      }),
    ),
  ];
  // one object literal, its fields always in this order: V8 keeps one shape for every record
  const record: { -readonly [K in keyof CallRecord]: CallRecord[K] } = {
    id: o.id,
    caller: o.caller.number,
    callerName: o.caller.displayName,
    callee: o.callee,
    startedAt: o.startedAt,
    answeredAt,
    endedAt: end?.at ?? null,
    durationS: end ? seconds(o.startedAt, end.at) : null,
    billableS: end && answeredAt !== null ? seconds(answeredAt, end.at) : end ? 0 : null,
    disposition: end?.disposition ?? null,
    hangupCause: end?.cause ?? null,
    sipStatus: end?.status ?? null,
    hangupBy: end?.by ?? null,
    codec: o.codec,
    recordingPath: o.recording?.path ?? o.recordingFile?.path ?? null,
    recordingFormat: o.recording?.format ?? o.recordingFile?.format ?? null,
    recordingDurationMs: o.recording?.durationMs ?? null,
    recordingPauses: o.recording?.pauses ?? [],
    direction: o.direction ?? 'internal',
    legs,
  };
  if (o.routing !== undefined) record.routing = o.routing;
  if (o.ivr !== undefined) record.ivr = o.ivr;
  return record;
}
