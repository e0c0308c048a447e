// What call control needs from the rest of the server (ports, adapted by server/app) and what it
// tells observers (CONVENTIONS.md §4: records, events and metrics subscribe, never steer).
import type { Clock, DigestAuthenticator, Flow, ListeningPoint, Logger, SipStack, TimerValues } from '../sip/index.js';
import type { MediaEngine, SealOptions } from '../../media/index.js';
import type { DialPlanEntry } from './dialplan/resolver.js';
import type { CallHandling } from './handlers/dial.js';
import type { PickupGroups } from './handlers/pickup.js';

/** FreeSWITCH toll_allow-style classes of destination an extension may call. */
export type CallPermission = 'internal' | 'local' | 'national' | 'international' | 'emergency';

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
  readonly flow: Flow;
  readonly userAgent?: string;
}

type Credentials = { readonly username: string; readonly realm: string; readonly ha1Md5: string; readonly ha1Sha256: string };

/** Structurally the registrar's CredentialLookup (see its findCached and recheck). */
export interface DigestCredentialSource {
  find(username: string): Promise<Credentials | undefined>;
  findCached?(username: string): Credentials | null | undefined;
  recheck?(username: string): Promise<unknown>;
}

export type CallDisposition = 'ANSWERED' | 'NO ANSWER' | 'BUSY' | 'FAILED' | 'CANCELLED' | 'INTERRUPTED';
export type HangupSide = 'caller' | 'callee' | 'system';

export interface CallLegRecord {
  readonly id: string;
  readonly role: 'caller' | 'callee';
  readonly sipCallId: string;
  readonly uri: string;
  readonly transport: string | null;
  readonly sourceAddress: string | null;
  readonly userAgent: string | null;
  readonly startedAt: number;
  readonly answeredAt: number | null;
  readonly endedAt: number | null;
  readonly sipStatus: number | null;
  readonly codec: string | null;
  readonly packetsReceived: number;
  readonly packetsSent: number;
  readonly bytesReceived: number;
  readonly bytesSent: number;
  readonly packetsLost: number | null;
  readonly fractionLost: number | null;
  readonly jitterMs: number | null;
  /** round trip to this leg's phone from RTCP LSR/DLSR (RFC 3550 §6.4.1), smoothed; null when it answered no report */
  readonly rttMs: number | null;
  /** ITU-T G.107 E-model MOS (1..4.5) from this leg's loss, jitter and round trip; null when its phone sent no RTP that reached us */
  readonly mos: number | null;
  /** packets discarded: from a source signalling did not name or not the latched one (strict source: foreign), failing SRTP, or not RTP/RTCP at all */
  readonly packetsDropped: number;
  /** SRTP packets that failed authentication or replay checks (0 on plain RTP) */
  readonly srtpFailures: number;
}

/** A pause in a recording (card payments): `atMs` into the file, `durationMs` of silence written meanwhile. */
export interface RecordingPause {
  readonly atMs: number;
  readonly durationMs: number;
}

export type RecordingFormat = 'wav' | 'ogg';

/** One call as its record shows it: in progress (endedAt null) or finished. */
export interface CallRecord {
  readonly id: string;
  readonly caller: string;
  readonly callerName: string | null;
  readonly callee: string;
  readonly startedAt: number;
  readonly answeredAt: number | null;
  readonly endedAt: number | null;
  readonly durationS: number | null;
  readonly billableS: number | null;
  readonly disposition: CallDisposition | null;
  readonly hangupCause: string | null;
  readonly sipStatus: number | null;
  readonly hangupBy: HangupSide | null;
  readonly codec: string | null;
  /** the recording file, relative to <dataDir>/recordings ('YYYY/MM/DD/<id>.wav'; older records: absolute); null when none was made */
  readonly recordingPath: string | null;
  readonly recordingFormat: RecordingFormat | null;
  readonly recordingDurationMs: number | null;
  readonly recordingPauses: readonly RecordingPause[];
  readonly legs: readonly CallLegRecord[];
  /** how the dial plan resolved the dialled number and which handlers ran (absent in older records) */
  readonly routing?: CallRouting;
}

/** The dial plan's resolution trace (dialplan/resolver.ts TraceLine) and the handlers a call ran, in order. */
export interface CallRouting {
  readonly trace: readonly unknown[];
  readonly handlers: readonly string[];
}

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

export interface CallControlOptions {
  /** in-band DTMF detection: auto = on legs without telephone-event */
  readonly dtmfInband?: 'auto' | 'on' | 'off';
  /**
   * record answered two-party calls into `dir`; `started` receives the call's record in progress once
   * it names the file, `done` the final record completed with the file's figures (paths relative to `dir`)
   */
  /** extensions' call pickup groups (*8); absent: nobody is in one */
  readonly pickupGroups?: PickupGroups;
  /** where dial plan 'play' steps read their prompt files (<dataDir>/prompts) */
  readonly promptsDir?: string;
  readonly recording?: {
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
  /** an extension's DND and call forwarding; absent: none */
  readonly callHandling?: (number: string) => Promise<CallHandling | undefined>;
  /** numbers that are conference rooms (inclusive); absent: none */
  readonly conferenceNumbers?: { readonly min: number; readonly max: number } | null;
  /** our SIP domain: AORs are sip:<number>@domain */
  readonly domain: string;
  /** the address put in SDP and Contact when a listening point is bound to a wildcard */
  readonly publicAddress: string;
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
  /** a failed INVITE authentication that may be a password guess (server/app feeds the BanList) */
  readonly onAuthFailure?: (attempt: { readonly source: string; readonly username?: string; readonly reason: string }) => void;
  readonly onAuthSuccess?: (attempt: { readonly source: string; readonly username: string }) => void;
}
