// Supervisor monitoring by feature code, as Asterisk's ChanSpy does it: *222<ext> listen, *223<ext>
// whisper (the agent hears the supervisor), *224<ext> barge; during monitoring the supervisor
// switches with DTMF 4 (listen), 5 (whisper), 6 (barge). It needs the 'monitor' class (the default
// dial plan entries ask for it; the handler checks again for entries written without it). The
// supervisor's call ends with the monitored call, and the monitored call goes back to its plain
// relay when the supervisor leaves.
import type { MonitorMode } from '../../../media/index.js';
import type { Call } from '../call.js';
import { FAILURES, type Failure } from '../outcome.js';
import { BaseHandler, type HandlerContext, type HandlerOutcome } from './handler.js';
import { answerable, type LocalServices } from './local.js';

const MODES: Record<string, MonitorMode> = { 'monitor-listen': 'listen', 'monitor-whisper': 'whisper', 'monitor-barge': 'barge' };
const MODE_DIGITS: Record<string, MonitorMode> = { '4': 'listen', '5': 'whisper', '6': 'barge' };
/** RFC 3261 §21.4.24: the call is there but already taken (by another supervisor) */
const ALREADY_MONITORED: Failure = { status: 486, disposition: 'BUSY', cause: 'already-monitored' };

export interface MonitorServices extends LocalServices {
  /** the answered two-party call an extension is in (the one to monitor) */
  readonly activeCallOf: (extension: string) => Call | undefined;
  /** ids of the calls being monitored: one supervisor per call */
  readonly monitored: Set<string>;
}

const failed = (failure: Failure): HandlerOutcome => ({ kind: 'failed', failure, by: 'system' });

export class Monitor extends BaseHandler {
  readonly name = 'monitor';
  readonly #s: MonitorServices;

  constructor(services: MonitorServices) {
    super();
    this.#s = services;
  }

  protected async run(call: Call, ctx: HandlerContext): Promise<HandlerOutcome> {
    const d = ctx.step.destination;
    const mode = d.kind === 'feature' ? MODES[d.feature] : undefined;
    if (mode === undefined) throw new Error(`monitor cannot run a '${d.kind}' destination`);
    const extension = ctx.step.argument;
    if (ctx.request.message.body.length === 0) return failed(FAILURES.notAcceptable);
    if (!call.caller.permissions.includes('monitor')) return failed(FAILURES.forbidden);
    const target = this.#s.activeCallOf(extension);
    const parties = target?.parties;
    if (target === undefined || parties === undefined) return failed(FAILURES.unavailable);
    // one supervisor per call: a room holds one monitoring matrix, and a second room would take the
    // call's endpoints out of the first (media/worker/sessions.ts moves a port between rooms)
    if (this.#s.monitored.has(target.id)) return failed(ALREADY_MONITORED);
    // the supervisor's endpoint joins the worker of the conversation's endpoints (a two-party
    // call's, a bridge's or a picked-up call's: each keeps both in one group)
    const ready = await answerable({ call, ctx, services: this.#s, group: parties.caller.group });
    if (!('media' in ready)) return ready;
    const media = ready.media;
    const now = target.parties;
    if (this.#s.monitored.has(target.id) || now === undefined) {
      await media.close();
      return failed(this.#s.monitored.has(target.id) ? ALREADY_MONITORED : FAILURES.unavailable);
    }
    const room = this.#s.engine.createRoom({ group: now.caller.group, sampleRate: 8000 });
    const agent = target.caller.number === extension ? now.caller : now.callee;
    room.join(now.caller);
    room.join(now.callee);
    room.join(media.endpoint);
    room.monitor({ supervisor: media.endpoint, agent, mode });
    this.#s.monitored.add(target.id);
    const offs = [
      // the supervisor's own digits switch the mode
      call.on('dtmf', (e) => {
        const next = MODE_DIGITS[e.digit];
        if (e.side !== 'caller' || next === undefined) return;
        room.monitor({ supervisor: media.endpoint, agent, mode: next });
        ctx.logger.info({ call: call.id, mode: next }, 'monitoring mode changed');
      }),
      target.on('close', () => {
        stop();
        void call.hangup('system', 'monitored-call-ended');
      }),
    ];
    const stop = (): void => {
      offs.forEach((off) => off());
      if (!this.#s.monitored.delete(target.id)) return;
      // the monitored call goes back to its plain relay (or transcoder)
      room.close();
    };
    call.adopt({ close: stop });
    if (!call.answerHere(media, media.lastSent()!)) {
      stop();
      void media.close();
      return { kind: 'killed', reason: 'call-ended' };
    }
    ctx.logger.info({ call: call.id, target: target.id, extension, mode }, 'monitoring started');
    return { kind: 'answered' };
  }
}
