// Strict-source latching (RFC 4961 symmetric RTP; rtpengine's strict-source, Asterisk's strictrtp)
// as a pure state machine: it is fed (address, port, now) per packet and says whether to accept it.
//
//   open ──first legitimate packet──▶ learning ──window over──▶ locked
//     ▲                                 │  another legitimate source within the window: re-latch to
//     └──── reset() / trust() ──────────┘  it, unless already latched to the SDP's address and port
//
// Legitimate: a source whose address signalling named for this leg, the SDP's connection address
// (c=) or an address the leg's SIP came from (a phone behind NAT sends RTP from its public address,
// with any port, while its SDP names a private one). Everything else is foreign: dropped in every
// state, during ringing and after, and it never starts the learning window, so a stranger spraying
// the relay range cannot take the latch, nor close the window before the real phone has spoken.
// A leg whose SIP source is known but whose SDP is not yet (a callee still ringing) accepts nothing.
// Only an endpoint that signalling told nothing about (no SDP address, no SIP source) learns from
// any source, as plain symmetric RTP does.
// - open: no legitimate packet since the endpoint was made or reset; the first one latches.
// - learning: for `windowMs` after that first packet another legitimate source takes over (a phone
//   whose first packets left from another socket). The SDP's own address and port is trusted most:
//   once latched to it, it is kept.
// - locked: only the latched source is accepted, except the SDP's own address and port, which may
//   still take over a latch that learned another legitimate source (another device behind the
//   same NAT, or on the same host, that spoke first).

export const LATCH_OPEN = 0;
export const LATCH_LEARNING = 1;
export const LATCH_LOCKED = 2;

/** What `onPacket` decided. */
export const ACCEPT = 0;
/** accepted, and the latch (now) points at this source */
export const ACCEPT_LATCHED = 1;
/** a source signalling did not name, or not the latched one after the window: foreign */
export const DROP = 2;

/** at most this many SIP source addresses per leg (a callee's forks); more are ignored */
export const MAX_TRUSTED = 8;

export class Latch {
  readonly #windowMs: number;
  state = LATCH_OPEN;
  address = '';
  port = 0;
  #since = 0;
  #sdpAddress = '';
  #sdpPort = -1;
  /** setRemote() has been called: the party's SDP is known (its c= may still name no address) */
  #described = false;
  /** trust() was called: the leg's SIP sources are known (strict, even if none fits the socket) */
  #signalled = false;
  /** the SIP source addresses, a fixed array compared in a loop: no allocation per packet */
  readonly #sip: string[] = [];

  constructor(windowMs: number) {
    this.#windowMs = windowMs;
  }

  /** forget the latch: new SDP arrived (`sdpAddress` is the address it names, if any) */
  reset(sdpAddress: string | null, sdpPort: number): void {
    this.#reopen();
    this.#described = true;
    this.#sdpAddress = sdpAddress ?? '';
    this.#sdpPort = sdpAddress === null ? -1 : sdpPort;
  }

  /** the addresses this leg's SIP came from (IP literals as the socket writes them); reopens the latch */
  trust(addresses: readonly string[]): void {
    // strict from now on, even when none of them can be written for this socket's family
    this.#signalled = true;
    this.#sip.length = 0;
    for (const a of addresses) if (a !== '' && !this.#sip.includes(a) && this.#sip.length < MAX_TRUSTED) this.#sip.push(a);
    this.#reopen();
  }

  #reopen(): void {
    this.state = LATCH_OPEN;
    this.address = '';
    this.port = 0;
  }

  get latched(): boolean {
    return this.state !== LATCH_OPEN;
  }

  /**
   * `now` is only read while learning, so the caller may pass a stale clock once locked; the
   * relay passes a per-worker clock and never reads time per packet in the locked state.
   */
  onPacket(address: string, port: number, now: number): number {
    if (this.state === LATCH_LEARNING && now - this.#since >= this.#windowMs) this.state = LATCH_LOCKED;
    // the relay's common case first: locked, from the latched source (two comparisons)
    const same = port === this.port && address === this.address;
    if (this.state === LATCH_LOCKED && same) return ACCEPT;
    const exact = port === this.#sdpPort && address === this.#sdpAddress;
    if (this.state === LATCH_LOCKED) {
      if (!exact) return DROP;
      this.#latch(address, port);
      return ACCEPT_LATCHED;
    }
    if (!exact && !this.#legitimate(address)) return DROP;
    if (this.state === LATCH_OPEN) {
      this.#latch(address, port);
      this.#since = now;
      this.state = this.#windowMs > 0 ? LATCH_LEARNING : LATCH_LOCKED;
      return ACCEPT_LATCHED;
    }
    if (same) return ACCEPT;
    if (!exact && this.port === this.#sdpPort && this.address === this.#sdpAddress) return DROP;
    this.#latch(address, port);
    return ACCEPT_LATCHED;
  }

  /**
   * RFC 4961 §3 learns the peer from its packets; signalling says which peers may be learnt. A party
   * sends media only after it has sent its SDP (RFC 3264 §5, §6), so a leg whose SIP is known but
   * whose SDP is not (a callee still ringing) expects nothing yet.
   */
  #legitimate(address: string): boolean {
    const sip = this.#sip;
    if (!this.#described) return !this.#signalled;
    if (!this.#signalled && this.#sdpPort < 0) return true;
    if (address === this.#sdpAddress) return true;
    for (let i = 0; i < sip.length; i++) if (sip[i] === address) return true;
    return false;
  }

  #latch(address: string, port: number): void {
    this.address = address;
    this.port = port;
  }
}
