// *50 / *51 from a desk phone (a dial plan 'agent-login' step): the call is answered, the agent
// keys the PIN and #, and the agent whose extension is the calling phone's and whose PIN matches
// is logged in or out. The result goes on the call's record; the call then ends (the plan's end).
import type { Call } from '../calls/call.js';
import { answered } from '../calls/handlers/anchored.js';
import { BaseHandler, type HandlerContext, type HandlerOutcome } from '../calls/handlers/handler.js';
import type { AnchoredServices } from '../calls/handlers/index.js';
import type { Acd } from './engine.js';
import type { PinHasher } from './pin.js';

/** how long the agent has to key the PIN */
const PIN_TIMEOUT_MS = 20_000;
const MAX_PIN = 12;

export class AgentLoginHandler extends BaseHandler {
  readonly name = 'agent-login';
  readonly #acd: Acd;
  readonly #services: AnchoredServices;
  readonly #pins: PinHasher;

  constructor(o: { acd: Acd; services: AnchoredServices; pins: PinHasher }) {
    super();
    this.#acd = o.acd;
    this.#pins = o.pins;
    this.#services = o.services;
  }

  protected async run(call: Call, ctx: HandlerContext): Promise<HandlerOutcome> {
    const d = ctx.step.destination;
    if (d.kind !== 'agent-login') throw new Error(`agent-login cannot run a '${d.kind}' destination`);
    const notAnswered = await answered(call, ctx, this.#services);
    if (notAnswered !== null) return notAnswered;
    const pin = await this.#collect(call);
    const agent = pin === null ? undefined : [...this.#acd.agents.values()].find((a) => a.config.extension === call.caller.number && this.#pins.matches({ stored: a.config.pinHash, pin }));
    const result = agent === undefined ? { ok: false as const, reason: pin === null ? 'no PIN keyed' : 'no agent with this phone and PIN' } : d.action === 'login' ? this.#acd.desk.login({ agentId: agent.config.id }) : this.#acd.desk.logout({ agentId: agent.config.id });
    call.routed([{ number: ctx.step.dialled, entry: null, pattern: null, result: 'matched', reason: `agent ${d.action}${agent ? ` ${agent.config.id}` : ''}: ${result.ok ? 'done' : result.reason}` }]);
    return { kind: 'next' };
  }

  /** digits until '#' (RFC 4733 events or in-band, as the call reports them), or null on time-out / hang-up */
  #collect(call: Call): Promise<string | null> {
    return new Promise((resolve) => {
      let digits = '';
      const clock = this.#acd.clock;
      const done = (v: string | null) => {
        off();
        clock.clearTimeout(timer);
        resolve(v);
      };
      const timer = clock.setTimeout(() => done(null), PIN_TIMEOUT_MS);
      const off = call.on('dtmf', (e) => {
        if (e.side !== 'caller') return;
        if (e.digit === '#') done(digits.length > 0 ? digits : null);
        else if (/^[0-9]$/.test(e.digit) && digits.length < MAX_PIN) digits += e.digit;
      });
      this.onKill(() => done(null));
    });
  }
}
