// What a flow run learns as it goes, and what travels with the call when it leaves the flow
// ("three failures go to a person, with the context kept"): variables, the path of node ids, each
// attempt at an answer, the failure count, the matched intent, and the step-by-step trace that the
// simulator returns and a real call's record keeps.
import type { InputAnswer } from './io.js';
import { REDACTED, type Fallback } from './flow-schema.js';

export interface TraceStep {
  readonly step: number;
  readonly node: string;
  readonly verb: string;
  /** ms since the run started */
  readonly atMs: number;
  readonly prompt?: string;
  readonly input?: string;
  /** which way the node went: a choice, 'timeout', 'invalid', 'success', 'failure', a rule ... */
  readonly branch?: string;
  readonly next?: string;
  /** the variables after the step */
  readonly vars: Readonly<Record<string, string>>;
  readonly detail?: Readonly<Record<string, unknown>>;
  /** the node is marked sensitive: the recording was paused and what the caller gave is redacted */
  readonly sensitive?: true;
}

export interface Attempt {
  readonly node: string;
  readonly attempt: number;
  /** what the caller gave: digits, text, or '' */
  readonly input: string;
  readonly kind: InputAnswer['kind'];
  readonly result: 'ok' | 'timeout' | 'invalid' | 'short';
}

export interface IntentMatch {
  readonly node: string;
  readonly intent: string | null;
  readonly confidence: number;
  /** 'model': the chat/completions endpoint; 'rules': phrases and keywords; 'none': nothing matched */
  readonly source: 'model' | 'rules' | 'none';
  readonly utterance: string;
  /** why the model was not used (timeout, malformed reply, HTTP status) */
  readonly modelError?: string;
}

export type FlowOutcome =
  /** the flow ended the call itself: contained (self-service) */
  | { readonly kind: 'completed' }
  /** the caller hung up in the flow */
  | { readonly kind: 'abandoned' }
  | { readonly kind: 'enqueue'; readonly queue: string; readonly priority?: number; readonly skills?: readonly { skill: string; minLevel: number }[]; readonly attach?: readonly string[] }
  | { readonly kind: 'transfer'; readonly to: { readonly extension: string } | { readonly number: string } | { readonly flow: number } }
  /** to an extension's mailbox: the caller leaves a message (not contained: a person calls back) */
  | { readonly kind: 'voicemail'; readonly mailbox: string }
  /** too many failures: to the flow's fallback (null: none, the call ends) */
  | { readonly kind: 'fallback'; readonly to: Fallback | null; readonly node: string; readonly reason: string };

/** the context a call carries out of the flow: the call record's `ivr` and the agent's event */
export interface FlowContext {
  readonly flowId: number;
  readonly version: number;
  readonly vars: Readonly<Record<string, string>>;
  readonly path: readonly string[];
  readonly attempts: readonly Attempt[];
  readonly failures: number;
  readonly failuresByNode: Readonly<Record<string, number>>;
  readonly intent?: IntentMatch;
  readonly outcome?: FlowOutcome['kind'];
  readonly trace: readonly TraceStep[];
}

export class RunState {
  readonly vars: Record<string, string>;
  readonly path: string[] = [];
  readonly attempts: Attempt[] = [];
  readonly trace: TraceStep[] = [];
  readonly failuresByNode: Record<string, number> = {};
  failures = 0;
  intent: IntentMatch | undefined;
  outcome: FlowOutcome | undefined;
  /**
   * variables a sensitive step filled (a card number): usable by the run's later steps, but shown
   * as "[redacted]" wherever the run is kept or handed on (trace, record, agent's context)
   */
  readonly secrets = new Set<string>();

  constructor(readonly o: { readonly flowId: number; readonly version: number; readonly vars: Readonly<Record<string, string>>; readonly startedAt: number }) {
    this.vars = { ...o.vars };
  }

  failed(node: string): number {
    this.failures++;
    this.failuresByNode[node] = (this.failuresByNode[node] ?? 0) + 1;
    return this.failures;
  }

  /** the variables as they may be kept: secret ones, and secret values inside others, redacted */
  publicVars(): Record<string, string> {
    // a secret copied into another variable (a `set`, an http reply echoing it) is redacted there too
    return Object.fromEntries(Object.entries(this.vars).map(([k, v]) => [k, this.secrets.has(k) ? REDACTED : this.redact(v)]));
  }

  /**
   * `text` with every secret value in it replaced (a prompt that reads the card number back).
   * Values shorter than 2 characters are left: one key is no secret, and replacing every "1" in
   * later prompts would only garble them.
   */
  redact(text: string): string {
    let out = text;
    for (const k of this.secrets) {
      const v = this.vars[k];
      if (v !== undefined && v.length >= 2) out = out.replaceAll(v, REDACTED);
    }
    return out;
  }

  /** the answers given at a sensitive node since attempt index `from`: their input redacted */
  redactAttempts(from: number): void {
    for (let i = from; i < this.attempts.length; i++) {
      const a = this.attempts[i]!;
      if (a.input !== '') this.attempts[i] = { ...a, input: REDACTED };
    }
  }

  context(o: { readonly withTrace: boolean }): FlowContext {
    return {
      flowId: this.o.flowId,
      version: this.o.version,
      vars: this.publicVars(),
      path: [...this.path],
      attempts: [...this.attempts],
      failures: this.failures,
      failuresByNode: { ...this.failuresByNode },
      ...(this.intent ? { intent: this.intent } : {}),
      ...(this.outcome ? { outcome: this.outcome.kind } : {}),
      trace: o.withTrace ? [...this.trace] : [],
    };
  }
}
