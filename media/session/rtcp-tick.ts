// RTCP from the endpoints that decode (MediaPort.tickRtcp), on the worker's 20 ms Ticker rather
// than a timer per endpoint. The ticker runs while those endpoints exist anyway (their rooms,
// transcoders, playback, recordings are on it); this target rides along and leaves with the last.
import type { Ticker, TickTarget } from './ticker.js';
import type { MediaPort } from './port.js';

/** frames between checks: each port keeps its own randomised due time (RFC 3550 §6.3.1); 200 ms is its resolution */
const CHECK_FRAMES = 10;

export class RtcpTick implements TickTarget {
  readonly #ticker: Ticker;
  readonly #ports: ReadonlyMap<string, MediaPort>;
  #frames = 0;

  constructor(options: { readonly ticker: Ticker; readonly ports: ReadonlyMap<string, MediaPort> }) {
    this.#ticker = options.ticker;
    this.#ports = options.ports;
  }

  tick(nowMs: number): void {
    if (++this.#frames % CHECK_FRAMES !== 0) return;
    if (this.#ticker.size <= 1) {
      this.#ticker.delete(this);
      return;
    }
    for (const port of this.#ports.values()) port.tickRtcp(nowMs);
  }
}
