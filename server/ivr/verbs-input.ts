// The verbs that speak to the caller or wait for an answer: answer, play, say, gather, menu, record.
// Each attempt at an answer is kept (the agent sees what the caller tried) and each timeout or
// invalid answer is one failure of the flow (engine.ts).
import type { NodeOf } from './flow-schema.js';
import { promptText, render, type InputAnswer, type InputKindName, type InputRequest } from './io.js';
import type { StepResult, Verb, VerbContext } from './engine.js';
import { matchRules } from './intent-rules.js';
import type { Attempt } from './run-state.js';

export const answerVerb: Verb<'answer'> = async (ctx) => {
  if (!(await ctx.io.answer())) return ctx.abandoned;
  ctx.note({ next: ctx.node.next });
  return { next: ctx.node.next };
};

export const playVerb: Verb<'play'> = async (ctx) => {
  const p = render(ctx.node.prompt, ctx.state.vars);
  if ((await ctx.io.prompt(p)) === 'hangup') return ctx.abandoned;
  ctx.note({ prompt: promptText(p), next: ctx.node.next });
  return { next: ctx.node.next };
};

export const sayVerb: Verb<'say'> = async (ctx) => {
  const p = render({ say: ctx.node.text, ...(ctx.node.voice !== undefined ? { voice: ctx.node.voice } : {}) }, ctx.state.vars);
  if ((await ctx.io.prompt(p)) === 'hangup') return ctx.abandoned;
  ctx.note({ prompt: promptText(p), next: ctx.node.next });
  return { next: ctx.node.next };
};

const inputText = (a: InputAnswer): string => (a.kind === 'dtmf' ? a.digits : a.kind === 'text' || a.kind === 'speech' ? a.text : '');

/**
 * The kinds the node accepts that this run's source can give: 'speech' is accepted wherever 'text'
 * is, and the simulator's typed text stands for what would be said where 'speech' is.
 */
function accepted(ctx: VerbContext, kinds: readonly string[]): InputKindName[] {
  const want = new Set<InputKindName>(kinds as InputKindName[]);
  if (want.has('text')) want.add('speech');
  if (want.has('speech')) want.add('text');
  return ctx.io.input.kinds.filter((k) => want.has(k));
}

function attempt(ctx: VerbContext, n: number, a: InputAnswer, result: Attempt['result']): void {
  ctx.state.attempts.push({ node: ctx.id, attempt: n, input: inputText(a), kind: a.kind, result });
}

export const gatherVerb: Verb<'gather'> = async (ctx) => {
  const g = ctx.node;
  const req = (prompt: InputRequest['prompt']): InputRequest => ({
    prompt,
    accept: accepted(ctx, g.input),
    dtmf: { minLength: g.minLength, maxLength: g.maxLength, firstDigitTimeoutMs: g.firstDigitTimeoutMs, interDigitTimeoutMs: g.interDigitTimeoutMs, terminators: g.terminators },
  });
  for (let n = 1; n <= g.retries + 1; n++) {
    const prompt = g.prompt ? render(g.prompt, ctx.state.vars) : null;
    const a = await ctx.io.input.collect(req(prompt));
    if (a.kind === 'hangup') return ctx.abandoned;
    const said = inputText(a);
    // a phrase list turns what was said into the phrase it matches (or an invalid answer)
    const phrase = g.phrases !== undefined && (a.kind === 'speech' || a.kind === 'text') ? matchPhrase(said, g.phrases) : undefined;
    const text = phrase ?? said;
    const result: Attempt['result'] =
      a.kind === 'timeout' ? 'timeout' : a.kind === 'dtmf' && text.length < g.minLength ? 'short' : phrase === null ? 'invalid' : 'ok';
    attempt(ctx, n, a, result);
    if (result === 'ok') {
      ctx.state.vars[g.var] = text;
      ctx.note({ ...(prompt ? { prompt: promptText(prompt) } : {}), input: text, branch: 'success', next: g.next });
      return { next: g.next };
    }
    ctx.note({ ...(prompt ? { prompt: promptText(prompt) } : {}), input: text, branch: result });
    const over = ctx.failure(result);
    if (over) return over;
  }
  return g.failure !== undefined ? { next: g.failure } : ctx.fallback(`gather '${ctx.id}': no valid answer`);
};

/** the phrase an utterance is (a written or sound match, as intents score ≥ 0.8), or null */
function matchPhrase(said: string, phrases: readonly string[]): string | null {
  const m = matchRules({ utterance: said, intents: phrases.map((p) => ({ name: p, phrases: [p], keywords: [] })) });
  return m !== null && m.confidence >= 0.8 ? m.intent : null;
}

/** a menu's answer as a choice key: the first digit, or typed text (a key, or a word) */
function choiceOf(a: InputAnswer, choices: Readonly<Record<string, string>>): string | null {
  if (a.kind === 'dtmf') return a.digits.length > 0 && a.digits[0]! in choices ? a.digits[0]! : null;
  if (a.kind !== 'text' && a.kind !== 'speech') return null;
  const t = a.text.trim().toLowerCase();
  return t in choices ? t : null;
}

export const menuVerb: Verb<'menu'> = async (ctx) => {
  const m = ctx.node;
  const dtmf = { minLength: 1, maxLength: 1, firstDigitTimeoutMs: m.timeoutMs, interDigitTimeoutMs: m.timeoutMs, terminators: '' };
  let lead: NodeOf<'menu'>['invalidPrompt'];
  for (let n = 1; n <= m.retries; n++) {
    if (lead !== undefined && (await ctx.io.prompt(render(lead, ctx.state.vars))) === 'hangup') return ctx.abandoned;
    const prompt = render(m.prompt, ctx.state.vars);
    const a = await ctx.io.input.collect({ prompt, accept: accepted(ctx, m.input), dtmf });
    if (a.kind === 'hangup') return ctx.abandoned;
    const key = choiceOf(a, m.choices);
    const result: Attempt['result'] = a.kind === 'timeout' ? 'timeout' : key === null ? 'invalid' : 'ok';
    attempt(ctx, n, a, result);
    const text = (lead ? promptText(render(lead, ctx.state.vars)) + ' ' : '') + promptText(prompt);
    if (key !== null) {
      const next = m.choices[key]!;
      ctx.note({ prompt: text, input: inputText(a), branch: key, next });
      return { next };
    }
    ctx.note({ prompt: text, input: inputText(a), branch: result, detail: { attempt: n, of: m.retries } });
    const over = ctx.failure(result);
    if (over) return over;
    lead = result === 'timeout' ? m.timeoutPrompt : m.invalidPrompt;
  }
  return m.failure !== undefined ? { next: m.failure } : ctx.fallback(`menu '${ctx.id}': ${m.retries} attempts`);
};

export const recordVerb: Verb<'record'> = async (ctx): Promise<StepResult> => {
  const file = await ctx.io.record({ maxS: ctx.node.maxS, beep: ctx.node.beep });
  if (file !== null) ctx.state.vars[ctx.node.var] = file;
  ctx.note({ branch: file === null ? 'not-recorded' : 'recorded', next: ctx.node.next });
  return { next: ctx.node.next };
};
