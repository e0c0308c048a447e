// The B2BUA's entry in the SIP listener chain: new INVITEs are authenticated (407), resolved
// through the dial plan and become Calls running the handlers the plan names; requests inside a
// call's dialogs go to that call, and the media engine's events to the call owning the endpoint.
import { getHeader, getMaxForwards, parseUri, tagOf } from '../sip/index.js';
import type { IncomingRequest, RequestHandler } from '../sip/index.js';
import { Call, CallState } from './call.js';
import { contactFor } from './contact.js';
import { InboundLeg } from './inbound-leg.js';
import { handleInDialog } from './in-dialog.js';
import { authenticateInvite, userOf } from './invite-auth.js';
import { FAILURES } from './outcome.js';
import { CallObserver } from './observer.js';
import { DtmfForwarder } from './dtmf-forward.js';
import { CallRecordings } from './recordings.js';
import { dialNumbers, handlerFactory, runSteps } from './handlers/index.js';
import { resolveDialled } from './dialplan/resolver.js';
import type { DestinationEnv } from './dialplan/destinations.js';
import type { CallControlOptions, ExtensionProfile } from './types.js';

export interface CallControl {
  readonly handler: RequestHandler;
  readonly observer: CallObserver;
  /** card payments: pause/resume a call's recording; false when it is not being recorded */
  pauseRecording(callId: string, paused: boolean): boolean;
  /** the call's recording is paused (card payments): its DTMF digits must not be stored */
  recordingPaused(callId: string): boolean;
  /** calls in progress */
  active(): number;
  /** ends every call (BYE or a final response) and waits for their records */
  close(): Promise<void>;
}

export function createCallControl(o: CallControlOptions): CallControl {
  const calls = new Map<string, Call>();
  const index = new Map<string, Call>();
  /** endpoint id → the call whose media it is: the engine's events name their endpoint */
  const byEndpoint = new Map<string, Call>();
  const observer = new CallObserver(o.logger);
  const logger = o.logger.child({ module: 'calls' });
  let closing = false;
  const legContext = (user: string, flow: IncomingRequest['flow']) => ({
    stack: o.stack,
    clock: o.clock,
    timers: o.timers,
    logger,
    contact: contactFor({ user, flow, listening: o.listening(), publicAddress: o.publicAddress }),
  });
  const recordings =
    o.recording === undefined
      ? null
      : new CallRecordings({ engine: o.media, dir: o.recording.dir, format: o.recording.format, channels: o.recording.channels ?? 'stereo', ...(o.recording.seal ? { seal: o.recording.seal } : {}), logger, started: o.recording.started, done: o.recording.done });
  const noAnswerTimeoutMs = o.noAnswerTimeoutMs ?? 30_000;
  const factory = handlerFactory({
    engine: o.media,
    address: o.publicAddress,
    domain: o.domain,
    inbandDtmf: o.dtmfInband ?? 'auto',
    noAnswerTimeoutMs,
    locate: o.locate,
    legContext,
    answered: (call) => void recordings?.start(call, o.clock.now()),
    callHandling: o.callHandling ?? (async () => undefined),
    dial: dialNumbers,
    activeCallOf: (extension) => {
      for (const c of calls.values()) if (c.bridge !== undefined && (c.caller.number === extension || c.callee === extension)) return c;
      return undefined;
    },
    monitored: new Set(),
    promptsDir: o.promptsDir ?? 'prompts',
    ringingCalls: () => [...calls.values()].filter((c) => c.ringing.length > 0),
    pickupGroups: o.pickupGroups ?? { groupOf: async () => null, members: async () => [] },
  });
  const env: DestinationEnv = {
    isExtension: async (number) => (await o.directory.profile(number)) !== undefined,
    conferenceNumbers: o.conferenceNumbers ?? null,
  };

  const onPlayDone = (e: { endpointId: string; id: string; reason: 'finished' | 'stopped' | 'failed' }) => byEndpoint.get(e.endpointId)?.playDone(e.id, e.reason);
  const onTimeout = (e: { endpointId: string }) => void byEndpoint.get(e.endpointId)?.hangup('system', 'media-timeout');
  const onLost = (e: { endpointId: string }) => {
    const call = byEndpoint.get(e.endpointId);
    if (call?.answered) void call.hangup('system', 'media-failure');
    else call?.fail(FAILURES.noMedia);
  };
  const forwarder = new DtmfForwarder({ logger });
  const onDtmf = (e: { endpointId: string; digit: string; durationMs: number; method: 'rfc4733' | 'inband' }) => {
    const call = byEndpoint.get(e.endpointId);
    const media = call?.media;
    if (!call || !media) return;
    const side = media.endpointId('caller') === e.endpointId ? 'caller' : 'callee';
    call.dtmf(side, e.digit, e.durationMs, e.method);
    // a two-party call's digit to the other phone when the worker decodes it (the relay would have
    // carried it); a conference member's or supervisor's endpoint has no other phone of its own
    const bridge = call.bridge;
    if (bridge !== undefined) {
      const to = side === 'caller' ? 'callee' : 'caller';
      void forwarder.digit({ callId: call.id, digit: e.digit, durationMs: e.durationMs, method: e.method, from: bridge.endpoint(side), to: bridge.endpoint(to) });
    }
  };
  o.media.on('timeout', onTimeout);
  o.media.on('endpoint-closed', onLost);
  o.media.on('dtmf', onDtmf);
  o.media.on('play-done', onPlayDone);

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
        emit: (event, record) => observer.emit(event, record),
        dtmf: (event) => observer.emitDtmf(event),
        index: { add: (key, c) => index.set(key, c), remove: (key) => index.delete(key) },
        endpoints: { add: (id, c) => byEndpoint.set(id, c), remove: (id) => byEndpoint.delete(id) },
        closed: (c) => calls.delete(c.id),
      },
    });
    calls.set(call.id, call);
    request.onCancel?.(() => call.cancelledByCaller());
    const entries = (await o.dialPlan?.entries()) ?? [];
    const resolution = await resolveDialled({ callerPermissions: caller.permissions, dialled, entries, env });
    call.routed(resolution.trace);
    if (call.state !== CallState.Routing) return;
    if (resolution.failure !== null) return call.fail(resolution.failure);
    await runSteps({ call, steps: resolution.steps, factory, request, maxForwards, logger });
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
    recordingPaused: (callId) => recordings?.paused(callId) ?? false,
    active: () => calls.size,
    async close() {
      closing = true;
      const ending = [...calls.values()].map((call) => {
        if (call.answered) return call.hangup('system', 'shutdown');
        call.fail(FAILURES.shutdown);
        return Promise.resolve();
      });
      await Promise.allSettled(ending);
      o.media.off('timeout', onTimeout);
      o.media.off('endpoint-closed', onLost);
      o.media.off('dtmf', onDtmf);
      o.media.off('play-done', onPlayDone);
    },
  };
}
