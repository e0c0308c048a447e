// What plays to a call's caller endpoint: each play gets its own id, and the engine's 'play-done'
// for that id (the endpoint's own event, routed to the call) settles the promise play() returned.
import type { EndpointHandle, PlayItem } from '../../media/index.js';

export type PlayEnd = 'finished' | 'stopped' | 'failed';

export class CallPlayback {
  readonly #plays = new Map<string, (end: PlayEnd) => void>();
  #seq = 0;

  /** plays `item` on `endpoint` until it ends; nothing waits for a play started with `{ wait: false }` */
  play(endpoint: EndpointHandle, item: PlayItem, o: { readonly wait: boolean }): Promise<PlayEnd> {
    const id = `${item.tone ?? 'play'}-${++this.#seq}`;
    const ended = o.wait ? new Promise<PlayEnd>((resolve) => this.#plays.set(id, resolve)) : Promise.resolve<PlayEnd>('stopped');
    endpoint.play(id, item);
    return ended;
  }

  /** the engine's 'play-done' */
  done(id: string, reason: PlayEnd): void {
    const resolve = this.#plays.get(id);
    this.#plays.delete(id);
    resolve?.(reason);
  }

  /** the call ended: every play still waited for ends as stopped */
  close(): void {
    for (const resolve of this.#plays.values()) resolve('stopped');
    this.#plays.clear();
  }
}
