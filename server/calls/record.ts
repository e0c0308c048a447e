// A call as its record shows it (the CDR): built from the call's legs and end, with the media
// figures of each endpoint once the call is over. Asterisk's duration/billsec semantics.
import type { EndpointStats } from '../../media/index.js';
import type { Side } from './call-media.js';
import type { InboundLeg } from './inbound-leg.js';
import type { OutboundLeg } from './outbound-leg.js';
import type { CallDisposition, CallLegRecord, CallRecord, ExtensionProfile, HangupSide } from './types.js';

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

function media(stats: EndpointStats | undefined): Pick<CallLegRecord, 'packetsReceived' | 'packetsSent' | 'bytesReceived' | 'bytesSent' | 'packetsLost' | 'fractionLost' | 'jitterMs'> {
  return {
    packetsReceived: stats?.packetsReceived ?? 0,
    packetsSent: stats?.packetsSent ?? 0,
    bytesReceived: stats?.bytesReceived ?? 0,
    bytesSent: stats?.bytesSent ?? 0,
    packetsLost: stats?.packetsLost ?? null,
    fractionLost: stats?.fractionLost ?? null,
    jitterMs: stats?.jitterMs ?? null,
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
  readonly stats?: MediaFigures;
}): CallRecord {
  const { inbound, end } = o;
  const answeredAt = o.winner?.answeredAt ?? null;
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
      codec: o.codec,
      ...media(o.stats?.caller),
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
        codec: leg === o.winner ? o.codec : null,
        ...media(leg === o.winner ? o.stats?.callee : undefined),
      }),
    ),
  ];
  return {
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
    legs,
  };
}
