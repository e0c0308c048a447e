// Acceptance (issue 15, speech input) with a real phone: baresip 1001 dials 801, a flow whose
// gather takes speech (input ['speech']) with the fixture digit recogniser (HAILING_TRANSCRIBE_MODEL).
// While the long prompt plays, the caller says a digit string (espeak-ng, a voice the model never
// heard in training). VAD on the caller's leg in the speech process stops the prompt (barge-in), the
// utterance's final text becomes the gather's variable, and the flow goes on ("Thank you", hang-up).
// What the phone heard (baresip's decoded dump) shows the prompt cut short; the time from the
// speech's start in what the phone sent (its encoded dump) to the prompt's last sound is printed, but
// the two dumps do not start together (the decoded one starts with the first packet heard), so the
// barge-in time is measured on the wire in test/ivr-barge-in.test.ts.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { renderEnglishPrompt } from './helpers/audio.js';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { registeredPhone, stopPhones, type Phone } from './helpers/baresip.js';
import { finalCallRecord } from './helpers/cdrs.js';
import { startHailing, withExtensions, type HailingProcess } from './helpers/hailing-process.js';
import { spokenDigitsWav } from './helpers/spoken-digits.js';
import { digitErrors } from '../server/speech/testing/digits.js';

const DOMAIN = '127.0.0.1';
const MODEL = fileURLToPath(new URL('./fixtures/speech/digits-tdnn', import.meta.url));
const PROMPT = 'Please say your account number, one digit at a time. You may start speaking at any moment, even while this message is still playing, and it will stop for you.';
const SPOKEN = [{ voice: 'en-us+f4', digits: '4 8 2 1 5' }];
/** at most 2 digit errors of the 5 said (40 %); measured 1 of 5 (docs/ivr.md) */
const MAX_DIGIT_ERRORS = 2;

const FLOW = {
  start: 'hello',
  fallback: { extension: '1002' },
  nodes: {
    hello: { verb: 'answer', next: 'ask' },
    ask: { verb: 'gather', prompt: { say: PROMPT }, var: 'account', input: ['speech'], maxLength: 32, firstDigitTimeoutMs: 8000, retries: 0, next: 'thanks' },
    thanks: { verb: 'say', text: 'Thank you.', next: 'bye' },
    bye: { verb: 'hangup' },
  },
};

const MENU_FLOW = {
  start: 'hello',
  nodes: {
    hello: { verb: 'answer', next: 'pick' },
    pick: { verb: 'menu', prompt: { say: 'For sales, say one. For support, say two. You can also press the key.' }, choices: { '1': 'sales', '2': 'support' }, input: ['speech', 'dtmf'], timeoutMs: 6000, retries: 1, failure: 'bye' },
    sales: { verb: 'say', text: 'Sales.', next: 'bye' },
    support: { verb: 'say', text: 'Support.', next: 'bye' },
    bye: { verb: 'hangup' },
  },
};

/** 20 ms RMS frames of a WAV file's first channel at 8 kHz (sox reads it) */
function envelope(file: string): number[] {
  const raw = execFileSync('sox', [file, '-t', 'raw', '-e', 'signed-integer', '-b', '16', '-L', '-r', '8000', '-c', '1', '-', 'remix', '1']);
  const pcm = new Int16Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + (raw.length & ~1)));
  const out: number[] = [];
  for (let at = 0; at + 160 <= pcm.length; at += 160) {
    let e = 0;
    for (let i = at; i < at + 160; i++) e += pcm[i]! * pcm[i]!;
    out.push(Math.sqrt(e / 160));
  }
  return out;
}
const LOUD = 300;
/** ms of the first loud frame at or after `fromMs` */
const firstLoud = (env: number[], fromMs = 0): number => 20 * env.findIndex((v, i) => i * 20 >= fromMs && v > LOUD);
/** ms of the end of the last loud frame before the first run of `quietMs` of silence at or after `fromMs` */
function soundEndBefore(env: number[], fromMs: number, quietMs: number): number {
  let lastLoud = Math.floor(fromMs / 20);
  for (let i = lastLoud; i < env.length; i++) {
    if (env[i]! > LOUD) lastLoud = i;
    else if ((i - lastLoud) * 20 >= quietMs) break;
  }
  return (lastLoud + 1) * 20;
}

describe('IVR speech input (baresip speaks into a speech gather; fixture digit recogniser)', () => {
  const phones: Phone[] = [];
  let server: HailingProcess;
  const scratch = mkdtempSync(path.join(tmpdir(), 'hailing-ivr-speech-'));
  before(async () => {
    server = await startHailing({ env: { HAILING_TRANSCRIBE_MODEL: MODEL } });
    await withExtensions(server, ['1001', '1002']);
    const flow = await server.api<{ id: number }>('POST', '/api/v1/ivr/flows', { name: 'speech', document: FLOW });
    assert.equal(flow.status, 201, JSON.stringify(flow.body));
    const plan = await server.api('POST', '/api/v1/dialplan', { pattern: '801', steps: [{ kind: 'flow', flow: flow.body.id }] });
    assert.ok(plan.status < 300, JSON.stringify(plan.body));
    const menu = await server.api<{ id: number }>('POST', '/api/v1/ivr/flows', { name: 'speech-menu', document: MENU_FLOW });
    assert.equal(menu.status, 201, JSON.stringify(menu.body));
    const menuPlan = await server.api('POST', '/api/v1/dialplan', { pattern: '802', steps: [{ kind: 'flow', flow: menu.body.id }] });
    assert.ok(menuPlan.status < 300, JSON.stringify(menuPlan.body));
  });
  after(async () => {
    await stopPhones(phones);
    await server?.kill('SIGKILL');
    if (server) rmSync(server.dataDir, { recursive: true, force: true });
    rmSync(scratch, { recursive: true, force: true });
  });

  it('the caller speaks digits over the prompt: the prompt stops (barge-in) and the digits become the variable', { timeout: 120_000 }, async (t) => {
    // 2.5 s into the prompt the caller starts speaking; then silence to the end of the call
    const spoken = spokenDigitsWav({ dir: scratch, utterances: SPOKEN, leadS: 2.5, gapS: 8 });
    const reference = path.join(scratch, 'prompt.wav');
    renderEnglishPrompt(reference, PROMPT);
    const promptMs = Number(execFileSync('soxi', ['-D', reference]).toString().trim()) * 1000;
    const a = await registeredPhone({ user: '1001', password: 'secret-1001', domain: DOMAIN, server: { host: '127.0.0.1', port: server.ports.sip }, transport: 'udp', audioFile: spoken.file, answerMode: 'auto' }, phones);
    await a.dial(`sip:801@${DOMAIN}`);
    await a.waitForEvent({ type: 'CALL_ESTABLISHED', timeoutMs: 30_000 });
    // the flow hangs up after "Thank you"
    await a.waitForEvent({ type: 'CALL_CLOSED', timeoutMs: 40_000 });
    await a.stop();
    const record = (await finalCallRecord({ api: server.api.bind(server), number: '1001', ms: 15_000 })) as unknown as {
      ivr?: { path: string[]; outcome: string; vars: Record<string, string>; attempts: { input: string; kind: string; result: string }[] };
    };
    const ivr = record.ivr;
    assert.ok(ivr, JSON.stringify(record));
    t.diagnostic(JSON.stringify(ivr));
    assert.deepEqual(ivr.path, ['hello', 'ask', 'thanks', 'bye']);
    assert.equal(ivr.outcome, 'completed');
    assert.equal(ivr.attempts.length, 1);
    assert.equal(ivr.attempts[0]!.kind, 'speech');
    const want = SPOKEN[0]!.digits.replace(/ /g, '');
    const got = ivr.vars['account'] ?? '';
    const errors = digitErrors(want, got);
    t.diagnostic(`said ${want}, gather variable "${got}": ${errors} digit errors of ${want.length}`);
    assert.match(got, /^[0-9]+$/, 'the recogniser\'s digits are the variable');
    assert.ok(errors <= MAX_DIGIT_ERRORS, `${errors} digit errors of ${want.length}`);
    assert.equal(ivr.attempts[0]!.input, got);

    // barge-in, from baresip's dumps (both begin when its audio starts): the speech's start in what
    // it sent, and the end of the prompt in what it heard (the next sound, "Thank you", comes after
    // the utterance has ended, seconds later)
    const dir = path.dirname(a.decodedDumps()[0]!);
    const sentDump = readdirSync(dir).filter((f) => f.endsWith('-enc.wav')).sort()[0];
    assert.ok(sentDump, 'baresip wrote what it sent');
    const sent = envelope(path.join(dir, sentDump));
    const heard = envelope(a.decodedDumps()[0]!);
    const speechAt = firstLoud(sent);
    const promptAt = firstLoud(heard);
    const promptEnd = soundEndBefore(heard, promptAt, 1000);
    const played = promptEnd - promptAt;
    t.diagnostic(`prompt heard from ${promptAt} ms to ${promptEnd} ms (${played} ms of ${Math.round(promptMs)} ms rendered); speech sent from ${speechAt} ms; prompt's last sound ${promptEnd - speechAt} ms after the speech started`);
    assert.ok(speechAt > promptAt, 'the caller spoke while the prompt played');
    // the prompt was cut short: far less of it was heard than flite renders
    assert.ok(played < promptMs * 0.75, `the prompt played ${played} ms of ${promptMs} ms`);
  });

  it("a menu that takes speech or keys: the caller says 'two' (a digit word) over the prompt and reaches that choice", { timeout: 120_000 }, async (t) => {
    const spoken = spokenDigitsWav({ dir: scratch, utterances: [{ voice: 'en-us+f4', digits: '2' }], leadS: 2, gapS: 8 });
    const a = await registeredPhone({ user: '1001', password: 'secret-1001', domain: DOMAIN, server: { host: '127.0.0.1', port: server.ports.sip }, transport: 'udp', audioFile: spoken.file, answerMode: 'auto' }, phones);
    await a.dial(`sip:802@${DOMAIN}`);
    await a.waitForEvent({ type: 'CALL_ESTABLISHED', timeoutMs: 30_000 });
    await a.waitForEvent({ type: 'CALL_CLOSED', timeoutMs: 40_000 });
    await a.stop();
    const record = (await finalCallRecord({ api: server.api.bind(server), number: '1001', ms: 15_000 })) as unknown as {
      ivr?: { path: string[]; attempts: { input: string; kind: string; result: string }[] };
    };
    t.diagnostic(JSON.stringify(record.ivr));
    assert.deepEqual(record.ivr?.attempts.map((x) => [x.kind, x.input, x.result]), [['speech', '2', 'ok']]);
    assert.deepEqual(record.ivr?.path, ['hello', 'pick', 'support', 'bye']);
  });
});
