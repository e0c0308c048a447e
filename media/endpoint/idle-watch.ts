// Media timeout (Asterisk rtptimeout): a watched endpoint that received no RTP for `timeoutMs`
// is reported once; it is reported again only after RTP came back or the watch was restarted.
// Pure: the worker calls `check` from one periodic tick with the endpoint's packet counter, so
// the packet path never reads a clock for this.

export class IdleWatch {
  readonly #timeoutMs: number;
  #on = false;
  #lastCount = 0;
  #lastActive = 0;
  #reported = false;

  constructor(timeoutMs: number) {
    this.#timeoutMs = timeoutMs;
  }

  get watching(): boolean {
    return this.#on;
  }

  set(on: boolean, packetCount: number, now: number): void {
    this.#on = on && this.#timeoutMs > 0;
    this.#lastCount = packetCount;
    this.#lastActive = now;
    this.#reported = false;
  }

  /** the idle time to report now, or -1 */
  check(packetCount: number, now: number): number {
    if (!this.#on) return -1;
    if (packetCount !== this.#lastCount) {
      this.#lastCount = packetCount;
      this.#lastActive = now;
      this.#reported = false;
      return -1;
    }
    const idle = now - this.#lastActive;
    if (this.#reported || idle < this.#timeoutMs) return -1;
    this.#reported = true;
    return idle;
  }
}
