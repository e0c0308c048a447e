// The intent verb: the caller's utterance (typed in the simulator today; an ASR transcript once
// speech input exists, or a variable) → one of the node's intents. With `model: true` the
// configured chat/completions endpoint is asked first; its timeout, error or malformed reply falls
// back to the rules. The match, its confidence and its source go on the run (the call record).
import { matchRules } from './intent-rules.js';
import { promptText, render, type InputAnswer } from './io.js';
import type { Verb } from './engine.js';
import type { IntentMatch } from './run-state.js';

export const intentVerb: Verb<'intent'> = async (ctx) => {
  const n = ctx.node;
  let utterance: string;
  let prompt: string | undefined;
  if (n.from !== undefined) utterance = ctx.state.vars[n.from] ?? '';
  else {
    const accept = ctx.io.input.kinds.filter((k) => k === 'text' || k === 'speech');
    const p = n.prompt ? render(n.prompt, ctx.state.vars) : null;
    prompt = p ? promptText(p) : undefined;
    let a: InputAnswer;
    if (accept.length === 0) {
      // a call with DTMF only cannot say anything: the prompt still plays, then no match
      if (p && (await ctx.io.prompt(p)) === 'hangup') return ctx.abandoned;
      a = { kind: 'timeout' };
    } else a = await ctx.io.input.collect({ prompt: p, accept, dtmf: { minLength: 1, maxLength: 1, firstDigitTimeoutMs: n.timeoutMs, interDigitTimeoutMs: n.timeoutMs, terminators: '' } });
    if (a.kind === 'hangup') return ctx.abandoned;
    utterance = a.kind === 'text' || a.kind === 'speech' ? a.text : a.kind === 'dtmf' ? a.digits : '';
    ctx.state.attempts.push({ node: ctx.id, attempt: 1, input: utterance, kind: a.kind, result: a.kind === 'timeout' ? 'timeout' : 'ok' });
  }
  let match: IntentMatch = { node: ctx.id, intent: null, confidence: 0, source: 'none', utterance };
  let modelError: string | undefined;
  const model = ctx.services.intentModel;
  if (n.model && utterance !== '') {
    if (model === undefined) modelError = 'no model endpoint configured';
    else {
      const r = await model.classify({ utterance, intents: n.intents, timeoutMs: n.timeoutMs });
      if (r.ok && r.intent !== null && r.confidence >= n.minConfidence) match = { node: ctx.id, intent: r.intent, confidence: r.confidence, source: 'model', utterance };
      else if (!r.ok) modelError = r.error;
    }
  }
  if (match.intent === null) {
    const rules = matchRules({ utterance, intents: n.intents });
    if (rules && rules.confidence >= n.minConfidence) match = { node: ctx.id, intent: rules.intent, confidence: rules.confidence, source: 'rules', utterance };
  }
  if (modelError !== undefined) match = { ...match, modelError };
  ctx.state.intent = match;
  const next = match.intent === null ? n.noMatch : n.intents.find((i) => i.name === match.intent)!.next;
  ctx.state.vars[n.var] = match.intent ?? '';
  if (match.intent === null) {
    const over = ctx.failure('no intent matched');
    ctx.note({ ...(prompt !== undefined ? { prompt } : {}), input: utterance, branch: 'no-match', next, detail: { ...match } });
    if (over) return over;
    return { next };
  }
  ctx.note({ ...(prompt !== undefined ? { prompt } : {}), input: utterance, branch: match.intent, next, detail: { confidence: match.confidence, source: match.source, ...(modelError ? { modelError } : {}) } });
  return { next };
};
