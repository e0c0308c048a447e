// Symmetric RTP latching (RFC 4961 symmetric RTP; the "strict RTP" of Asterisk and rtpengine) as a
// pure state machine: it is fed (address, port, now) per packet and says whether to accept it.
//
//   open ──first packet──▶ learning ──window over──▶ locked
//     ▲                      │  another source within the window: re-latch to it,
//     └──── reset() ─────────┘  unless already latched to the address the SDP named
//
// - open: nothing heard since the endpoint was made or setRemote() reset it; the first valid
//   packet latches its source (a phone behind NAT sends from an address its SDP does not name).
// - learning: for `windowMs` after that first packet a different source takes over the latch:
//   a phone may send its first packets from another socket, and a stray packet of the previous
//   call on a reused port must not keep the new call's media. The SDP's own address is trusted
//   more than any other: once latched to it, it is kept.
// - locked: only the latched source is accepted; anything else is dropped (RTP bleed / injection).

export const LATCH_OPEN = 0;
export const LATCH_LEARNING = 1;
export const LATCH_LOCKED = 2;

/** What `onPacket` decided. */
export const ACCEPT = 0;
/** accepted, and the latch (now) points at this source */
export const ACCEPT_LATCHED = 1;
export const DROP = 2;

export class Latch {
  readonly #windowMs: number;
  state = LATCH_OPEN;
  address = '';
  port = 0;
  #since = 0;
  #sdpAddress = '';
  #sdpPort = -1;

  constructor(windowMs: number) {
    this.#windowMs = windowMs;
  }

  /** forget the latch: new SDP arrived (`sdp` is the address it names, if any) */
  reset(sdpAddress: string | null, sdpPort: number): void {
    this.state = LATCH_OPEN;
    this.address = '';
    this.port = 0;
    this.#sdpAddress = sdpAddress ?? '';
    this.#sdpPort = sdpAddress === null ? -1 : sdpPort;
  }

  get latched(): boolean {
    return this.state !== LATCH_OPEN;
  }

  /**
   * `now` is only read while learning, so the caller may pass a stale clock once locked; the
   * relay passes a per-worker clock and never reads time per packet in the locked state.
   */
  onPacket(address: string, port: number, now: number): number {
    if (this.state === LATCH_LOCKED) return port === this.port && address === this.address ? ACCEPT : DROP;
    if (this.state === LATCH_OPEN) {
      this.#latch(address, port);
      this.#since = now;
      this.state = this.#windowMs > 0 ? LATCH_LEARNING : LATCH_LOCKED;
      return ACCEPT_LATCHED;
    }
    const same = port === this.port && address === this.address;
    if (now - this.#since >= this.#windowMs) {
      this.state = LATCH_LOCKED;
      return same ? ACCEPT : DROP;
    }
    if (same) return ACCEPT;
    if (port === this.#sdpPort && address === this.#sdpAddress) {
      this.#latch(address, port);
      return ACCEPT_LATCHED;
    }
    if (this.port === this.#sdpPort && this.address === this.#sdpAddress) return DROP;
    this.#latch(address, port);
    return ACCEPT_LATCHED;
  }

  #latch(address: string, port: number): void {
    this.address = address;
    this.port = port;
  }
}
