// An outbound route step: the call leaves through a carrier trunk. The work (permission, limits,
// number rewriting, trying the route's trunks in order) is server/trunks' OutboundDialer, handed
// in by server/app, so that the call layer never imports the trunk layer.
import type { Call } from '../call.js';
import { FAILURES } from '../outcome.js';
import { BaseHandler, type HandlerContext, type HandlerOutcome } from './handler.js';
import type { DialServices } from './dial.js';

export interface OutboundDialer {
  dial(o: { readonly call: Call; readonly ctx: HandlerContext; readonly services: DialServices; readonly route: number; readonly isKilled: () => boolean }): Promise<HandlerOutcome>;
}

export interface RouteServices {
  /** absent: no trunks, a route step fails 404 */
  readonly outbound?: OutboundDialer;
}

export class OutboundRouteHandler extends BaseHandler {
  readonly name = 'outbound-route';
  readonly #services: DialServices & RouteServices;

  constructor(services: DialServices & RouteServices) {
    super();
    this.#services = services;
  }

  protected async run(call: Call, ctx: HandlerContext): Promise<HandlerOutcome> {
    const d = ctx.step.destination;
    if (d.kind !== 'route') throw new Error(`outbound-route cannot run a '${d.kind}' destination`);
    const outbound = this.#services.outbound;
    if (outbound === undefined) return { kind: 'failed', failure: FAILURES.notFound, by: 'system' };
    return outbound.dial({ call, ctx, services: this.#services, route: d.route, isKilled: () => this.killed !== undefined });
  }
}
