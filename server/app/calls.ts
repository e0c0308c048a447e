// Builds the call side: the media engine (relay workers), the B2BUA, and the observers that turn
// its events into call records (batching writer), metrics and the events WebSocket feed.
import { isIP } from 'node:net';
import { availableParallelism } from 'node:os';
import type { Config } from '../config/index.js';
import { resolve, sep } from 'node:path';
import { createMediaEngine } from '../../media/index.js';
import { createCallControl, createDialPlanService, type CallChange, type CallControlOptions, type CallRecord } from '../calls/index.js';
import { RecordingKeypad } from '../calls/recording-keypad.js';
import { measureRecordingMs, type RecordingVault } from '../recording/index.js';
import type { CallEventJson } from '../api/index.js';
import type { CalendarRepository, CallHandlingRepository, CallRecordRepository, DialPlanRepository, ExtensionRepository, HeartbeatRepository } from '../store/index.js';
import type { Clock, DigestAuthenticator, ListeningPoint, Logger, SipStack } from '../sip/index.js';
import type { InboundTrunkCalls, OutboundDialer } from '../calls/index.js';
import { DEFAULT_TIMER_VALUES } from '../sip/index.js';
import type { AuthAttempt } from '../registrar/ports.js';
import type { Registrar } from '../registrar/index.js';
import type { Metrics } from './metrics.js';
import { startHeartbeat, type Heartbeat } from './heartbeat.js';
import { createCalendarLookup } from '../calendars/index.js';
import { classify } from '../numbers/index.js';
import { MohLibrary } from '../moh/library.js';
import type { AcdHandlers, IvrHandlers, RoomPolicies, VoicemailPort } from '../calls/handlers/index.js';
import type { TtsPrompts } from '../speech/index.js';

export interface CallSideOptions {
  readonly config: Config;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly metrics: Metrics;
  readonly stack: SipStack;
  readonly listening: () => readonly ListeningPoint[];
  readonly authenticator: DigestAuthenticator;
  readonly registrar: Registrar;
  readonly extensions: ExtensionRepository;
  /** INVITE digest credentials; default the extensions' own (server/app adds provisioned phones' passwords) */
  readonly credentials?: Parameters<typeof createCallControl>[0]['credentials'];
  readonly dialPlan: DialPlanRepository;
  readonly calendars: CalendarRepository;
  /** TTS for dial plan 'say' steps */
  readonly tts: TtsPrompts;
  readonly callHandling: CallHandlingRepository;
  readonly records: CallRecordRepository;
  /** when the process was last alive: where calls a crash cut off end */
  readonly heartbeats: HeartbeatRepository;
  readonly onAuthFailure: (attempt: AuthAttempt) => void;
  readonly onAuthSuccess: (attempt: AuthAttempt) => void;
  /** encryption at rest of recordings (docs/data-at-rest.md) */
  readonly vault: RecordingVault;
  /** mailboxes: 'voicemail' steps and missed calls to extensions (server/voicemail) */
  readonly voicemail?: VoicemailPort;
  /** conference room settings: PINs and wait-for-moderator (server/calls/conference-settings.ts) */
  readonly conferencePolicies?: RoomPolicies;
  /** the ACD's handlers ('queue' and 'agent-login' steps) */
  readonly acd?: AcdHandlers;
  /** IVR flows: 'flow' steps (server/app/ivr.ts) */
  readonly ivr?: { readonly handlers: IvrHandlers; readonly flowExists: (id: number) => Promise<boolean>; readonly inSensitiveStep?: (callId: string) => boolean };
  /** carrier trunks: 'route' steps and calls from carriers (server/app/trunks.ts) */
  readonly trunks?: { readonly outbound: OutboundDialer; readonly inbound: InboundTrunkCalls; readonly routeExists: (id: number) => Promise<boolean> };
  /** a call's recording is complete and its record written with it (post-call transcription queues here) */
  readonly onRecordingDone?: (record: CallRecord) => void;
  /** an answered conversation (live transcription taps its parties) */
  readonly onConversation?: CallControlOptions['onConversation'];
  /** an extension paused or resumed a call's recording with the keypad code (the audit log hears of it) */
  readonly onRecordingKeypad?: (e: { readonly callId: string; readonly by: string; readonly paused: boolean }) => void;
}

type EventType = CallEventJson['type'];

function eventJson(type: EventType, r: CallRecord, at: number): CallEventJson {
  return {
    type,
    callId: r.id,
    at: new Date(at).toISOString(),
    caller: r.caller,
    callee: r.callee,
    ...(r.disposition ? { disposition: r.disposition } : {}),
    ...(r.hangupCause ? { hangupCause: r.hangupCause } : {}),
  };
}

/** where call recordings go; the download route serves only files inside it */
/** hold, resume, unbridge and transfer on the events stream (a re-offer's new direction or a bridge coming up are not) */
function changeJson(e: CallChange, at: string): CallEventJson | undefined {
  const base = { callId: e.callId, at, caller: e.caller, callee: e.callee };
  const c = e.change;
  switch (c.kind) {
    case 'held':
    case 'resumed':
      return { ...base, type: c.kind === 'held' ? 'hold' : 'resume', by: 'hailing' };
    case 'party-held':
    case 'party-resumed':
      return { ...base, type: c.kind === 'party-held' ? 'hold' : 'resume', by: c.side };
    case 'unbridged':
      return { ...base, type: 'unbridged', reason: c.reason };
    case 'transfer':
      return { ...base, type: 'transfer', by: c.by, target: c.target, result: c.result, ...(c.status !== undefined ? { status: c.status } : {}) };
    default:
      return undefined;
  }
}

/** music-on-hold classes, one folder each */
export const mohDirOf = (config: Pick<Config, 'dataDir'>): string => resolve(config.dataDir, 'moh');

export const recordingsDirOf = (config: Pick<Config, 'dataDir'>): string => resolve(config.dataDir, 'recordings');

const rangeOf = (text: string): { min: number; max: number } | null => {
  const [min, max] = text.split('-').map(Number);
  return min === undefined || max === undefined || !(min <= max) ? null : { min, max };
};

export function createCallSide(o: CallSideOptions) {
  const { config, logger, clock, metrics } = o;
  const media = createMediaEngine({
    bindAddress: config.bindAddress,
    portMin: config.rtpPortMin,
    portMax: config.rtpPortMax,
    workers: config.mediaWorkers || Math.max(1, availableParallelism()),
    latchWindowMs: config.rtpLatchWindowMs,
    mediaTimeoutMs: config.mediaTimeoutMs,
    // WebRTC ICE: the public address is one more host candidate when it differs from where we bind
    ...(config.publicAddress !== config.bindAddress && isIP(config.publicAddress) !== 0 ? { publicAddress: config.publicAddress } : {}),
    logger: logger.child({ module: 'media' }),
  });
  const moh = new MohLibrary({ dir: mohDirOf(config) });
  const calendars = createCalendarLookup({ get: (id) => o.calendars.get(id) });
  const numbers = { profile: config.numberProfile, ...(config.areaCode !== undefined ? { areaCode: config.areaCode } : {}) };
  const classifyDialled = (number: string) => classify({ ...numbers, number });
  const dialPlan = createDialPlanService({
    rows: () => o.dialPlan.list(),
    profile: (number) => o.extensions.profile(number),
    conferenceNumbers: rangeOf(config.conferenceNumbers),
    calendars,
    classify: classifyDialled,
    now: () => clock.now(),
    ...(o.acd ? { isQueue: o.acd.isQueue } : {}),
    ...(o.trunks ? { routeExists: o.trunks.routeExists } : {}),
    ...(o.ivr ? { flowExists: o.ivr.flowExists } : {}),
  });
  const control = createCallControl({
    domain: config.sipDomain,
    publicAddress: config.publicAddress,
    // a public address behind NAT may not route back to this host: loopback for a wildcard bind
    mediaLoopAddress: config.bindAddress === '0.0.0.0' ? '127.0.0.1' : config.bindAddress === '::' ? '::1' : config.bindAddress,
    stack: o.stack,
    listening: o.listening,
    authenticator: o.authenticator,
    credentials: o.credentials ?? o.extensions,
    directory: { profile: (number) => o.extensions.profile(number) },
    locate: (aor) => o.registrar.lookup(aor).map((b) => ({ contact: b.contact, flow: b.flow, ...(b.userAgent ? { userAgent: b.userAgent } : {}) })),
    media,
    clock,
    logger,
    timers: DEFAULT_TIMER_VALUES,
    noAnswerTimeoutMs: config.callNoAnswerTimeoutMs,
    ...(config.sipSessionExpiresS > 0 ? { sessionTimer: { interval: Math.max(config.sipSessionExpiresS, config.sipMinSeS), minSe: config.sipMinSeS } } : {}),
    dtmfInband: config.dtmfInband,
    conferenceNumbers: rangeOf(config.conferenceNumbers),
    dialPlan,
    calendars,
    classify: classifyDialled,
    callHandling: (number) => o.callHandling.get(number),
    promptsDir: resolve(config.dataDir, 'prompts'),
    musicOnHold: async () => {
      const file = await moh.playlist();
      return file === undefined ? undefined : { file, loop: true };
    },
    ...(o.acd ? { acd: o.acd } : {}),
    ...(o.ivr ? { ivr: o.ivr.handlers } : {}),
    tts: o.tts,
    ...(o.conferencePolicies ? { conferencePolicies: o.conferencePolicies } : {}),
    ...(o.voicemail ? { voicemail: o.voicemail } : {}),
    ...(o.onConversation ? { onConversation: o.onConversation } : {}),
    pickupGroups: { groupOf: (n) => o.callHandling.pickupGroup(n), members: (g) => o.callHandling.pickupGroupMembers(g) },
    ...(config.recordCalls !== 'none'
      ? {
          recording: {
            automatic: config.recordCalls === 'all',
            dir: recordingsDirOf(config),
            format: config.recordingFormat,
            channels: config.recordingChannels,
            seal: () => o.vault.seal(),
            // the in-progress row names the file as soon as it exists (a crash leaves the pointer)
            started: (r: CallRecord) => void save(o.records.update(r), r.id),
            // the file's figures arrive after the hangup record: the same record again, completed
            done: (r: CallRecord) => void save(o.records.update(r), r.id).then(() => o.onRecordingDone?.(r)),
          },
        }
      : {}),
    onAuthFailure: o.onAuthFailure,
    onAuthSuccess: o.onAuthSuccess,
    ...(o.trunks ? { outbound: o.trunks.outbound, inbound: o.trunks.inbound } : {}),
  });

  // Records: the in-progress row first (so a crash leaves something to close as INTERRUPTED),
  // then the same record as it changes. The writer keeps their order; failures are logged.
  const save = (write: Promise<void>, id: string) =>
    write.catch((err: unknown) => logger.error({ call: id, err: String(err) }, 'call record not written'));
  const { observer } = control;
  const endpoints = () => metrics.mediaEndpoints.set(media.usage().endpoints);
  observer.on('ringing', endpoints);
  observer.on('newcall', (r) => {
    metrics.callsActive.inc();
    void save(o.records.begin(r), r.id);
  });
  observer.on('answered', (r) => void save(o.records.update(r), r.id));
  const keypad = new RecordingKeypad({
    code: config.recordingPauseCode,
    clock,
    isExtension: async (number) => (await o.extensions.get(number)) !== undefined,
    paused: (callId) => control.recordingPaused(callId),
    pause: (callId, paused) => control.pauseRecording(callId, paused),
    onToggle: (e) => {
      logger.info({ call: e.callId, by: e.by, paused: e.paused }, e.paused ? 'recording paused from the keypad' : 'recording resumed from the keypad');
      o.onRecordingKeypad?.(e);
    },
  });
  observer.onDtmf((e) => void keypad.digit(e).catch((err: unknown) => logger.error({ call: e.callId, err: String(err) }, 'recording keypad code failed')));
  // the end of a call whose BYE is being answered: the 200 waits for this write (in-dialog.ts). It
  // is stored with no disposition yet: a record with a disposition is final (media figures,
  // recording length), and those come with the 'hangup' write moments later. A crash in between
  // is completed at the next start (completeEnded()).
  observer.onEnded((r) => save(o.records.update({ ...r, disposition: null }), r.id));
  observer.on('hangup', (r) => {
    keypad.forget(r.id);
    endpoints();
    metrics.callsActive.dec();
    if (r.disposition) metrics.callsTotal.inc({ disposition: r.disposition });
    void save(o.records.update(r), r.id);
  });

  const callEvents = {
    subscribe(listener: (event: CallEventJson) => void): () => void {
      const offs = (['newcall', 'ringing', 'answered', 'hangup'] as const).map((type) =>
        observer.on(type, (r) => listener(eventJson(type, r, clock.now()))),
      );
      offs.push(
        observer.onDtmf((e) =>
          listener({
            type: 'dtmf',
            callId: e.callId,
            at: new Date(clock.now()).toISOString(),
            caller: e.caller,
            callee: e.callee,
            leg: e.leg,
            // PCI DSS: digits keyed while the recording is paused or in an IVR step marked sensitive
            // (a card number), or a conference room's PIN, are never passed on
            ...(control.recordingPaused(e.callId) || o.ivr?.inSensitiveStep?.(e.callId) === true || control.rooms.keyingPin(e.callId) ? { redacted: true } : { digit: e.digit }),
            durationMs: e.durationMs,
            method: e.method,
          }),
        ),
      );
      offs.push(
        observer.onChange((e) => {
          const json = changeJson(e, new Date(clock.now()).toISOString());
          if (json !== undefined) listener(json);
        }),
      );
      return () => offs.forEach((off) => off());
    },
  };

  /** the recordings of interrupted calls never reported a duration: the files say how long they are */
  const measureInterrupted = async (cut: Awaited<ReturnType<CallRecordRepository['openRecordings']>>) => {
    const dir = recordingsDirOf(config);
    for (const r of cut) {
      const format = r.recordingFormat ?? (r.recordingPath.endsWith('.ogg') ? 'ogg' : 'wav');
      // relative to the recordings folder (an absolute path from an older row stays as it is); like
      // the download route, nothing outside the folder is opened on a database's word
      const path = resolve(dir, r.recordingPath);
      if (!path.startsWith(dir + sep)) continue;
      const ms = await measureRecordingMs({ path, format, vault: o.vault });
      if (ms === null) {
        logger.warn({ call: r.id, path: r.recordingPath }, 'the recording of an interrupted call cannot be measured');
        continue;
      }
      await o.records.setRecordingDuration(r.id, ms).catch((err: unknown) => logger.error({ call: r.id, err: String(err) }, 'recording duration not written'));
    }
  };

  let heartbeat: Heartbeat | undefined;
  return {
    media,
    control,
    dialPlan,
    moh,
    callEvents,
    async start() {
      const cut = await o.records.openRecordings();
      // read before this process beats: the last beat of the one that went away
      const lastAliveAt = await o.heartbeats.lastAlive();
      const completed = await o.records.completeEnded();
      if (completed > 0) logger.warn({ completed }, 'calls that ended just before the last stop were completed without their media figures');
      const interrupted = await o.records.interruptOpen({ now: clock.now(), lastAliveAt });
      if (interrupted > 0) logger.warn({ interrupted, lastAliveAt }, 'calls in progress at the last stop were closed as INTERRUPTED');
      await measureInterrupted(cut);
      await moh.start();
      heartbeat = startHeartbeat({ clock, logger, intervalMs: config.heartbeatIntervalMs, beat: (at) => o.heartbeats.beat(at) });
      await media.start();
    },
    async stop() {
      await control.close();
      // every call's record is out; nothing is left for a beat to vouch for
      heartbeat?.stop();
    },
    async closeMedia() {
      // also when the drain deadline cut stop() short: no beat may go to a closing database
      heartbeat?.stop();
      metrics.mediaEndpoints.set(0);
      await media.close();
    },
  };
}
