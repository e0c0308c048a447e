// The B2BUA's entry in the SIP listener chain: new INVITEs are authenticated (407), resolved
// through the dial plan and become Calls running the handlers the plan names; requests inside a
// call's dialogs go to that call (each call listens on its own media endpoints' events).
import { getHeader, getHeaderValues, getMaxForwards, negotiateRequest, parseNameAddr, parseUri, tagOf } from '../sip/index.js';
import type { IncomingRequest, RequestHandler, SendTarget } from '../sip/index.js';
import { Call, CallState } from './call.js';
import { contactFor } from './contact.js';
import { InboundLeg } from './inbound-leg.js';
import { handleInDialog } from './in-dialog.js';
import { authenticateInvite, userOf } from './invite-auth.js';
import { FAILURES, PRACK_TIMEOUT } from './outcome.js';
import { CallSessionTimers } from './session-timers.js';
import { CallObserver } from './observer.js';
import { DtmfForwarder } from './dtmf-forward.js';
import { CallRecordings } from './recordings.js';
import { CallTransfers } from './transfers.js';
import { LiveCalls } from './live-calls.js';
import { dialNumbers, handlerFactory, runForwardSteps, runSteps } from './handlers/index.js';
import { Rooms } from './handlers/conference.js';
import { pickUp } from './handlers/pickup.js';
import { resolveDialled } from './dialplan/resolver.js';
import type { DestinationEnv } from './dialplan/destinations.js';
import type { CallControlOptions, ExtensionProfile } from './types.js';
import { CallLines } from './lines.js';
import { replacesOf, type ReplacesId } from './replaces.js';
import { checkReplaces, replaceDialog } from './invite-replaces.js';
import type { Side } from './call-media.js';

export interface CallControl {
  readonly handler: RequestHandler;
  readonly observer: CallObserver;
  /** card payments: pause/resume a call's recording; false when it is not being recorded */
  pauseRecording(callId: string, paused: boolean): boolean;
  /** the call's recording is paused (card payments): its DTMF digits must not be stored */
  recordingPaused(callId: string): boolean;
  /** calls in progress */
  active(): number;
  /** what each live call means to the extensions on it (lamps, presence) */
  readonly lines: CallLines;
  /** list, hang up, hold, transfer and send DTMF from the API */
  readonly live: LiveCalls;
  /** the conference rooms open now, their members, muting (the API's live room view) */
  readonly rooms: Rooms;
  /** ends every call (BYE or a final response) and waits for their records */
  close(): Promise<void>;
}

/**
 * A carrier's calling number: RFC 3325 §9.1: a P-Asserted-Identity from a trusted peer (the request
 * is asked about only when its source is a configured trunk) names the caller even when From is
 * anonymous (Privacy: id); otherwise the From URI's user.
 */
export function callingUser(request: Pick<IncomingRequest, 'message'>): string {
  for (const value of [...getHeaderValues(request.message, 'P-Asserted-Identity'), getHeader(request.message, 'From') ?? '']) {
    const addr = parseNameAddr(value);
    const uri = addr.ok ? parseUri(addr.value.uri) : undefined;
    const user = uri?.ok ? userOf(uri.value) : undefined;
    if (user) return user;
  }
  return '';
}

/** the dial plan class of the built-in pickup entries (`**<ext>`, `*8`, resolver.ts) */
const PICKUP_CLASS = 'internal';

export function createCallControl(o: CallControlOptions): CallControl {
  const calls = new Map<string, Call>();
  const index = new Map<string, Call>();
  const observer = new CallObserver(o.logger);
  const logger = o.logger.child({ module: 'calls' });
  let closing = false;
  const lines = new CallLines({ calls: () => calls.values(), logger: o.logger });
  const legContext = (user: string, flow: IncomingRequest['flow'] | SendTarget) => ({
    stack: o.stack,
    clock: o.clock,
    timers: o.timers,
    logger,
    contact: contactFor({ user, flow, listening: o.listening(), publicAddress: o.publicAddress }),
    ...(o.sessionTimer ? { sessionTimer: o.sessionTimer } : {}),
  });
  /** each call's session timers (RFC 4028), when configured */
  const sessions = new WeakMap<Call, CallSessionTimers>();
  const recordings =
    o.recording === undefined
      ? null
      : new CallRecordings({ engine: o.media, dir: o.recording.dir, format: o.recording.format, channels: o.recording.channels ?? 'stereo', ...(o.recording.seal ? { seal: o.recording.seal } : {}), logger, started: o.recording.started, done: o.recording.done });
  const noAnswerTimeoutMs = o.noAnswerTimeoutMs ?? 30_000;
  const rooms = new Rooms({ engine: o.media, address: o.publicAddress, inbandDtmf: o.dtmfInband ?? 'auto' }, () => o.clock.now());
  // what answering a call here needs (pickup by **<ext>, *8 or an INVITE with Replaces among others)
  const pickupServices = {
    engine: o.media,
    address: o.publicAddress,
    inbandDtmf: o.dtmfInband ?? 'auto',
    answered: (call: Call) => {
      // on demand, only a recording the API started follows the call to its new party (a transfer)
      if (o.recording?.automatic !== false || recordings?.recording(call.id) === true) void recordings?.recordAll(call);
      o.onConversation?.(call);
    },
  } as const;
  const factory = handlerFactory({
    ...pickupServices,
    rooms,
    domain: o.domain,
    noAnswerTimeoutMs,
    locate: o.locate,
    legContext,
    callHandling: o.callHandling ?? (async () => undefined),
    // an extension's forward to a number outside runs the plan's steps for it as that extension
    forwardOut: async ({ call, ctx, from, to }) => {
      if (await env.isExtension(to)) return null;
      const permissions = (await o.directory.profile(from))?.permissions ?? [];
      const resolution = await resolveDialled({ callerPermissions: permissions, dialled: to, entries: (await o.dialPlan?.entries()) ?? [], env });
      call.routed(resolution.trace);
      if (resolution.failure !== null) return { kind: 'failed', failure: resolution.failure, by: 'system' };
      // only routes out: a plan entry leading back to an extension could forward to itself without end
      if (resolution.steps.some((st) => st.destination.kind !== 'route')) return { kind: 'failed', failure: FAILURES.notFound, by: 'system' };
      return runForwardSteps({ call, steps: resolution.steps, factory, ctx, onBehalfOf: { number: from, permissions } });
    },
    dial: dialNumbers,
    activeCallOf: (extension) => {
      for (const c of calls.values()) if (c.parties !== undefined && (c.caller.number === extension || c.callee === extension)) return c;
      // a queue call's callee is the queue's number: the ACD knows which agent answered it
      const queued = o.acd?.agentCallOf?.(extension);
      const c = queued === undefined ? undefined : calls.get(queued);
      return c?.parties !== undefined ? c : undefined;
    },
    monitored: new Set(),
    promptsDir: o.promptsDir ?? 'prompts',
    tts: o.tts ?? null,
    ...(o.musicOnHold ? { musicOnHold: o.musicOnHold } : {}),
    ...(o.conferencePolicies ? { conferencePolicies: o.conferencePolicies } : {}),
    ringingCalls: () => [...calls.values()].filter((c) => c.ringing.length > 0),
    pickupGroups: o.pickupGroups ?? { groupOf: async () => null, members: async () => [] },
    ...(o.acd ? { acd: o.acd } : {}),
    ...(o.ivr ? { ivr: o.ivr } : {}),
    ...(o.outbound ? { outbound: o.outbound } : {}),
    voicemail: o.voicemail ?? null,
  });
  const env: DestinationEnv = {
    isExtension: async (number) => (await o.directory.profile(number)) !== undefined,
    conferenceNumbers: o.conferenceNumbers ?? null,
    calendar: async (id) => (o.calendars === undefined ? null : o.calendars.at({ id, instant: o.clock.now() })),
    ...(o.classify !== undefined ? { classify: o.classify } : {}),
    ...(o.acd ? { isQueue: (id: string) => o.acd!.isQueue(id) } : {}),
  };

  const forwarder = new DtmfForwarder({ logger });
  /** each call's INVITE and Max-Forwards, for the steps a transfer runs on it */
  const invites = new Map<string, { readonly request: IncomingRequest; readonly maxForwards: number }>();
  /** RFC 3891 §3: the dialog a Replaces names; its to-tag is ours, but a phone that swapped them is still understood */
  const dialogOf = (r: ReplacesId): { call: Call; side: Side } | undefined => {
    for (const tag of [r.toTag, r.fromTag]) {
      const key = `${r.callId}\n${tag}`;
      const call = index.get(key);
      if (call !== undefined) return { call, side: call.inbound.dialogKey === key ? 'caller' : 'callee' };
    }
    return undefined;
  };
  const transfers = new CallTransfers({
    clock: o.clock,
    logger,
    dialogOf,
    unindex: (key) => index.delete(key),
    engine: o.media,
    mediaAddress: o.mediaLoopAddress ?? o.publicAddress,
    permissionsOf: async (number) => (await o.directory.profile(number))?.permissions,
    routes: {
      resolve: async ({ target, permissions }) => {
        const resolution = await resolveDialled({ callerPermissions: permissions, dialled: target, entries: (await o.dialPlan?.entries()) ?? [], env });
        return resolution.failure !== null ? { failure: resolution.failure } : { steps: resolution.steps };
      },
      run: async ({ call, steps }) => {
        const invite = invites.get(call.id);
        if (invite === undefined) return undefined;
        return runSteps({ call, steps, factory, request: invite.request, maxForwards: invite.maxForwards, logger });
      },
    },
  });

  async function admit(request: IncomingRequest): Promise<void> {
    if (closing) return request.reply({ status: 503, headers: [{ name: 'Retry-After', value: '30' }] });
    const uri = parseUri(request.message.uri);
    const dialled = (uri.ok ? userOf(uri.value) : undefined) ?? '';
    // a carrier's INVITE (a trunk's address) goes to its DID's steps without digest; an unknown DID is refused
    const fromTrunk = (await o.inbound?.classify({ source: request.source, dialled, caller: () => callingUser(request) })) ?? { kind: 'not-a-trunk' as const };
    if (fromTrunk.kind === 'refuse') return request.reply({ status: fromTrunk.status });
    let caller: ExtensionProfile;
    if (fromTrunk.kind === 'did') caller = fromTrunk.caller;
    else {
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
      caller = (await o.directory.profile(auth.username)) ?? { number: auth.username, displayName: null, permissions: [] };
    }
    // RFC 3261 §16.3 step 3 (as a B2BUA we are the proxy's equivalent): 483 when no hops remain
    const maxForwards = getMaxForwards(request.message) ?? 70;
    if (maxForwards <= 0) return request.reply({ status: 483 });
    // RFC 4028 §9: an interval below our Min-SE gets 422 before anything rings
    const session = o.sessionTimer ? negotiateRequest(request.message, o.sessionTimer) : ({ kind: 'none' } as const);
    if (session.kind === 'reject') return request.reply({ status: session.status, headers: session.headers });
    // RFC 3891 §3: an INVITE that replaces one of our dialogs is checked before anything rings
    const replaces = replacesOf(request.message);
    // a BLF pickup by Replaces needs what **<ext> needs: an extension with the 'internal' class
    const mayPickUp = fromTrunk.kind !== 'did' && caller.permissions.includes(PICKUP_CLASS);
    const replacing = replaces === undefined ? undefined : checkReplaces({ replaces, dialogOf, ended: (r) => transfers.departed(r), caller: caller.number, mayPickUp });
    if (replacing !== undefined && !replacing.ok) return request.reply({ status: replacing.status, reason: replacing.reason });
    const inbound = new InboundLeg(legContext(dialled || 'hailing', request.flow), request);
    if (session.kind === 'accept') inbound.sessionHeaders = session.headers;
    const call = new Call({
      caller,
      callee: dialled,
      inbound,
      ...(fromTrunk.kind === 'did' ? { direction: 'inbound' as const } : {}),
      hooks: {
        clock: o.clock,
        logger,
        emit: (event, record) => observer.emit(event, record),
        dtmf: (event) => observer.emitDtmf(event),
        index: { add: (key, c) => index.set(key, c), remove: (key) => index.delete(key) },
        forwardDtmf: (digit) => void forwarder.digit(digit),
        ...(recordings ? { recorder: recordings } : {}),
        ...(o.musicOnHold ? { musicOnHold: o.musicOnHold } : {}),
        closed: (c) => {
          calls.delete(c.id);
          invites.delete(c.id);
        },
      },
    });
    calls.set(call.id, call);
    lines.watch(call);
    // the caller's early dialog routes here too (PRACK, UPDATE before the answer)
    if (inbound.dialogKey) index.set(inbound.dialogKey, call);
    // RFC 3262 §3: no PRACK for a reliable provisional within 64*T1 → 5xx to the INVITE
    inbound.onPrackTimeout = () => call.fail(PRACK_TIMEOUT);
    if (o.sessionTimer) sessions.set(call, new CallSessionTimers({ call, clock: o.clock, logger, policy: o.sessionTimer, caller: session }));
    const about = { callId: call.id, caller: call.caller.number, callee: call.callee };
    call.on('media', (change) => observer.emitChange({ ...about, change }));
    call.on('transfer', (progress) => observer.emitChange({ ...about, change: { kind: 'transfer', ...progress } }));
    invites.set(call.id, { request, maxForwards });
    request.onCancel?.(() => call.cancelledByCaller());
    if (replacing?.ok && replacing.pickup) {
      // RFC 3891 §3 for a ringing call: its forks get CANCEL, its caller and this phone talk
      call.handlerStarted('pickup');
      const outcome = await pickUp({ call, target: replacing.target.call, request, services: pickupServices, logger, how: 'replaces' });
      if (outcome.kind === 'failed') call.fail(outcome.failure, outcome.by);
      return;
    }
    if (replacing?.ok) {
      const target = replacing.target;
      await replaceDialog({ call, request, target, engine: o.media, address: o.publicAddress, inbandDtmf: o.dtmfInband ?? 'auto', joined: transfers.joined, depart: (leg) => transfers.letGo(leg), logger });
      return;
    }
    const plan = (await o.dialPlan?.entries()) ?? [];
    const entries = fromTrunk.kind === 'did' ? [fromTrunk.entry, ...plan] : plan;
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
    if (!call) return transfers.inDeparted(key, request); // else RFC 3261 §12.2.2: the core answers 481
    const side = call.inbound.dialogKey === key ? 'caller' : 'callee';
    const leg = call.legOf(side);
    const contact = contactFor({ user: side === 'caller' ? call.callee : call.caller.number, flow: request.flow, listening: o.listening(), publicAddress: o.publicAddress });
    const joined = transfers.joined.joinedView(call, side);
    if (leg) void handleInDialog({ call, side, request, contact, observer, sessions: sessions.get(call), refer: (r) => transfers.refer(r), ...(joined ? { joined } : {}) }).catch((err: unknown) => logger.error({ err: String(err) }, 'in-dialog request failed'));
    return true;
  };

  return {
    handler,
    observer,
    pauseRecording: (callId, paused) => recordings?.pause(callId, paused) ?? false,
    recordingPaused: (callId) => recordings?.paused(callId) ?? false,
    active: () => calls.size,
    lines,
    rooms,
    live: new LiveCalls({ calls, transfers, recordings, musicOnHold: async () => (await o.musicOnHold?.()) ?? undefined }),
    async close() {
      closing = true;
      const ending = [...calls.values()].map((call) => {
        if (call.answered) return call.hangup('system', 'shutdown');
        call.fail(FAILURES.shutdown);
        return Promise.resolve();
      });
      await Promise.allSettled(ending);
    },
  };
}
