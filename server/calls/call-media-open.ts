// Opening a call's two-party media: one endpoint per party on the call's worker (or the caller's
// anchored endpoint of a call answered here), connected to each other. Kept apart from
// call-media.ts, which is about the SDP between them.
import type { EndpointHandle, MediaEngine } from '../../media/index.js';
import { CallMedia, type EndpointKind, type Side } from './call-media.js';

export interface OpenCallMediaOptions {
  readonly engine: Pick<MediaEngine, 'createEndpoint'>;
  readonly group: string;
  readonly address: string;
  readonly callerKind?: EndpointKind;
  /** 'webrtc' when every contact of the callee is a browser (SIP over WebSocket, RFC 7118) */
  readonly calleeKind?: EndpointKind;
  /** in-band DTMF detection: auto = on legs that did not negotiate telephone-event */
  readonly inbandDtmf?: 'auto' | 'on' | 'off';
  /** the callee has browser contacts beside RTP ones: a WebRTC endpoint for those forks too */
  readonly browserFork?: boolean;
  /**
   * Where each party's SIP comes from (the caller's INVITE source, the callee's contacts' flows):
   * with the SDP's c= the only sources its endpoint latches RTP from (strict source, issue 18).
   */
  readonly sources?: Partial<Record<Side, readonly string[]>>;
  /**
   * The caller's endpoint of a call Hailing answered itself (Call.answer()): the bridge uses it
   * instead of opening one, and leaves it open when it closes (the Call closes it).
   */
  readonly anchor?: EndpointHandle;
}

/** Two endpoints on one worker, connected to each other. Rejects when no port pair is free. */
export async function openCallMedia(options: OpenCallMediaOptions): Promise<CallMedia> {
  const sides: { kind: EndpointKind; sources?: readonly string[] | undefined }[] = [
    ...(options.anchor ? [] : [{ kind: options.callerKind ?? 'rtp', sources: options.sources?.caller }]),
    { kind: options.calleeKind ?? 'rtp', sources: options.sources?.callee },
    ...(options.browserFork ? [{ kind: 'webrtc' as const }] : []),
  ];
  // all at once: each is a round trip to the worker, and the caller waits for its 180 behind them
  const settled = await Promise.allSettled(sides.map(({ kind, sources }) => options.engine.createEndpoint({ group: options.group, kind, ...(sources ? { sources } : {}) })));
  const opened: EndpointHandle[] = [];
  for (const s of settled) if (s.status === 'fulfilled') opened.push(s.value);
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed !== undefined) {
    await Promise.all(opened.map((e) => e.close()));
    throw failed.reason;
  }
  if (options.anchor) opened.unshift(options.anchor);
  const [caller, callee, browserFork] = opened as [EndpointHandle, EndpointHandle, EndpointHandle | undefined];
  caller.connect(callee);
  return new CallMedia({ endpoints: { caller, callee }, address: options.address, inband: options.inbandDtmf ?? 'auto', browserFork, anchored: options.anchor !== undefined });
}
