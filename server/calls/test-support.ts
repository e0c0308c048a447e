// Fakes for unit tests of Call and its handlers on the fake clock: the caller's INVITE as the SIP
// stack hands it over (replies recorded), forks whose responses the test sends, and media that
// relays any SDP. Only the call layer's own logic runs for real.
import { createRequest, DEFAULT_TIMER_VALUES, FakeClock } from '../sip/index.js';
import type { IncomingRequest, Logger, ReplyOptions, SipRequest, SipResponse } from '../sip/index.js';
import { Call, type CallHooks } from './call.js';
import type { CallMedia } from './call-media.js';
import { InboundLeg } from './inbound-leg.js';
import type { LegContext } from './leg.js';
import type { OutboundLeg } from './outbound-leg.js';
import type { CallRecord } from './types.js';

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silentLogger } as unknown as Logger;

const FLOW = { protocol: 'udp' as const, local: { address: '127.0.0.1', port: 5060 }, remote: { address: '127.0.0.1', port: 5070 } };
export const OFFER = new TextEncoder().encode('v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n');

export interface CallerRequest extends IncomingRequest {
  readonly replies: ReplyOptions[];
  cancel(): void;
}

export function callerInvite(body: Uint8Array = OFFER, inDialog?: { cseq: number }): CallerRequest {
  const message = createRequest({
    method: 'INVITE',
    uri: 'sip:1002@pbx.test',
    headers: [
      { name: 'Via', value: `SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-test${inDialog?.cseq ?? 1}` },
      { name: 'From', value: '<sip:1001@pbx.test>;tag=caller' },
      { name: 'To', value: `<sip:1002@pbx.test>${inDialog ? ';tag=hailing-tag' : ''}` },
      { name: 'Call-ID', value: 'call-under-test' },
      { name: 'CSeq', value: `${inDialog?.cseq ?? 1} INVITE` },
      { name: 'Contact', value: '<sip:1001@127.0.0.1:5070>' },
      { name: 'Max-Forwards', value: '70' },
    ],
    body,
  });
  const replies: ReplyOptions[] = [];
  const cancels: (() => void)[] = [];
  return {
    message,
    flow: FLOW,
    source: FLOW.remote,
    replies,
    reply: (r) => void replies.push(r),
    onCancel: (l) => void cancels.push(l),
    toTag: () => 'hailing-tag',
    cancel: () => cancels.forEach((l) => l()),
  };
}

export interface Rig {
  readonly clock: FakeClock;
  readonly call: Call;
  readonly request: CallerRequest;
  readonly events: { event: string; record: CallRecord }[];
  /** requests the caller's leg sent (BYE) */
  readonly sent: SipRequest[];
  readonly legContext: LegContext;
}

export function callRig(options: { body?: Uint8Array } = {}): Rig {
  const clock = new FakeClock();
  const sent: SipRequest[] = [];
  const legContext: LegContext = {
    stack: {
      request: async ({ request }: { request: SipRequest }) => {
        sent.push(request);
        return { kind: 'response', version: 'SIP/2.0', status: 200, reason: 'OK', headers: [], body: new Uint8Array() } as unknown as SipResponse;
      },
      sendAck: () => {},
    } as unknown as LegContext['stack'],
    clock,
    timers: DEFAULT_TIMER_VALUES,
    logger: silentLogger,
    contact: '<sip:hailing@127.0.0.1:5060>',
  };
  const request = callerInvite(options.body);
  const events: { event: string; record: CallRecord }[] = [];
  const hooks: CallHooks = {
    clock,
    logger: silentLogger,
    emit: (event, record) => void events.push({ event, record }),
    dtmf: () => {},
    index: { add() {}, remove() {} },
    endpoints: { add() {}, remove() {} },
    closed: () => {},
  };
  const call = new Call({ caller: { number: '1001', displayName: null, permissions: ['internal'] }, callee: '1002', inbound: new InboundLeg(legContext, request), hooks });
  request.onCancel?.(() => call.cancelledByCaller());
  return { clock, call, request, events, sent, legContext };
}

/** A fork whose provisional and final responses the test sends. */
export class FakeFork {
  wanted = true;
  sipStatus: number | null = null;
  answeredAt: number | null = null;
  endedAt: number | null = null;
  readonly id = `fork-${Math.random().toString(16).slice(2)}`;
  readonly sipCallId = 'fork-call-id';
  readonly target = { contact: 'sip:1002@127.0.0.1:5080', flow: FLOW };
  readonly startedAt = 0;
  dialogKey: string | undefined;
  cancelled = 0;
  byes = 0;
  #provisional: ((r: SipResponse) => void) | undefined;
  #final!: (r: SipResponse) => void;
  readonly #done = new Promise<SipResponse>((resolve) => (this.#final = resolve));

  start(onProvisional: (r: SipResponse) => void): Promise<SipResponse> {
    this.#provisional = onProvisional;
    return this.#done;
  }

  respond(status: number, body: Uint8Array = new Uint8Array()): void {
    const r = { kind: 'response', version: 'SIP/2.0', status, reason: '', headers: [], body } as unknown as SipResponse;
    if (status < 200) return this.#provisional?.(r);
    this.sipStatus = status;
    if (status < 300) this.dialogKey = `fork-dialog-${this.id}`;
    this.#final(r);
  }

  cancel(): void {
    if (!this.wanted) return;
    this.wanted = false;
    this.cancelled++;
    if (this.sipStatus === null) this.respond(487);
  }

  async bye(): Promise<void> {
    this.byes++;
  }

  release(): void {}

  /** in-dialog requests from the callee pass the order check */
  accept(): boolean {
    return true;
  }

  /** what was sent to the callee in its dialog; the answer never comes unless the test resolves it */
  readonly requests: { method: string; resolve: (r: SipResponse | undefined) => void }[] = [];
  send(options: { method: string }): Promise<SipResponse | undefined> {
    return new Promise((resolve) => this.requests.push({ method: options.method, resolve }));
  }

  get leg(): OutboundLeg {
    return this as unknown as OutboundLeg;
  }
}

/** Media that relays every SDP as it is and counts what was done to it. */
export class FakeMedia {
  closed = 0;
  watching: boolean | undefined;
  relay(_from: unknown, body: Uint8Array): { ok: true; body: Uint8Array; direction: 'sendrecv'; codec: string } {
    return { ok: true, body, direction: 'sendrecv', codec: 'PCMU' };
  }
  endpointIds(): string[] {
    return ['caller-endpoint', 'callee-endpoint'];
  }
  async prepareReoffer(): Promise<void> {}
  lastSent(): Uint8Array {
    return OFFER;
  }
  endpointId(side: 'caller' | 'callee'): string {
    return `${side}-endpoint`;
  }
  watch(on: boolean): void {
    this.watching = on;
  }
  async close(): Promise<undefined> {
    this.closed++;
    return undefined;
  }
  get media(): CallMedia {
    return this as unknown as CallMedia;
  }
}

/** lets queued promise callbacks run */
export const flush = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
};
