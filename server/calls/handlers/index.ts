// Destination kind → the handler that runs it. A new destination kind (queue, IVR flow, voicemail,
// outbound route) adds its handler here and its record in dialplan/destinations.ts.
import type { Destination } from '../dialplan/destinations.js';
import type { CallHandler, HandlerFactory } from './handler.js';
import type { ResolvedStep } from '../dialplan/resolver.js';
import { ConferenceRoom, Rooms, type ConferenceServices } from './conference.js';
import { DialExtension, RingGroup, type DialServices } from './dial.js';
export { dialNumbers } from './dial.js';
import { Monitor, type MonitorServices } from './monitor.js';
import { Answer, PlayPrompt, type AnchoredServices } from './anchored.js';
import { Pickup, type PickupServices } from './pickup.js';
import { OutboundRouteHandler, type RouteServices } from './route.js';
import { SayText, type SayServices } from './say.js';
import { depositMessage, Voicemail, type VoicemailPort } from './voicemail.js';

export { runForwardSteps, runSteps } from './handler.js';
export type { CallHandler, HandlerContext, HandlerOutcome, HandlerFactory } from './handler.js';
export type { CallHandling, DialServices } from './dial.js';
export type { MonitorServices } from './monitor.js';
export type { AnchoredServices } from './anchored.js';
export type { PickupServices } from './pickup.js';
export type { SayServices, SpeechPrompts } from './say.js';
export type { ConferenceServices } from './conference.js';
export type { RoomPolicies, RoomPolicy, RoomRole } from './conference-policy.js';
export type { OutboundDialer, RouteServices } from './route.js';
export type { VoicemailPort, VoicemailMessageView, PlayableAudio, MessageRecording, GreetingTake } from './voicemail.js';

/** The ACD's handlers (server/acd), given the services the call layer's own handlers use. */
export interface AcdHandlers {
  queue(services: DialServices & AnchoredServices & SayServices): CallHandler;
  agentLogin(services: AnchoredServices): CallHandler;
  isQueue(id: string): boolean;
  /** the call id of the queue call this extension's agent is talking on (supervisor monitoring) */
  agentCallOf?(extension: string): string | undefined;
}

/** The IVR's flow handler (server/ivr), given the call layer's services and this factory (a flow ends in a queue, an extension, another flow). */
export interface IvrHandlers {
  flow(services: DialServices & AnchoredServices & SayServices, run: HandlerFactory): CallHandler;
}

type Factories = { [K in Destination['kind']]: ((step: ResolvedStep) => CallHandler) | null };

export function handlerFactory(base: DialServices & MonitorServices & AnchoredServices & PickupServices & RouteServices & SayServices & Pick<ConferenceServices, 'musicOnHold' | 'conferencePolicies'> & { readonly acd?: AcdHandlers; readonly ivr?: IvrHandlers; readonly voicemail?: VoicemailPort | null; readonly rooms?: Rooms }): HandlerFactory {
  const acd = base.acd;
  const ivr = base.ivr;
  const voicemail = base.voicemail ?? null;
  // an extension's missed call goes to its mailbox (deposit answers only when the mailbox exists)
  const services = {
    ...base,
    voicemail,
    voicemailFallback: async (o: Parameters<NonNullable<DialServices['voicemailFallback']>>[0]) =>
      voicemail !== null && (await voicemail.box(o.mailbox)) !== null ? depositMessage({ ...o, services }) : null,
  };
  // the caller's registry when it lists the rooms (the API's live view); a private one otherwise
  const rooms = base.rooms ?? new Rooms(services);
  const factories: Factories = {
    extension: () => new DialExtension(services),
    'ring-group': () => new RingGroup(services),
    conference: () => new ConferenceRoom(services, rooms),
    feature: () => new Monitor(services),
    // the resolver replaces a 'number' step with the steps of the number it dials
    number: null,
    answer: () => new Answer(services),
    play: () => new PlayPrompt(services),
    pickup: () => new Pickup(services),
    say: () => new SayText(services),
    // the resolver replaces a 'calendar' step with the steps of the branch the calendar picks
    calendar: null,
    // without an ACD (unit tests of the call layer) a queue step has nothing to run it
    queue: acd ? () => acd.queue(services) : null,
    'agent-login': acd ? () => acd.agentLogin(services) : null,
    route: () => new OutboundRouteHandler(services),
    voicemail: () => new Voicemail(services),
    flow: ivr ? () => ivr.flow(services, factory) : null,
  };
  const factory: HandlerFactory = (step) => {
    const make = factories[step.destination.kind];
    if (make === null) throw new Error(`no handler runs a '${step.destination.kind}' step`);
    return make(step);
  };
  return factory;
}
