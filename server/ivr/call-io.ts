// A flow's FlowIo on a live call: prompts through the call's playback (TTS prompts are cached WAV
// files, server/speech), the caller's keys through Call.collectDigits (RFC 4733 events, in-band
// tones and SIP INFO alike), recording through Call.record. A key pressed while a prompt plays
// stops it (DTMF barge-in) and counts as the answer's first key.
import { join } from 'node:path';
import { writeFileSync, existsSync, mkdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { CallState, type Call } from '../calls/call.js';
import { answered } from '../calls/handlers/anchored.js';
import type { HandlerContext } from '../calls/handlers/handler.js';
import type { LocalServices } from '../calls/handlers/local.js';
import type { SpeechPrompts } from '../calls/handlers/say.js';
import type { Logger } from '../sip/index.js';
import type { FlowIo, InputAnswer, InputRequest, RenderedPrompt } from './io.js';
import { collectSpeech, type SpeechInputStreams } from './speech-input.js';

export interface CallIoServices extends LocalServices {
  readonly promptsDir: string;
  /** null: 'say' prompts are skipped (logged) */
  readonly tts: SpeechPrompts | null;
  /** where the record verb's beep is written once */
  readonly scratchDir: string;
  readonly logger: Logger;
  /** each prompt's first packet is on its way (bench/ivr.ts measures key → next prompt) */
  readonly onPrompt?: (o: { readonly callId: string; readonly at: number }) => void;
  readonly now?: () => number;
  /** speech input (the installed recogniser on the speech process); absent: keys only */
  readonly speechInput?: SpeechInputStreams;
  /** VAD's speech start stopped a prompt (barge-in) */
  readonly onBargeIn?: (o: { readonly callId: string; readonly at: number }) => void;
  /** the call's recording (HAILING_RECORD_CALLS=all), paused by steps marked sensitive; absent: nothing to pause */
  readonly recording?: SensitiveSteps;
}

/** what a sensitive step does to the call beyond the flow (server/app/ivr.ts gives it) */
export interface SensitiveSteps {
  /** whether the call's recording is paused now (by anyone) */
  paused(callId: string): boolean;
  /** false when the call is not being recorded */
  pause(callId: string, paused: boolean): boolean;
  /** the step starts (on) or ends: the events stream withholds the call's digits meanwhile */
  inStep(o: { readonly callId: string; readonly node: string; readonly on: boolean }): void;
  /** the flow paused (or resumed) the recording: the audit log's recording.pause / .resume */
  toggled(o: { readonly callId: string; readonly node: string; readonly paused: boolean }): void;
}

/** 8 kHz 16-bit mono: a 1 kHz beep of 250 ms, as answering machines give before recording */
function beepFile(dir: string): string {
  const file = join(dir, 'ivr-beep-1k.wav');
  if (existsSync(file)) return file;
  mkdirSync(dir, { recursive: true });
  const n = 2000;
  const wav = Buffer.alloc(44 + n * 2);
  wav.write('RIFF', 0);
  wav.writeUInt32LE(36 + n * 2, 4);
  wav.write('WAVEfmt ', 8);
  wav.writeUInt32LE(16, 16);
  wav.writeUInt16LE(1, 20);
  wav.writeUInt16LE(1, 22);
  wav.writeUInt32LE(8000, 24);
  wav.writeUInt32LE(16000, 28);
  wav.writeUInt16LE(2, 32);
  wav.writeUInt16LE(16, 34);
  wav.write('data', 36);
  wav.writeUInt32LE(n * 2, 40);
  for (let i = 0; i < n; i++) wav.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * 1000 * i) / 8000)), 44 + i * 2);
  writeFileSync(file, wav);
  return file;
}

export function callIo(o: { readonly call: Call; readonly ctx: HandlerContext; readonly services: CallIoServices }): FlowIo {
  const { call, ctx, services } = o;
  const gone = () => call.state === CallState.Ended;
  const fileOf = async (p: RenderedPrompt): Promise<string | null> => {
    if ('play' in p) return join(services.promptsDir, p.play);
    if (services.tts === null) {
      services.logger.warn({ call: call.id }, 'IVR prompt skipped: no TTS engine on this server');
      return null;
    }
    try {
      return await services.tts.promptFile({ text: p.say, ...(p.voice !== undefined ? { voice: p.voice } : {}), rate: 8000, ...(p.secret ? { transient: true } : {}) });
    } catch (err) {
      services.logger.warn({ call: call.id, err: (err as Error).message }, 'IVR prompt skipped: synthesis failed');
      return null;
    }
  };
  const prompt = async (p: RenderedPrompt): Promise<'done' | 'hangup'> => {
    const file = await fileOf(p);
    try {
      if (gone()) return 'hangup';
      if (file !== null) {
        services.onPrompt?.({ callId: call.id, at: (services.now ?? Date.now)() });
        await call.play({ file });
      }
      return gone() ? 'hangup' : 'done';
    } finally {
      // a prompt reading a secret back was synthesised for this call alone: it does not stay on disk
      if (file !== null && 'say' in p && p.secret) await rm(file, { force: true });
    }
  };
  const collect = async (req: InputRequest): Promise<InputAnswer> => {
    const endpoint = call.anchor;
    if (req.accept.includes('speech') && services.speechInput !== undefined && endpoint !== undefined) {
      const heard = await collectSpeech({ call, endpoint, streams: services.speechInput, req, prompt, logger: services.logger, ...(services.onBargeIn ? { onBargeIn: services.onBargeIn } : {}) });
      // a key instead of speech: the keys path goes on from it (the prompt has already stopped)
      if (heard?.kind === 'key') return keys({ ...req, prompt: null }, heard.digit);
      if (heard !== null) return heard;
    }
    if (!req.accept.includes('dtmf')) {
      if (req.prompt && (await prompt(req.prompt)) === 'hangup') return { kind: 'hangup' };
      return { kind: 'timeout' };
    }
    return keys(req, '');
  };
  const keys = async (req: InputRequest, first: string): Promise<InputAnswer> => {
    const { dtmf } = req;
    // keys during the prompt: the first stops it (barge-in); they count towards the answer
    let early = '';
    let ended: 'terminator' | 'max' | null = null;
    const key = (digit: string): void => {
      if (dtmf.terminators.includes(digit)) ended = 'terminator';
      else if ((early += digit).length >= dtmf.maxLength) ended = 'max';
    };
    if (first !== '') key(first);
    const off = call.on('dtmf', (e) => {
      if (e.side !== 'caller' || ended !== null) return;
      if (early === '') call.anchor?.stopPlayback();
      key(e.digit);
    });
    try {
      if (req.prompt && (await prompt(req.prompt)) === 'hangup') return { kind: 'hangup' };
    } finally {
      off();
    }
    if (ended !== null) return { kind: 'dtmf', digits: early, end: ended };
    const r = await call.collectDigits({
      max: dtmf.maxLength - early.length,
      terminators: dtmf.terminators,
      firstDigitTimeoutMs: early === '' ? dtmf.firstDigitTimeoutMs : dtmf.interDigitTimeoutMs,
      interDigitTimeoutMs: dtmf.interDigitTimeoutMs,
    });
    const digits = early + r.digits;
    if (r.reason === 'call-ended') return { kind: 'hangup' };
    if (digits === '') return { kind: 'timeout' };
    return { kind: 'dtmf', digits, end: r.reason === 'first-digit-timeout' ? 'inter-digit-timeout' : r.reason };
  };
  // a pause someone else made (the agent, the keypad) is theirs to end: the flow resumes only its own
  let pausedByFlow = false;
  const sensitive = ({ node, on }: { readonly node: string; readonly on: boolean }): void => {
    const r = services.recording;
    if (r === undefined) return;
    if (on) {
      r.inStep({ callId: call.id, node, on: true });
      if (!r.paused(call.id) && r.pause(call.id, true)) {
        pausedByFlow = true;
        r.toggled({ callId: call.id, node, paused: true });
      }
      return;
    }
    if (pausedByFlow) {
      pausedByFlow = false;
      // false: the call (and its recording) ended meanwhile, nothing is left to resume
      if (r.pause(call.id, false)) r.toggled({ callId: call.id, node, paused: false });
    }
    r.inStep({ callId: call.id, node, on: false });
  };
  return {
    caller: call.caller.number,
    dialled: ctx.step.dialled,
    sensitive,
    async answer() {
      return (await answered(call, ctx, services)) === null;
    },
    prompt,
    input: { kinds: services.speechInput !== undefined ? ['dtmf', 'speech'] : ['dtmf'], collect },
    async record(r) {
      if (r.beep) await call.play({ file: beepFile(services.scratchDir) });
      if (gone()) return null;
      const recording = await call.record({ maxS: r.maxS });
      if (recording === null) return null;
      // '#' (or any key) ends the message early, as voicemail does
      await call.collectDigits({ max: 1, terminators: '#', firstDigitTimeoutMs: r.maxS * 1000, interDigitTimeoutMs: 1000 });
      await recording.stop();
      return recording.path;
    },
  };
}
