// Steps on a call Hailing answers itself and keeps anchored (Asterisk's Answer() and Playback()):
// 'answer' answers the caller with an endpoint of its own, in the call's group so that a later
// dial step's callee endpoint shares its worker and the bridge is a relay between the two; 'play'
// plays a prompt file from the prompts folder to the caller (answering first when needed). Both
// leave the call to the next step ('next').
import { join } from 'node:path';
import { CallState, type Call } from '../call.js';
import { PROMPT_NAME } from '../dialplan/destinations.js';
import { BaseHandler, type HandlerContext, type HandlerOutcome } from './handler.js';
import { answerable, type LocalServices } from './local.js';

export interface AnchoredServices extends LocalServices {
  /** <dataDir>/prompts: the only folder prompts are read from */
  readonly promptsDir: string;
}

/** answers the caller here unless it already is; the outcome when it could not be (null: answered) */
export async function answered(call: Call, ctx: HandlerContext, services: LocalServices): Promise<HandlerOutcome | null> {
  if (call.state === CallState.AnsweredLocally) return null;
  if (call.state !== CallState.Routing) return { kind: 'killed', reason: 'call-ended' };
  const ready = await answerable({ call, ctx, services, group: call.id });
  if (!('media' in ready)) return ready;
  if (call.answer(ready.media, ready.media.lastSent()!)) return null;
  void ready.media.close();
  return { kind: 'killed', reason: 'call-ended' };
}

export class Answer extends BaseHandler {
  readonly name = 'answer';
  readonly #services: LocalServices;

  constructor(services: LocalServices) {
    super();
    this.#services = services;
  }

  protected async run(call: Call, ctx: HandlerContext): Promise<HandlerOutcome> {
    return (await answered(call, ctx, this.#services)) ?? { kind: 'next' };
  }
}

export class PlayPrompt extends BaseHandler {
  readonly name = 'play';
  readonly #services: AnchoredServices;

  constructor(services: AnchoredServices) {
    super();
    this.#services = services;
  }

  protected async run(call: Call, ctx: HandlerContext): Promise<HandlerOutcome> {
    const d = ctx.step.destination;
    if (d.kind !== 'play') throw new Error(`play cannot run a '${d.kind}' destination`);
    // the schema refused other names; checked again so that no entry can name a path
    if (!PROMPT_NAME.test(d.prompt)) throw new Error(`not a prompt name: ${d.prompt}`);
    const notAnswered = await answered(call, ctx, this.#services);
    if (notAnswered !== null) return notAnswered;
    const end = await call.play({ file: join(this.#services.promptsDir, d.prompt) });
    // a prompt that cannot be read is skipped, as Asterisk's Playback goes on: the call is not lost over it
    if (end === 'failed') ctx.logger.warn({ call: call.id, prompt: d.prompt }, 'prompt not played');
    return { kind: 'next' };
  }
}
