// Verb name → its task (engine.ts runs them): one table, so a new verb is one entry here and its
// schema in flow-schema.ts.
import type { VerbTable } from './engine.js';
import { answerVerb, gatherVerb, menuVerb, playVerb, recordVerb, sayVerb } from './verbs-input.js';
import { conditionVerb, enqueueVerb, hangupVerb, httpVerb, setVerb, transferVerb, voicemailVerb } from './verbs-logic.js';
import { intentVerb } from './verbs-intent.js';

export const VERBS: VerbTable = {
  answer: answerVerb,
  play: playVerb,
  say: sayVerb,
  gather: gatherVerb,
  menu: menuVerb,
  intent: intentVerb,
  condition: conditionVerb,
  http: httpVerb,
  set: setVerb,
  record: recordVerb,
  enqueue: enqueueVerb,
  transfer: transferVerb,
  voicemail: voicemailVerb,
  hangup: hangupVerb,
};
