// What call control needs from the rest of the server (ports, adapted by server/app) and what it
// tells observers (CONVENTIONS.md §4: records, events and metrics subscribe, never steer).
import type { AcdHandlers, IvrHandlers } from './handlers/index.js';
import type { SpeechPrompts } from './handlers/say.js';
import type { VoicemailPort } from './handlers/voicemail.js';
import type { RoomPolicies } from './handlers/conference-policy.js';
import type { Clock, DigestAuthenticator, Flow, ListeningPoint, Logger, SendTarget, SessionTimerPolicy, SipStack, TimerValues } from '../sip/index.js';
import type { MediaEngine, PlayItem, SealOptions } from '../../media/index.js';
import type { DialPlanEntry } from './dialplan/resolver.js';
import type { CalendarState, DestinationEnv } from './dialplan/destinations.js';
import type { CallHandling } from './handlers/dial.js';
import type { PickupGroups } from './handlers/pickup.js';
import type { CallRecordView as CallRecord } from '../store/index.js';
import type { OutboundDialer } from './handlers/route.js';
import type { Call } from './call.js';

/** FreeSWITCH toll_allow-style classes of destination an extension may call. */
export type CallPermission = 'internal' | 'local' | 'national' | 'mobile' | 'international' | 'emergency';

export interface ExtensionProfile {
  readonly number: string;
  readonly displayName: string | null;
  readonly permissions: readonly string[];
}

export interface ExtensionDirectory {
  profile(number: string): Promise<ExtensionProfile | undefined>;
}

/** A registered contact to ring: the registrar's Binding, reduced to what a call needs. */
export interface CallTarget {
  readonly contact: string;
  /** a registered phone's flow; a carrier's target (no flow yet: a new datagram or connection) */
  readonly flow: Flow | SendTarget;
  readonly userAgent?: string;
}

type Credentials = { readonly username: string; readonly realm: string; readonly ha1Md5: string; readonly ha1Sha256: string };

/** Structurally the registrar's CredentialLookup (see its findCached and recheck). */
export interface DigestCredentialSource {
  find(username: string): Promise<Credentials | undefined>;
  findCached?(username: string): Credentials | null | undefined;
  recheck?(username: string): Promise<unknown>;
}

// The call record is defined once, in the store (schema/call-records.ts: how to add a field is
// written there); call control builds it (record.ts), the store, the API and the CSV read it.
export type {
  CallDirection,
  CallDisposition,
  CallHangupSide as HangupSide,
  CallLegView as CallLegRecord,
  CallRecordView as CallRecord,
  CallRouting,
  RecordingFormat,
  RecordingPause,
} from '../store/index.js';
export interface CallEvents {
  newcall: (record: CallRecord) => void;
  ringing: (record: CallRecord) => void;
  answered: (record: CallRecord) => void;
  hangup: (record: CallRecord) => void;
}

/** A digit a party sent during a call: RFC 4733 events, in-band tones, or SIP INFO (RFC 6086). */
export interface DtmfEvent {
  readonly callId: string;
  readonly caller: string;
  readonly callee: string;
  readonly leg: 'caller' | 'callee';
  readonly digit: string;
  readonly durationMs: number;
  readonly method: 'rfc4733' | 'inband' | 'info';
}

/** What an INVITE from a carrier becomes: the DID's steps, or a refusal (unknown DID: 404). */
export type InboundDecision =
  | { readonly kind: 'not-a-trunk' }
  | { readonly kind: 'refuse'; readonly status: number; readonly cause: string }
  | { readonly kind: 'did'; readonly trunk: string; readonly caller: ExtensionProfile; readonly entry: DialPlanEntry };

export interface InboundTrunkCalls {
  /** `caller`: the From URI's user, read only for a trunk's INVITE (an extension's needs no From parse) */
  classify(request: { readonly source: { readonly address: string }; readonly dialled: string; readonly caller: () => string }): Promise<InboundDecision>;
}

export interface CallControlOptions {
  /** in-band DTMF detection: auto = on legs without telephone-event */
  readonly dtmfInband?: 'auto' | 'on' | 'off';
  /**
   * record answered two-party calls into `dir`; `started` receives the call's record in progress once
   * it names the file, `done` the final record completed with the file's figures (paths relative to `dir`)
   */
  /** places calls through carrier trunks for 'route' steps (server/trunks); absent: none */
  readonly outbound?: OutboundDialer;
  /** calls from carriers (trunk sources, DIDs) admitted without digest; absent: none */
  readonly inbound?: InboundTrunkCalls;
  /** extensions' call pickup groups (*8); absent: nobody is in one */
  readonly pickupGroups?: PickupGroups;
  /** where dial plan 'play' steps read their prompt files (<dataDir>/prompts) */
  readonly promptsDir?: string;
  /** the ACD's queue and agent log-in handlers; absent: 'queue' steps cannot run */
  readonly acd?: AcdHandlers;
  /** the IVR's flow handler ('flow' steps); absent: they cannot run */
  readonly ivr?: IvrHandlers;
  /** what a party put on hold by the other hears (server/moh's default class); absent: silence */
  readonly musicOnHold?: () => Promise<PlayItem | undefined>;
  /** on-device TTS for dial plan 'say' steps (server/speech); absent: they are skipped */
  readonly tts?: SpeechPrompts;
  /** conference room settings (PINs, wait for moderator: conference-settings.ts); absent: every room is open */
  readonly conferencePolicies?: RoomPolicies;
  /** mailboxes (server/voicemail): 'voicemail' steps and a missed extension's messages; absent: none */
  readonly voicemail?: VoicemailPort;
  /** an answered conversation (two-party, bridged or picked up), as recording sees it: live transcription taps its parties here */
  readonly onConversation?: (call: Call) => void;
  readonly recording?: {
    /** every answered conversation is recorded (HAILING_RECORD_CALLS=all); false: only those the API starts (on-demand). Default true */
    readonly automatic?: boolean;
    readonly dir: string;
    readonly format: 'wav' | 'ogg';
    /** default 'stereo' (caller left, callee right) */
    readonly channels?: 'stereo' | 'mixed';
    /** encryption at rest: a file key and its wrapping per recording (server/recording) */
    readonly seal?: () => SealOptions | undefined;
    readonly started: (record: CallRecord) => void;
    readonly done: (record: CallRecord) => void;
  };
  /** the dial plan's table (ordered); the built-in defaults follow it. Absent: the defaults alone */
  readonly dialPlan?: { entries(): Promise<readonly DialPlanEntry[]> };
  /** business calendars the dial plan branches on, evaluated at the clock's now; absent: none (a calendar step takes its closed branch) */
  readonly calendars?: { at(o: { id: number; instant: number }): Promise<CalendarState | null> };
  /** a dialled number's permission class (server/numbers under the configured profile); absent: entries asking for the dialled class refuse */
  readonly classify?: DestinationEnv['classify'];
  /** an extension's DND and call forwarding; absent: none */
  readonly callHandling?: (number: string) => Promise<CallHandling | undefined>;
  /** numbers that are conference rooms (inclusive); absent: none */
  readonly conferenceNumbers?: { readonly min: number; readonly max: number } | null;
  /** our SIP domain: AORs are sip:<number>@domain */
  readonly domain: string;
  /** the address put in SDP and Contact when a listening point is bound to a wildcard */
  readonly publicAddress: string;
  /** where this host reaches its own media sockets (the bind address, loopback for a wildcard): the hops of an attended transfer across media workers; default publicAddress */
  readonly mediaLoopAddress?: string;
  readonly stack: Pick<SipStack, 'request' | 'sendAck'>;
  readonly listening: () => readonly ListeningPoint[];
  readonly authenticator: DigestAuthenticator;
  readonly credentials: DigestCredentialSource;
  readonly directory: ExtensionDirectory;
  readonly locate: (aor: string) => readonly CallTarget[];
  readonly media: Pick<MediaEngine, 'createEndpoint' | 'createRoom' | 'startRecording' | 'on' | 'off'>;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly timers: TimerValues;
  /** ms a call may ring before 480 (default 30000) */
  readonly noAnswerTimeoutMs?: number;
  /** RFC 4028 session timers: the interval asked for or granted and the Min-SE, seconds (absent: off) */
  readonly sessionTimer?: SessionTimerPolicy;
  /** a failed INVITE authentication that may be a password guess (server/app feeds the BanList) */
  readonly onAuthFailure?: (attempt: { readonly source: string; readonly username?: string; readonly reason: string }) => void;
  readonly onAuthSuccess?: (attempt: { readonly source: string; readonly username: string }) => void;
}
