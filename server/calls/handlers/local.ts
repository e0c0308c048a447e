// What the handlers that answer a call here share: an endpoint facing the caller and our SDP
// answer to the caller's offer (or the step's failure: 488 for an offer we cannot answer, 503
// without media ports).
import type { MediaEngine } from '../../../media/index.js';
import { CallState, type Call } from '../call.js';
import { LocalMedia } from '../local-media.js';
import { FAILURES } from '../outcome.js';
import { callerSdp } from '../late-offer.js';
import type { HandlerContext, HandlerOutcome } from './handler.js';

export interface LocalServices {
  readonly engine: Pick<MediaEngine, 'createEndpoint' | 'createRoom'>;
  readonly address: string;
  readonly inbandDtmf: 'auto' | 'on' | 'off';
}

export async function answerable(o: { call: Call; ctx: Pick<HandlerContext, 'request'>; services: LocalServices; group: string }): Promise<{ media: LocalMedia } | HandlerOutcome> {
  // an offerless INVITE (late offer): the answer to a placeholder is the offer our 2xx makes (late-offer.ts)
  const offer = callerSdp({ call: o.call, source: o.ctx.request.source.address });
  let media: LocalMedia;
  try {
    media = await LocalMedia.open({ engine: o.services.engine, group: o.group, address: o.services.address, offer, inbandDtmf: o.services.inbandDtmf, sources: [o.ctx.request.source.address] });
  } catch {
    return { kind: 'failed', failure: FAILURES.noMedia, by: 'system' };
  }
  const answer = await media.answer(offer).catch(() => ({ ok: false as const, error: 'no-audio' as const }));
  if (!answer.ok || o.call.state !== CallState.Routing) {
    await media.close();
    return answer.ok ? { kind: 'killed', reason: 'call-ended' } : { kind: 'failed', failure: FAILURES.notAcceptable, by: 'system' };
  }
  return { media };
}
