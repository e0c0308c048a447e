// The 'say' step: speaks text to the caller with on-device TTS (server/speech), answering first when
// needed, through the call's own playback (the synthesised prompt is a cached WAV file). Without a
// TTS engine, or when synthesis fails, the step is skipped with the reason logged, as a 'play' whose
// file cannot be read: the caller goes on to the next step rather than being dropped.
import { BaseHandler, type HandlerContext, type HandlerOutcome } from './handler.js';
import { answered } from './anchored.js';
import type { Call } from '../call.js';
import type { LocalServices } from './local.js';

/** what server/speech's TtsPrompts offers the call layer */
export interface SpeechPrompts {
  /** transient: not cached, the caller deletes the file once played (a prompt with a secret in it) */
  promptFile(req: { readonly text: string; readonly voice?: string; readonly rate: 8000 | 16000; readonly transient?: boolean }): Promise<string>;
}

export interface SayServices extends LocalServices {
  /** null: no TTS on this server ('say' steps are skipped) */
  readonly tts: SpeechPrompts | null;
}

export class SayText extends BaseHandler {
  readonly name = 'say';
  readonly #services: SayServices;

  constructor(services: SayServices) {
    super();
    this.#services = services;
  }

  protected async run(call: Call, ctx: HandlerContext): Promise<HandlerOutcome> {
    const d = ctx.step.destination;
    if (d.kind !== 'say') throw new Error(`say cannot run a '${d.kind}' destination`);
    const notAnswered = await answered(call, ctx, this.#services);
    if (notAnswered !== null) return notAnswered;
    const tts = this.#services.tts;
    if (tts === null) {
      ctx.logger.warn({ call: call.id }, "'say' skipped: no TTS engine on this server");
      return { kind: 'next' };
    }
    let file: string;
    try {
      // 8 kHz: narrowband is what every phone codec carries; the player converts for wideband legs
      file = await tts.promptFile({ text: d.text, ...(d.voice !== undefined ? { voice: d.voice } : {}), rate: 8000 });
    } catch (err) {
      ctx.logger.warn({ call: call.id, err: (err as Error).message }, "'say' skipped: synthesis failed");
      return { kind: 'next' };
    }
    const end = await call.play({ file });
    if (end === 'failed') ctx.logger.warn({ call: call.id }, 'synthesised prompt not played');
    return { kind: 'next' };
  }
}
