// One queue's waiting interactions in service order: higher priority first, then earlier arrival
// (a sequence number, so equal times keep their order). Kept sorted on insert, so an agent that
// becomes free walks from the head and position announcements are an index.

export interface Waiter {
  readonly id: string;
  readonly seq: number;
  priority: number;
}

/** negative when `a` is served before `b` */
export const serviceOrder = (a: Waiter, b: Waiter): number => b.priority - a.priority || a.seq - b.seq;

export class WaitingList<W extends Waiter> {
  readonly #items: W[] = [];

  get size(): number {
    return this.#items.length;
  }

  /** in service order */
  get items(): readonly W[] {
    return this.#items;
  }

  /** inserts in service order; returns the 1-based position */
  add(w: W): number {
    let lo = 0;
    let hi = this.#items.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (serviceOrder(this.#items[mid]!, w) <= 0) lo = mid + 1;
      else hi = mid;
    }
    this.#items.splice(lo, 0, w);
    return lo + 1;
  }

  remove(w: W): boolean {
    const i = this.#index(w);
    if (i < 0) return false;
    this.#items.splice(i, 1);
    return true;
  }

  /** 1-based, 0 when not waiting here */
  position(w: W): number {
    return this.#index(w) + 1;
  }

  #index(w: W): number {
    // binary search to the spot, then the exact item (priorities are unique per seq)
    let lo = 0;
    let hi = this.#items.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (serviceOrder(this.#items[mid]!, w) < 0) lo = mid + 1;
      else hi = mid;
    }
    return this.#items[lo] === w ? lo : this.#items.indexOf(w);
  }
}
