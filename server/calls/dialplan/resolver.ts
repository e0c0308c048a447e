// "What happens when X dials Y": the dial plan's entries in order (the table's first, then the
// built-in defaults that keep an empty plan behaving as Hailing always has), the first entry whose
// pattern matches and whose destination applies wins, and the caller's permission class is checked
// on it. A 'number' destination dials again through the plan, at most MAX_REDIALS deep, and a
// number seen twice on that path is a loop. The trace says why, step by step, for the API's
// resolve endpoint and for the call record.
import { FAILURES, type Failure } from '../outcome.js';
import { compilePattern, type DialPattern } from './pattern.js';
import { kindOf, type Destination, type DestinationEnv } from './destinations.js';

export interface DialPlanEntry {
  /** the table row's id; built-in entries are named instead */
  readonly id: number | string;
  readonly pattern: string;
  /** the class the caller needs (CallPermission, or 'monitor'); 'dialled': the dialled number's class (env.classify); null: anyone */
  readonly permission: string | null;
  /** run in order; a step that fails falls through to the next */
  readonly steps: readonly Destination[];
}

export interface ResolvedStep {
  readonly destination: Destination;
  /** what the pattern's wildcards matched after its literal prefix (the extension to monitor) */
  readonly argument: string;
  /** the number this step was resolved for */
  readonly dialled: string;
}

export interface TraceLine {
  readonly number: string;
  readonly entry: number | string | null;
  readonly pattern: string | null;
  /** 'forwarded' and 'forward-loop' are added by the extension handler as the call follows forwards */
  readonly result: 'matched' | 'not-applicable' | 'forbidden' | 'no-match' | 'loop' | 'too-many-redials' | 'forwarded' | 'forward-loop' | 'picked-up' | 'branch';
  readonly reason?: string;
  /** a branching step's decision ('branch': the calendar, open or closed, and why) */
  readonly decision?: Readonly<Record<string, unknown>>;
}

export interface Resolution {
  readonly steps: readonly ResolvedStep[];
  readonly trace: readonly TraceLine[];
  /** the call fails with this before any step runs; null when there are steps */
  readonly failure: Failure | null;
}

export const MAX_REDIALS = 8;

/** a loop check follows every redial whatever the caller may dial */
const EVERY_CLASS = ['internal', 'local', 'national', 'mobile', 'international', 'emergency', 'monitor'];

/** an entry whose permission is this needs the class of the number dialled, as the number profile reads it */
export const DIALLED_CLASS = 'dialled';

/** the class an entry asks of the caller for `number`: null (anyone), a class, or why the number has none */
function neededClass(entry: DialPlanEntry, number: string, env: DestinationEnv): { class: string | null } | { unclassified: string } {
  if (entry.permission !== DIALLED_CLASS) return { class: entry.permission };
  const c = env.classify?.(number);
  if (c === undefined) return { unclassified: 'no number profile to classify it' };
  return c.ok ? { class: c.class } : { unclassified: c.reason };
}

/** RFC 3261 §21.4.20: a routing loop answers 482 */
export const DIALPLAN_LOOP: Failure = { status: 482, disposition: 'FAILED', cause: 'dialplan-loop' };

const MONITOR_CODES = [
  ['*222', 'monitor-listen'],
  ['*223', 'monitor-whisper'],
  ['*224', 'monitor-barge'],
] as const;

/**
 * Today's behaviour as data: an extension's own number rings it (class 'internal'), the supervisor
 * codes need 'monitor', and a number in the conference range is a room (open to every extension).
 */
export const DEFAULT_ENTRIES: readonly DialPlanEntry[] = [
  { id: 'default:extension', pattern: '_X.', permission: 'internal', steps: [{ kind: 'extension' }] },
  ...MONITOR_CODES.map(([code, feature]) => ({ id: `default:${feature}`, pattern: `_${code}X.`, permission: 'monitor', steps: [{ kind: 'feature' as const, feature }] })),
  // directed call pickup, as Asterisk's features.conf writes it
  { id: 'default:pickup', pattern: '_**X.', permission: 'internal', steps: [{ kind: 'pickup', scope: 'directed' }] },
  { id: 'default:group-pickup', pattern: '*8', permission: 'internal', steps: [{ kind: 'pickup', scope: 'group' }] },
  // voicemail retrieval, as Asterisk's sample dial plan has it: *97 the caller's own box, *98 any box
  { id: 'default:voicemail', pattern: '*97', permission: 'internal', steps: [{ kind: 'voicemail', action: 'retrieve' }] },
  { id: 'default:voicemail-any', pattern: '*98', permission: 'internal', steps: [{ kind: 'voicemail', action: 'retrieve-any' }] },
  { id: 'default:conference', pattern: '_X.', permission: null, steps: [{ kind: 'conference' }] },
];

export interface ResolveOptions {
  readonly callerPermissions: readonly string[];
  readonly dialled: string;
  readonly entries: readonly DialPlanEntry[];
  readonly env: DestinationEnv;
}

interface Compiled {
  readonly entry: DialPlanEntry;
  readonly pattern: DialPattern | null;
}

/** every INVITE is resolved: an entry's pattern is compiled once (the defaults are constants, the table's entries are kept while unchanged) */
const compiledPatterns = new WeakMap<DialPlanEntry, DialPattern | null>();
function patternOf(entry: DialPlanEntry): DialPattern | null {
  let pattern = compiledPatterns.get(entry);
  if (pattern === undefined) {
    const c = compilePattern(entry.pattern);
    pattern = c.ok ? c.pattern : null;
    compiledPatterns.set(entry, pattern);
  }
  return pattern;
}

export async function resolveDialled(o: ResolveOptions): Promise<Resolution> {
  const compiled: Compiled[] = [...o.entries, ...DEFAULT_ENTRIES].map((entry) => ({ entry, pattern: patternOf(entry) }));
  const trace: TraceLine[] = [];
  const steps: ResolvedStep[] = [];
  const failure = await walk({ compiled, o, trace, steps, path: [o.dialled] });
  return { steps: failure === null ? steps : [], trace, failure };
}

async function walk(w: { compiled: readonly Compiled[]; o: ResolveOptions; trace: TraceLine[]; steps: ResolvedStep[]; path: readonly string[] }): Promise<Failure | null> {
  const number = w.path[w.path.length - 1]!;
  for (const { entry, pattern } of w.compiled) {
    const m = pattern?.match(number);
    if (!m || pattern === null) continue;
    const line = { number, entry: entry.id, pattern: entry.pattern };
    const applies = await Promise.all(entry.steps.map((d) => kindOf(d).applies(d, number, w.o.env)));
    if (!applies.every(Boolean)) {
      w.trace.push({ ...line, result: 'not-applicable' });
      continue;
    }
    const needed = neededClass(entry, number, w.o.env);
    if ('unclassified' in needed) {
      w.trace.push({ ...line, result: 'forbidden', reason: `the dialled number has no class: ${needed.unclassified}` });
      return FAILURES.forbidden;
    }
    // emergency numbers always route, whatever classes the caller holds (issue 11)
    if (needed.class !== null && needed.class !== 'emergency' && !w.o.callerPermissions.includes(needed.class)) {
      w.trace.push({ ...line, result: 'forbidden', reason: `the caller lacks the '${needed.class}' class` });
      return FAILURES.forbidden;
    }
    w.trace.push({ ...line, result: 'matched', ...(needed.class !== null && entry.permission === DIALLED_CLASS ? { reason: `dialled number class '${needed.class}'` } : {}) });
    return place({ ...w, line, argument: m.argument }, entry.steps);
  }
  w.trace.push({ number, entry: null, pattern: null, result: 'no-match' });
  return FAILURES.notFound;
}

/** an entry's steps into the resolution: branches replaced by the steps they pick, redials walked */
async function place(
  w: { compiled: readonly Compiled[]; o: ResolveOptions; trace: TraceLine[]; steps: ResolvedStep[]; path: readonly string[]; line: Pick<TraceLine, 'number' | 'entry' | 'pattern'>; argument: string },
  destinations: readonly Destination[],
): Promise<Failure | null> {
  const number = w.line.number;
  for (const destination of destinations) {
    const kind = kindOf(destination);
    if (kind.choose !== undefined) {
      const choice = await kind.choose(destination, w.o.env);
      w.trace.push({ ...w.line, result: 'branch', reason: choice.reason, ...(choice.decision !== undefined ? { decision: choice.decision } : {}) });
      const failed = await place(w, choice.steps);
      if (failed !== null) return failed;
      continue;
    }
    const again = kind.redials(destination);
    if (again.length === 0) {
      w.steps.push({ destination, argument: w.argument, dialled: number });
      continue;
    }
    for (const next of again) {
      if (w.path.includes(next)) {
        w.trace.push({ number: next, entry: null, pattern: null, result: 'loop', reason: `${[...w.path, next].join(' → ')}` });
        return DIALPLAN_LOOP;
      }
      if (w.path.length > MAX_REDIALS) {
        w.trace.push({ number: next, entry: null, pattern: null, result: 'too-many-redials', reason: `more than ${MAX_REDIALS} redials` });
        return FAILURES.tooManyHops;
      }
      const failed = await walk({ ...w, path: [...w.path, next] });
      if (failed !== null) return failed;
    }
  }
  return null;
}

/** Why an entry cannot go into the table (400 with the reason), or null; `others` are the table's other entries. */
export async function entryProblem(o: { entry: DialPlanEntry; others: readonly DialPlanEntry[]; env: DestinationEnv }): Promise<string | null> {
  const compiled = compilePattern(o.entry.pattern);
  if (!compiled.ok) return `malformed pattern: ${compiled.reason}`;
  for (const d of o.entry.steps) {
    const problem = await kindOf(d).problem(d, o.env);
    if (problem !== null) return `unknown destination: ${problem}`;
  }
  // a loop: dialling on from what this entry redials comes back to a number already on the path
  const entries = [o.entry, ...o.others];
  for (const d of o.entry.steps) {
    for (const start of kindOf(d).redials(d)) {
      // every branch of every calendar is followed: a loop through tonight's branch is a loop too
      const r = await resolveDialled({ callerPermissions: EVERY_CLASS, dialled: start, entries, env: { ...o.env, calendar: undefined } });
      if (r.failure === DIALPLAN_LOOP || r.failure === FAILURES.tooManyHops) return `loop: ${r.trace[r.trace.length - 1]?.reason ?? start}`;
    }
  }
  return null;
}
