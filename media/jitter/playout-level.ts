// How much audio a jitter buffer holds ahead of its playout point, sampled at each pop, and the
// advice derived from it: drop a frame (shrink, slowly) or insert one (grow, quickly). The jitter
// buffer owns the numbers; the caller acts on the advice, because only it can hear whether a frame
// is quiet enough to drop or stretch.

/** pops between two adjustments: shrinking waits 200 ms, growing 40 ms */
const DROP_EVERY_POPS = 10;
const INSERT_EVERY_POPS = 2;
/** the level's minimum is taken over windows of this many pops (0.5 s), the last two windows */
const WINDOW_POPS = 25;

export class PlayoutLevel {
  #last = 0;
  #windowMin = Infinity;
  #previousMin = Infinity;
  #windowPops = 0;
  #sinceAdjust = 0;

  /** the level at the last pop (clock units) */
  get last(): number {
    return this.#last;
  }

  /** one pop, with the level it found (clock units) */
  sample(level: number): void {
    this.#sinceAdjust++;
    this.#last = level;
    if (level < this.#windowMin) this.#windowMin = level;
    if (++this.#windowPops >= WINDOW_POPS) {
      this.#previousMin = this.#windowMin;
      this.#windowMin = Infinity;
      this.#windowPops = 0;
    }
  }

  /** at least one packet more than the target has been held for a whole window */
  shouldDrop(target: number, packet: number): boolean {
    return this.#sinceAdjust >= DROP_EVERY_POPS && Math.min(this.#windowMin, this.#previousMin) > target + packet;
  }

  shouldInsert(target: number): boolean {
    return this.#sinceAdjust >= INSERT_EVERY_POPS && this.#last < target;
  }

  /** an adjustment was made, or playout (re)started: the old samples no longer describe the buffer */
  restart(): void {
    this.#sinceAdjust = 0;
    this.#windowMin = this.#previousMin = Infinity;
  }

  reset(): void {
    this.restart();
    this.#last = 0;
    this.#windowPops = 0;
  }
}
