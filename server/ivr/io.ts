// What a flow runs against: the same engine drives a live call (call-io.ts) and the simulator
// (simulator.ts). Prompts are rendered text or files; the caller's answers come from input
// sources. Today a call has one source, DTMF (Call.collectDigits); the simulator has typed digits
// and text. Speech recognition plugs in as one more InputSource ('speech': ASR with VAD
// endpointing and barge-in) with no change to the verbs, which only ask for "an answer of these
// kinds".
import type { Prompt } from './flow-schema.js';

export type InputKindName = 'dtmf' | 'text' | 'speech';

export interface DtmfRules {
  readonly minLength: number;
  readonly maxLength: number;
  readonly firstDigitTimeoutMs: number;
  readonly interDigitTimeoutMs: number;
  readonly terminators: string;
}

export interface InputRequest {
  /** played (or spoken) first; an answer that starts during it stops it (barge-in) */
  readonly prompt: RenderedPrompt | null;
  readonly accept: readonly InputKindName[];
  readonly dtmf: DtmfRules;
}

export type InputAnswer =
  | { readonly kind: 'dtmf'; readonly digits: string; readonly end: 'max' | 'terminator' | 'inter-digit-timeout' }
  | { readonly kind: 'text' | 'speech'; readonly text: string }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'hangup' };

/** one kind of caller input: DTMF on a call, typed answers in the simulator, ASR later */
export interface InputSource {
  readonly kinds: readonly InputKindName[];
  collect(req: InputRequest): Promise<InputAnswer>;
}

/** a prompt with its templates filled: the text spoken, or the file played */
export type RenderedPrompt = { readonly say: string; readonly voice?: string; /** it reads a secret back (a sensitive step's answer): never cached */ readonly secret?: true } | { readonly play: string };

export interface HttpReply {
  readonly status: number;
  readonly json: unknown;
}

export interface FlowIo {
  /** false: the call is gone */
  answer(): Promise<boolean>;
  /** 'hangup' when the caller left meanwhile */
  prompt(p: RenderedPrompt): Promise<'done' | 'hangup'>;
  readonly input: InputSource;
  /** a beep then the caller's audio for at most maxS; the file's name, or null */
  record(o: { readonly maxS: number; readonly beep: boolean }): Promise<string | null>;
  /**
   * a step marked sensitive starts (on) or ends (off, however it ended): a call pauses its
   * recording meanwhile; absent: nothing to pause (the simulator)
   */
  sensitive?(o: { readonly node: string; readonly on: boolean }): Promise<void> | void;
  /** the caller's number, for caller lists */
  readonly caller: string;
  readonly dialled: string;
}

/** Fills {{name}} from the variables; an unknown name becomes '' (a prompt is never refused for it). */
export function fill(template: string, vars: Readonly<Record<string, string>>): string {
  return template.replace(/\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g, (_m, name: string) => vars[name] ?? '');
}

export function render(p: Prompt, vars: Readonly<Record<string, string>>): RenderedPrompt {
  if ('play' in p) return { play: p.play };
  return { say: fill(p.say, vars), ...(p.voice !== undefined ? { voice: p.voice } : {}) };
}

export const promptText = (p: RenderedPrompt): string => ('say' in p ? p.say : `[${p.play}]`);
