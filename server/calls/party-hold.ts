// A party's own hold (RFC 3264 §8.4: its re-offer says a=sendonly or a=inactive) and resume: the
// other party, now on hold, hears music on hold from the endpoint facing it, which plays "instead
// of its peer's media" (media/types.ts) until the holder resumes. Whether the re-offer was relayed
// (in-dialog.ts) or answered by an endpoint Hailing anchors (in-dialog-local.ts) makes no
// difference here: the endpoints facing both parties are Hailing's either way.
import type { EndpointHandle, PlayItem } from '../../media/index.js';
import type { Logger } from '../sip/index.js';
import type { Direction, Side } from './call-media.js';
import type { CallEvents } from './call-events.js';
import type { CallPlayback } from './call-playback.js';

const other = (side: Side): Side => (side === 'caller' ? 'callee' : 'caller');

/** RFC 3264 §8.4: a party that stops receiving is putting the other one on hold */
export const holds = (direction: Direction): boolean => direction === 'sendonly' || direction === 'inactive';

export interface PartyHoldHost {
  readonly callId: string;
  readonly logger: Logger;
  readonly events: CallEvents;
  readonly playback: CallPlayback;
  /** the endpoints facing each party, while there is a conversation */
  parties(): { readonly caller: EndpointHandle; readonly callee: EndpointHandle } | undefined;
  /** what a held party hears (the default class's playlist, looped); undefined: silence */
  music(): Promise<PlayItem | undefined>;
}

export class PartyHold {
  readonly #host: PartyHoldHost;
  /** parties that hold the other one now */
  readonly #holding = new Set<Side>();

  constructor(host: PartyHoldHost) {
    this.#host = host;
  }

  /** the parties holding the other one now */
  get holding(): readonly Side[] {
    return [...this.#holding];
  }

  /** `side`'s re-offer (answered) said `direction`: the other party goes on or comes off hold */
  async changed(side: Side, direction: Direction): Promise<void> {
    const h = this.#host;
    const on = holds(direction);
    if (on === this.#holding.has(side)) return;
    const facingHeld = h.parties()?.[other(side)];
    if (!on) {
      this.#holding.delete(side);
      facingHeld?.stopPlayback();
      facingHeld?.watchTimeout(true);
      h.events.emit('media', { kind: 'party-resumed', side });
      return;
    }
    this.#holding.add(side);
    // RFC 3264 §8.4: a held phone may stop sending too; the call is not lost over that silence
    facingHeld?.watchTimeout(false);
    h.events.emit('media', { kind: 'party-held', side });
    const item = await h.music().catch((err: unknown) => {
      h.logger.warn({ call: h.callId, err: String(err) }, 'music on hold not available');
      return undefined;
    });
    // the holder may have resumed while the class was looked up
    if (item !== undefined && facingHeld !== undefined && this.#holding.has(side)) void h.playback.play(facingHeld, item, { wait: false });
  }
}
