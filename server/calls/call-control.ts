// The B2BUA's entry in the SIP listener chain: new INVITEs are authenticated (407), routed to the
// dialled extension's contacts and become Calls; requests inside a call's dialogs go to that call.
import { getHeader, getMaxForwards, parseUri, tagOf } from '../sip/index.js';
import type { Flow, IncomingRequest, RequestHandler } from '../sip/index.js';
import { Call, CallState } from './call.js';
import { CallMedia, isWebRtcOffer } from './call-media.js';
import { contactFor } from './contact.js';
import { InboundLeg } from './inbound-leg.js';
import { handleInDialog } from './in-dialog.js';
import { authenticateInvite, userOf } from './invite-auth.js';
import { OutboundLeg } from './outbound-leg.js';
import { FAILURES } from './outcome.js';
import { CallObserver } from './observer.js';
import { Features } from './features.js';
import { DtmfForwarder } from './dtmf-forward.js';
import { CallRecordings } from './recordings.js';
import type { CallControlOptions, ExtensionProfile } from './types.js';

export interface CallControl {
  readonly handler: RequestHandler;
  readonly observer: CallObserver;
  /** card payments: pause/resume a call's recording; false when it is not being recorded */
  pauseRecording(callId: string, paused: boolean): boolean;
  /** calls in progress */
  active(): number;
  /** ends every call (BYE or a final response) and waits for their records */
  close(): Promise<void>;
}

const isBrowser = (t: { readonly flow: Flow }): boolean => t.flow.protocol === 'ws' || t.flow.protocol === 'wss';
const quoted = (name: string): string => `"${name.replace(/["\\\r\n]/g, '')}"`;

export function createCallControl(o: CallControlOptions): CallControl {
  const calls = new Map<string, Call>();
  const index = new Map<string, Call>();
  const observer = new CallObserver(o.logger);
  const logger = o.logger.child({ module: 'calls' });
  let closing = false;
  const legContext = (user: string, flow: Flow) => ({
    stack: o.stack,
    clock: o.clock,
    timers: o.timers,
    logger,
    contact: contactFor({ user, flow, listening: o.listening(), publicAddress: o.publicAddress }),
  });

  const features = new Features({
    engine: o.media,
    address: o.publicAddress,
    inbandDtmf: o.dtmfInband ?? 'auto',
    conferenceNumbers: o.conferenceNumbers ?? null,
    logger,
    activeCallOf: (extension) => {
      for (const c of calls.values()) {
        if (c.state === CallState.Answered && (c.caller.number === extension || c.callee === extension) && c.media instanceof CallMedia) return c;
      }
      return undefined;
    },
  });
  const recordings =
    o.recording === undefined
      ? null
      : new CallRecordings({ engine: o.media, dir: o.recording.dir, format: o.recording.format, channels: o.recording.channels ?? 'stereo', logger, started: o.recording.started, done: o.recording.done });
  observer.on('answered', (r) => {
    const call = calls.get(r.id);
    if (recordings !== null && call !== undefined) void recordings.start(call, o.clock.now());
  });
  observer.on('hangup', (r) => {
    features.ended(r.id);
    recordings?.ended(r);
  });
  observer.onDtmf((e) => features.dtmf(e.callId, e.leg, e.digit));

  // endpoints of calls answered here sit in a room's or the monitored call's group: ask features first
  const callOf = (e: { group: string; endpointId: string }) => features.callOf(e.endpointId) ?? calls.get(e.group);
  const onTimeout = (e: { group: string; endpointId: string }) => void callOf(e)?.hangup('system', 'media-timeout');
  const onLost = (e: { group: string; endpointId: string }) => {
    const call = callOf(e);
    if (call?.state === CallState.Answered) void call.hangup('system', 'media-failure');
    else call?.fail(FAILURES.noMedia);
  };
  const forwarder = new DtmfForwarder({ logger });
  const onDtmf = (e: { group: string; endpointId: string; digit: string; durationMs: number; method: 'rfc4733' | 'inband' }) => {
    const call = callOf(e);
    const media = call?.media;
    if (!call || !media) return;
    const side = media.endpointId('caller') === e.endpointId ? 'caller' : 'callee';
    call.dtmf(side, e.digit, e.durationMs, e.method);
    // a two-party call's digit to the other phone when the worker decodes it (the relay would have
    // carried it); a conference member's or supervisor's endpoint has no other phone of its own
    if (media instanceof CallMedia && call.state === CallState.Answered && features.callOf(e.endpointId) === undefined) {
      const to = side === 'caller' ? 'callee' : 'caller';
      void forwarder.digit({ callId: call.id, digit: e.digit, durationMs: e.durationMs, method: e.method, from: media.endpoint(side), to: media.endpoint(to) });
    }
  };
  o.media.on('timeout', onTimeout);
  o.media.on('endpoint-closed', onLost);
  o.media.on('dtmf', onDtmf);

  async function admit(request: IncomingRequest): Promise<void> {
    if (closing) return request.reply({ status: 503, headers: [{ name: 'Retry-After', value: '30' }] });
    const domain = o.domain.toLowerCase();
    const auth = await authenticateInvite({
      request,
      authenticator: o.authenticator,
      credentials: o.credentials,
      isOwnHost: (host) => host === domain || host === request.flow.local.address,
    });
    if (!auth.ok) {
      if (auth.failure) o.onAuthFailure?.({ source: request.source.address, reason: auth.failure, ...(auth.username === undefined ? {} : { username: auth.username }) });
      return request.reply(auth.reply);
    }
    o.onAuthSuccess?.({ source: request.source.address, username: auth.username });
    // RFC 3261 §16.3 step 3 (as a B2BUA we are the proxy's equivalent): 483 when no hops remain
    const maxForwards = getMaxForwards(request.message) ?? 70;
    if (maxForwards <= 0) return request.reply({ status: 483 });
    const uri = parseUri(request.message.uri);
    const dialled = (uri.ok ? userOf(uri.value) : undefined) ?? '';
    const caller: ExtensionProfile = (await o.directory.profile(auth.username)) ?? { number: auth.username, displayName: null, permissions: [] };
    const inbound = new InboundLeg(legContext(dialled || 'hailing', request.flow), request);
    const call = new Call({
      caller,
      callee: dialled,
      inbound,
      hooks: {
        clock: o.clock,
        logger,
        noAnswerTimeoutMs: o.noAnswerTimeoutMs ?? 30_000,
        emit: (event, record) => observer.emit(event, record),
        dtmf: (event) => observer.emitDtmf(event),
        index: { add: (key, c) => index.set(key, c), remove: (key) => index.delete(key) },
        closed: (c) => calls.delete(c.id),
      },
    });
    calls.set(call.id, call);
    request.onCancel?.(() => call.cancelledByCaller());
    await route(call, request, maxForwards);
  }

  async function route(call: Call, request: IncomingRequest, maxForwards: number): Promise<void> {
    const callee = await o.directory.profile(call.callee);
    if (call.state !== CallState.Routing) return;
    // an extension keeps its number even inside the conference range; the rest may be a feature
    const feature = callee ? null : features.match(call.callee);
    if (feature !== null) return features.handle(call, request, feature);
    if (!callee) return call.fail(FAILURES.notFound);
    // the permission model: calls between extensions need the 'internal' class
    if (!call.caller.permissions.includes('internal')) return call.fail(FAILURES.forbidden);
    const targets = o.locate(`sip:${callee.number}@${o.domain}`);
    if (targets.length === 0) return call.fail(FAILURES.unavailable);
    // Choice: an offerless INVITE is refused with 488 until late offer is needed (docs/decisions.md)
    if (request.message.body.length === 0) return call.fail(FAILURES.notAcceptable);
    let media: CallMedia;
    try {
      const webrtc = isWebRtcOffer(request.message.body);
      // RFC 7118: a callee reached only over WebSocket is a browser; its endpoint makes the offer.
      // One with browser and phone contacts gets both endpoints, and the answering fork picks one.
      const browsers = targets.filter(isBrowser).length;
      const browserCallee = browsers === targets.length;
      const browserFork = browsers > 0 && !browserCallee;
      media = await CallMedia.open({ engine: o.media, group: call.id, address: o.publicAddress, callerKind: webrtc ? 'webrtc' : 'rtp', calleeKind: browserCallee ? 'webrtc' : 'rtp', browserFork, inbandDtmf: o.dtmfInband ?? 'auto', sources: { caller: [request.source.address], callee: targets.map((t) => t.flow.remote.address) } });
      const prepared = media;
      const prepare = async () => {
        if (webrtc) await prepared.prepareWebRtc('caller', request.message.body);
        if (browserCallee || browserFork) await prepared.prepareWebRtcOffer('callee');
      };
      await prepare().catch(async (err: unknown) => {
        await prepared.close();
        throw err;
      });
    } catch (err) {
      logger.warn({ call: call.id, err: String(err) }, 'no media for the call');
      return call.fail(FAILURES.noMedia);
    }
    if (call.state !== CallState.Routing) {
      await media.close();
      return;
    }
    const offer = media.relay('caller', request.message.body, 'offer');
    if (!offer.ok) {
      await media.close();
      return call.fail(FAILURES.notAcceptable);
    }
    call.codec = offer.codec;
    const from = `${call.caller.displayName ? `${quoted(call.caller.displayName)} ` : ''}<sip:${call.caller.number}@${o.domain}>`;
    const forks = targets.map(
      (target) =>
        new OutboundLeg(legContext(call.caller.number, target.flow), {
          target,
          from,
          to: `<sip:${callee.number}@${o.domain}>`,
          maxForwards: maxForwards - 1,
          body: isBrowser(target) ? (media.browserForkOffer() ?? offer.body) : offer.body,
        }),
    );
    call.ring(media, forks);
  }

  const handler: RequestHandler = (request) => {
    const msg = request.message;
    const toTag = tagOf(getHeader(msg, 'To'));
    if (toTag === undefined) {
      if (msg.method !== 'INVITE') return false;
      admit(request).catch((err: unknown) => {
        logger.error({ err: err instanceof Error ? err.stack : String(err) }, 'call admission failed');
        request.reply({ status: 500 });
      });
      return true;
    }
    const key = `${getHeader(msg, 'Call-ID') ?? ''}\n${toTag}`;
    const call = index.get(key);
    if (!call) return false; // RFC 3261 §12.2.2: the core answers 481
    const side = call.inbound.dialogKey === key ? 'caller' : 'callee';
    const leg = call.legOf(side);
    const contact = contactFor({ user: side === 'caller' ? call.callee : call.caller.number, flow: request.flow, listening: o.listening(), publicAddress: o.publicAddress });
    if (leg) void handleInDialog({ call, side, request, contact, observer }).catch((err: unknown) => logger.error({ err: String(err) }, 'in-dialog request failed'));
    return true;
  };

  return {
    handler,
    observer,
    pauseRecording: (callId, paused) => recordings?.pause(callId, paused) ?? false,
    active: () => calls.size,
    async close() {
      closing = true;
      const ending = [...calls.values()].map((call) => {
        if (call.state === CallState.Answered) return call.hangup('system', 'shutdown');
        call.fail(FAILURES.shutdown);
        return Promise.resolve();
      });
      await Promise.allSettled(ending);
      o.media.off('timeout', onTimeout);
      o.media.off('endpoint-closed', onLost);
      o.media.off('dtmf', onDtmf);
    },
  };
}
