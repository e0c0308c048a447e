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
import type { CallRecord, ExtensionProfile } from './types.js';
import type { CallRecorder } from './call-recording.js';
import type { EndpointEvents, EndpointHandle, PlayItem, RemoteAddress } from '../../media/index.js';
import type { LocalMedia } from './local-media.js';

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silentLogger } as unknown as Logger;

const FLOW = { protocol: 'udp' as const, local: { address: '127.0.0.1', port: 5060 }, remote: { address: '127.0.0.1', port: 5070 } };
export const OFFER = new TextEncoder().encode('v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n');

export interface CallerRequest extends IncomingRequest {
  readonly replies: ReplyOptions[];
  cancel(): void;
}

/** the caller's INVITE, or with `inDialog` a request in its dialog (a re-INVITE unless `method` says otherwise) */
export function callerInvite(body: Uint8Array = OFFER, inDialog?: { cseq: number; method?: string }, headers: readonly { name: string; value: string }[] = []): CallerRequest {
  const method = inDialog?.method ?? 'INVITE';
  const message = createRequest({
    method,
    uri: 'sip:1002@pbx.test',
    headers: [
      { name: 'Via', value: `SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-test${inDialog?.cseq ?? 1}` },
      { name: 'From', value: '<sip:1001@pbx.test>;tag=caller' },
      { name: 'To', value: `<sip:1002@pbx.test>${inDialog ? ';tag=hailing-tag' : ''}` },
      { name: 'Call-ID', value: 'call-under-test' },
      { name: 'CSeq', value: `${inDialog?.cseq ?? 1} ${method}` },
      { name: 'Contact', value: '<sip:1001@127.0.0.1:5070>' },
      { name: 'Max-Forwards', value: '70' },
      ...headers,
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

export function callRig(options: { body?: Uint8Array; recorder?: CallRecorder; caller?: ExtensionProfile; headers?: readonly { name: string; value: string }[] } = {}): Rig {
  const clock = new FakeClock();
  const sent: SipRequest[] = [];
  const legContext: LegContext = {
    stack: {
      request: async ({ request }: { request: SipRequest }) => {
        sent.push(request);
        return { kind: 'response', version: 'SIP/2.0', status: 200, reason: 'OK', headers: [], body: new Uint8Array() } as unknown as SipResponse;
      },
      sendAck: async () => FLOW,
    } as unknown as LegContext['stack'],
    clock,
    timers: DEFAULT_TIMER_VALUES,
    logger: silentLogger,
    contact: '<sip:hailing@127.0.0.1:5060>',
  };
  const request = callerInvite(options.body, undefined, options.headers);
  const events: { event: string; record: CallRecord }[] = [];
  const hooks: CallHooks = {
    clock,
    logger: silentLogger,
    emit: (event, record) => void events.push({ event, record }),
    dtmf: () => {},
    index: { add() {}, remove() {} },
    forwardDtmf: () => {},
    ...(options.recorder ? { recorder: options.recorder } : {}),
    closed: () => {},
  };
  const call = new Call({ caller: options.caller ?? { number: '1001', displayName: null, permissions: ['internal'] }, callee: '1002', inbound: new InboundLeg(legContext, request), hooks });
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

  /** the RFC 3326 Reason each cancel() gave its CANCEL */
  readonly cancelReasons: (string | undefined)[] = [];
  cancel(reason?: string): void {
    if (!this.wanted) return;
    this.wanted = false;
    this.cancelled++;
    this.cancelReasons.push(reason);
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

  /** a 2xx to the callee's re-INVITE goes out once (its retransmission is Leg's, tested there) */
  answerInvite(request: IncomingRequest, reply: ReplyOptions): void {
    request.reply(reply);
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

/** An endpoint handle that records what it was told; the test emits its events (emit()). */
export class FakeEndpoint {
  readonly kind = 'rtp' as const;
  readonly rtpPort: number;
  readonly rtcpPort: number;
  readonly played: { id: string; item: PlayItem }[] = [];
  readonly remotes: (RemoteAddress | null)[] = [];
  readonly watched: boolean[] = [];
  connectedTo: FakeEndpoint | undefined;
  connects = 0;
  disconnects = 0;
  stops = 0;
  closed = 0;
  readonly #listeners = new Map<string, Set<(e: never) => void>>();
  static #next = 0;

  constructor(
    readonly id: string,
    readonly group = 'g',
  ) {
    this.rtpPort = 30000 + 2 * FakeEndpoint.#next++;
    this.rtcpPort = this.rtpPort + 1;
  }

  on<E extends keyof EndpointEvents>(event: E, listener: EndpointEvents[E]): () => void {
    let set = this.#listeners.get(event);
    if (!set) this.#listeners.set(event, (set = new Set()));
    set.add(listener as (e: never) => void);
    return () => void set.delete(listener as (e: never) => void);
  }

  emit<E extends keyof EndpointEvents>(event: E, payload: Parameters<EndpointEvents[E]>[0]): void {
    for (const l of [...(this.#listeners.get(event) ?? [])]) (l as (p: typeof payload) => void)(payload);
  }

  listeners(event: keyof EndpointEvents): number {
    return this.#listeners.get(event)?.size ?? 0;
  }

  connect(peer: FakeEndpoint): void {
    this.connects++;
    this.connectedTo = peer;
    peer.connectedTo = this;
  }
  disconnect(): void {
    this.disconnects++;
    if (this.connectedTo) this.connectedTo.connectedTo = undefined;
    this.connectedTo = undefined;
  }
  play(id: string, item: PlayItem): void {
    this.played.push({ id, item });
  }
  stopPlayback(): void {
    this.stops++;
  }
  setRemote(remote: RemoteAddress | null): void {
    this.remotes.push(remote);
  }
  watchTimeout(on: boolean): void {
    this.watched.push(on);
  }
  setFormat(): void {}
  detectInbandDtmf(): void {}
  startSpeechTap(): void {}
  stopSpeechTap(): void {}
  setSrtp(): void {}
  sendDtmf(): void {}
  async stats(): Promise<Record<string, never>> {
    return {};
  }
  async close(): Promise<Record<string, never>> {
    this.closed++;
    this.disconnect();
    return {};
  }
  get handle(): EndpointHandle {
    return this as unknown as EndpointHandle;
  }
}

/** Media that relays every SDP as it is and counts what was done to it. */
export class FakeMedia {
  closed = 0;
  watching: boolean | undefined;
  readonly caller: FakeEndpoint;
  readonly callee = new FakeEndpoint('callee-endpoint');
  /** the caller's endpoint belongs to the call (a bridge from a local answer): close() only disconnects it */
  readonly #anchored: boolean;

  constructor(o: { anchor?: FakeEndpoint } = {}) {
    this.caller = o.anchor ?? new FakeEndpoint('caller-endpoint');
    this.#anchored = o.anchor !== undefined;
    this.caller.connect(this.callee);
  }
  relay(_from: unknown, body: Uint8Array): { ok: true; body: Uint8Array; direction: 'sendrecv'; codec: string } {
    return { ok: true, body, direction: 'sendrecv', codec: 'PCMU' };
  }
  handles(): { side: 'caller' | 'callee'; endpoint: EndpointHandle }[] {
    return [
      { side: 'caller', endpoint: this.caller.handle },
      { side: 'callee', endpoint: this.callee.handle },
    ];
  }
  endpoint(side: 'caller' | 'callee'): EndpointHandle {
    return (side === 'caller' ? this.caller : this.callee).handle;
  }
  /** the fake's parties are relayed: their hold re-offers reach the other party */
  canAnswerHere(): boolean {
    return false;
  }
  answerCalleeReoffer(body: Uint8Array): { ok: true; body: Uint8Array; direction: 'sendrecv'; codec: string } {
    return this.relay('callee', body);
  }
  async prepareReoffer(): Promise<void> {}
  lastSent(): Uint8Array {
    return OFFER;
  }
  watch(on: boolean): void {
    this.watching = on;
  }
  async close(): Promise<undefined> {
    this.closed++;
    if (this.#anchored) this.caller.disconnect();
    else await this.caller.close();
    await this.callee.close();
    return undefined;
  }
  get media(): CallMedia {
    return this as unknown as CallMedia;
  }
}

/** The caller's own endpoint of a call answered here (LocalMedia): what it played, how often its format was told again. */
export class FakeLocal {
  reasserted = 0;
  closed = 0;
  readonly endpoint: FakeEndpoint;
  readonly answers: Uint8Array[] = [];

  constructor(id = 'anchor-endpoint', group = 'g') {
    this.endpoint = new FakeEndpoint(id, group);
  }
  get played(): string[] {
    return this.endpoint.played.map((p) => p.id);
  }
  get stops(): number {
    return this.endpoint.stops;
  }
  handles(): { side: 'caller'; endpoint: EndpointHandle }[] {
    return [{ side: 'caller', endpoint: this.endpoint.handle }];
  }
  reassertFormat(): void {
    this.reasserted++;
  }
  lastSent(): Uint8Array {
    return OFFER;
  }
  async answerReoffer(offer: Uint8Array): Promise<{ ok: true; body: Uint8Array; direction: 'sendrecv'; codec: string }> {
    this.answers.push(offer);
    return { ok: true, body: OFFER, direction: 'sendrecv', codec: 'PCMU' };
  }
  acceptAnswer(): void {}
  watch(): void {}
  async close(): Promise<undefined> {
    this.closed++;
    await this.endpoint.close();
    return undefined;
  }
  get media(): LocalMedia {
    return this as unknown as LocalMedia;
  }
}

/** lets queued promise callbacks run */
export const flush = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
};
