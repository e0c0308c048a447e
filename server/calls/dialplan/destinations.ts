// What a dial plan entry leads to. Each kind is a small record in a registry: its schema (the API
// validates entries with it), whether it applies to a dialled number, why an entry naming it is
// unusable, and which numbers it dials through the plan again (for loop checks). A new kind (queue,
// IVR flow, voicemail, outbound route) is one more record here and one more handler factory in
// handlers/; the resolver never names a kind.
import { z } from 'zod';

const Digits = z.string().regex(/^[0-9]{2,15}$/, 'a number is 2 to 15 digits');

export const ExtensionDestination = z.strictObject({
  kind: z.literal('extension'),
  /** absent: the dialled number itself (the default plan's "an extension rings") */
  number: Digits.optional(),
  /** seconds to ring before the next step; absent: the server's no-answer timeout */
  timeoutS: z.number().int().min(1).max(600).optional(),
});
export const RingGroupDestination = z.strictObject({
  kind: z.literal('ring-group'),
  members: z.array(Digits).min(1).max(32),
  /** simultaneous: every member's phones at once; sequential: one member after the other */
  strategy: z.enum(['simultaneous', 'sequential']),
  /** seconds each member rings (sequential) or the group rings (simultaneous) */
  memberTimeoutS: z.number().int().min(1).max(600).default(20),
});
export const ConferenceDestination = z.strictObject({
  kind: z.literal('conference'),
  /** absent: the dialled number, when it lies in the configured conference range */
  room: Digits.optional(),
});
export const FeatureDestination = z.strictObject({
  kind: z.literal('feature'),
  /** the supervisor codes; the pattern's wildcard part is the extension to monitor */
  feature: z.enum(['monitor-listen', 'monitor-whisper', 'monitor-barge']),
});
/** Hailing answers the caller itself; later steps play to it and bridge it to a callee. */
export const AnswerDestination = z.strictObject({ kind: z.literal('answer') });
/**
 * A prompt file from the prompts folder (<dataDir>/prompts), played to the caller (answered first
 * when it is not yet). The name is a plain file name: letters, digits, '-' and '_', then '.wav';
 * no '/' and no other '.', so it cannot leave the folder.
 */
export const PROMPT_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}\.wav$/;
export const PlayDestination = z.strictObject({ kind: z.literal('play'), prompt: z.string().regex(PROMPT_NAME, 'a prompt is a file name in the prompts folder: letters, digits, - and _, ending .wav') });
/**
 * Speak `text` to the caller (answered first when it is not yet) with on-device TTS (server/speech):
 * a prompt without a recorded file. `voice`: a TTS voice name (GET /api/v1/speech/voices); absent: 'en'.
 */
export const SayDestination = z.strictObject({
  kind: z.literal('say'),
  text: z.string().trim().min(1).max(500),
  voice: z.string().regex(/^[a-z][a-z0-9_-]{0,39}$/, 'a voice name: lower-case letters, digits, - and _').optional(),
});
/**
 * Call pickup. directed (**<ext>): a call ringing at `extension`, else the pattern's wildcard
 * part; group (*8): a call ringing at any extension in the caller's pickup group.
 */
export const PickupDestination = z.strictObject({ kind: z.literal('pickup'), scope: z.enum(['directed', 'group']).default('directed'), extension: Digits.optional() });
/**
 * An ACD queue (server/acd): the caller is answered, waits with music or ringback and is offered
 * to the queue's agents; `priority` and `requirements` come from the plan (an IVR or CRM later).
 */
export const QueueDestination = z.strictObject({
  kind: z.literal('queue'),
  queue: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, 'a queue id'),
  priority: z.number().int().min(0).max(100).optional(),
  requirements: z.array(z.strictObject({ skill: z.string().min(1).max(32), minLevel: z.number().int().min(1).max(100) })).max(16).optional(),
  /** data the answering agent receives with the call (an IVR flow's variables, path and attempts) */
  attached: z.record(z.string(), z.unknown()).optional(),
});
/** An ACD agent logs in (*50) or out (*51) from a desk phone, keying the PIN then #. */
export const AgentLoginDestination = z.strictObject({ kind: z.literal('agent-login'), action: z.enum(['login', 'logout']) });
/** Dial another number through the plan (Asterisk's Goto): the one kind that can loop. */
export const NumberDestination = z.strictObject({ kind: z.literal('number'), number: z.string().regex(/^[0-9*#+]{1,32}$/) });

/**
 * Voicemail (server/voicemail): deposit a message in `mailbox` (absent: the dialled number's);
 * retrieve the caller's own box (*97) or any box after its number (*98), each with the PIN.
 */
export const VoicemailDestination = z.strictObject({ kind: z.literal('voicemail'), action: z.enum(['deposit', 'retrieve', 'retrieve-any']).default('deposit'), mailbox: Digits.optional() });
/** An IVR flow (server/ivr): its current version when the call arrives, kept for the whole call. */
export const FlowDestination = z.strictObject({ kind: z.literal('flow'), flow: z.number().int().min(1).meta({ description: 'the flow id (/api/v1/ivr/flows)' }) });

/** An outbound route (server/trunks): its patterns rewrite the number, its trunks are tried in order. */
export const RouteDestination = z.strictObject({ kind: z.literal('route'), route: z.number().int().min(1) });

const STEP_KINDS = [ExtensionDestination, RingGroupDestination, ConferenceDestination, FeatureDestination, NumberDestination, AnswerDestination, PlayDestination, PickupDestination, QueueDestination, AgentLoginDestination, RouteDestination, SayDestination, VoicemailDestination, FlowDestination] as const;
/** what a branch may hold: every kind but a branch (a calendar carries its own holidays, so none nests) */
export const BranchStep = z.discriminatedUnion('kind', [...STEP_KINDS]);
/**
 * Branch on a business calendar (server/calendars) when the call is resolved: open → `open`'s
 * steps, closed → `closed`'s, run as if the entry had listed them. An unknown calendar counts as
 * closed, so a deleted calendar sends callers to the closed branch (an announcement), not to a desk.
 */
export const CalendarDestination = z.strictObject({
  kind: z.literal('calendar'),
  calendar: z.number().int().min(1).meta({ description: 'the calendar id (/api/v1/calendars)' }),
  open: z.array(BranchStep).min(1).max(8),
  closed: z.array(BranchStep).min(1).max(8),
});

export const Destination = z.discriminatedUnion('kind', [...STEP_KINDS, CalendarDestination]);
export type Destination = z.infer<typeof Destination>;
export type DestinationKindName = Destination['kind'];

/** a calendar's answer at the moment of resolution, as the dial plan records it */
export interface CalendarState {
  readonly open: boolean;
  /** one line: why (the calendar's decision detail) */
  readonly detail: string;
  /** the whole decision, stored in the trace (the call record) */
  readonly decision: Readonly<Record<string, unknown>>;
}

export interface DestinationEnv {
  readonly isExtension: (number: string) => Promise<boolean>;
  readonly conferenceNumbers: { readonly min: number; readonly max: number } | null;
  /** whether calendar `id` is open now (null: no such calendar); absent: every branch is taken (validation's loop check) */
  readonly calendar?: (id: number) => Promise<CalendarState | null>;
  /** whether calendar `id` exists; absent: calendars are not checked */
  readonly calendarExists?: (id: number) => Promise<boolean>;
  /** the ACD's queues; absent: no queue is known */
  readonly isQueue?: (id: string) => boolean;
  /** whether IVR flow `id` exists (absent: no flows, so every 'flow' step is refused) */
  readonly flowExists?: (id: number) => Promise<boolean>;
  /** whether an outbound route exists (absent: no routes, so every 'route' step is refused) */
  readonly routeExists?: (id: number) => Promise<boolean>;
  /** a dialled number's permission class under the site's number profile (server/numbers), for entries whose permission is 'dialled' */
  readonly classify?: (number: string) => { readonly ok: true; readonly class: string } | { readonly ok: false; readonly reason: string };
}

/** a branch taken when the call is resolved: the steps that replace the branching step, and why */
export interface BranchChoice {
  readonly steps: readonly Destination[];
  readonly reason: string;
  readonly decision?: Readonly<Record<string, unknown>>;
}

export interface DestinationKind<D extends Destination = Destination> {
  /** false: this entry does not take the number, the next entry is tried */
  applies(d: D, dialled: string, env: DestinationEnv): Promise<boolean>;
  /** why an entry naming this destination is refused (unknown extension, ...), or null */
  problem(d: D, env: DestinationEnv): Promise<string | null>;
  /** numbers that are dialled through the plan again (every branch's, for loop checks) */
  redials(d: D): readonly string[];
  /** a branching step: picks the steps that take its place when the call is resolved */
  choose?(d: D, env: DestinationEnv): Promise<BranchChoice>;
}

const always = async (): Promise<boolean> => true;
const none = async (): Promise<string | null> => null;
const unknownExtensions = async (numbers: readonly string[], env: DestinationEnv): Promise<string | null> => {
  for (const n of numbers) if (!(await env.isExtension(n))) return `unknown extension ${n}`;
  return null;
};

type Kinds = { [K in DestinationKindName]: DestinationKind<Extract<Destination, { kind: K }>> };

export const DESTINATION_KINDS: Kinds = {
  extension: {
    applies: async (d, dialled, env) => d.number !== undefined || env.isExtension(dialled),
    problem: (d, env) => unknownExtensions(d.number === undefined ? [] : [d.number], env),
    redials: () => [],
  },
  'ring-group': {
    applies: always,
    problem: (d, env) => (new Set(d.members).size !== d.members.length ? Promise.resolve('ring group members repeat') : unknownExtensions(d.members, env)),
    redials: () => [],
  },
  conference: {
    applies: async (d, dialled, env) => {
      if (d.room !== undefined) return true;
      const range = env.conferenceNumbers;
      return range !== null && /^[0-9]+$/.test(dialled) && Number(dialled) >= range.min && Number(dialled) <= range.max;
    },
    problem: none,
    redials: () => [],
  },
  feature: { applies: always, problem: none, redials: () => [] },
  number: { applies: always, problem: none, redials: (d) => [d.number] },
  answer: { applies: always, problem: none, redials: () => [] },
  play: { applies: always, problem: none, redials: () => [] },
  say: { applies: always, problem: none, redials: () => [] },
  pickup: { applies: always, problem: (d, env) => unknownExtensions(d.extension === undefined ? [] : [d.extension], env), redials: () => [] },
  calendar: {
    applies: always,
    async problem(d, env) {
      if (env.calendarExists !== undefined && !(await env.calendarExists(d.calendar))) return `unknown calendar ${d.calendar}`;
      for (const step of [...d.open, ...d.closed]) {
        const p = await kindOf(step).problem(step, env);
        if (p !== null) return p;
      }
      return null;
    },
    redials: (d) => [...d.open, ...d.closed].flatMap((step) => kindOf(step).redials(step)),
    async choose(d, env) {
      if (env.calendar === undefined) return { steps: [...d.open, ...d.closed], reason: `calendar ${d.calendar}: every branch (checking)` };
      const state = await env.calendar(d.calendar);
      if (state === null) return { steps: d.closed, reason: `calendar ${d.calendar}: closed, no such calendar`, decision: { calendar: d.calendar, open: false, reason: 'unknown-calendar' } };
      const branch = state.open ? 'open' : 'closed';
      return { steps: state.open ? d.open : d.closed, reason: `calendar ${d.calendar}: ${branch}, ${state.detail}`, decision: { calendar: d.calendar, ...state.decision, open: state.open } };
    },
  },
  queue: { applies: always, problem: async (d, env) => (env.isQueue?.(d.queue) ? null : `unknown queue ${d.queue}`), redials: () => [] },
  'agent-login': { applies: always, problem: none, redials: () => [] },
  route: { applies: always, problem: async (d, env) => ((await env.routeExists?.(d.route)) ? null : `unknown route ${d.route}`), redials: () => [] },
  voicemail: { applies: always, problem: async (d, env) => (d.mailbox === undefined ? null : unknownExtensions([d.mailbox], env)), redials: () => [] },
  flow: { applies: always, problem: async (d, env) => ((await env.flowExists?.(d.flow)) ? null : `unknown flow ${d.flow}`), redials: () => [] },
};

export const kindOf = <D extends Destination>(d: D): DestinationKind<D> => DESTINATION_KINDS[d.kind] as unknown as DestinationKind<D>;
