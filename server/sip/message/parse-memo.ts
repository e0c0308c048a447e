// A bounded memo for the pure header-value parsers (URI, name-addr, Via). One request's To, From and
// Via values are parsed by the parser's mandatory-header checks, the transaction layer, the response
// builder and the registrar, and a phone repeats the same values in its next request: under load
// that re-parsing was a large share of the CPU per REGISTER. Results are frozen values with
// read-only types, so handing the same one to every caller is safe.

/** Values longer than this are parsed every time, so hostile input cannot make the memo large. */
const MAX_KEY_LENGTH = 256;

export class ParseMemo<T> {
  readonly #entries = new Map<string, T>();
  readonly #maxEntries: number;
  readonly #parse: (text: string) => T;

  constructor(options: { maxEntries: number; parse: (text: string) => T }) {
    this.#maxEntries = options.maxEntries;
    this.#parse = options.parse;
  }

  get(text: string): T {
    if (text.length > MAX_KEY_LENGTH) return this.#parse(text);
    let result = this.#entries.get(text);
    if (result === undefined) {
      result = this.#parse(text);
      // first in, first out: cheaper than LRU upkeep on every hit, and the hits come close together
      if (this.#entries.size >= this.#maxEntries) this.#entries.delete(this.#entries.keys().next().value as string);
      this.#entries.set(text, result);
    }
    return result;
  }
}
