// Indexes live transactions for matching (RFC 3261 §17.1.3 responses → client transactions,
// §17.2.3 requests → server transactions), CANCEL targets (§9.2) and merged requests (§8.2.2.2).
// Entries are removed when a transaction terminates, so the maps hold only live transactions.
import type { SipRequest, SipResponse } from '../message/types.js';
import type { MessageIdentity, RequestKeys } from './identity.js';
import { clientKey, serverKey } from './identity.js';
import type { InviteClientTransaction } from './invite-client.js';
import { InviteServerTransaction } from './invite-server.js';
import type { NonInviteClientTransaction } from './non-invite-client.js';
import type { NonInviteServerTransaction } from './non-invite-server.js';

export type ServerTransaction = InviteServerTransaction | NonInviteServerTransaction;
export type ClientTransaction = InviteClientTransaction | NonInviteClientTransaction;

export interface ServerEntry {
  readonly transaction: ServerTransaction;
  readonly identity: MessageIdentity;
  /** set by the core when the TU asked for the INVITE to be cancelled */
  cancelled: boolean;
  /** the core's hook for a CANCEL matching this INVITE (RFC 3261 §9.2) */
  onCancel?: () => void;
  /** the To-tag of the INVITE's responses, so the 200 to a CANCEL can carry the same (RFC 3261 §9.2) */
  toTag?: () => string | undefined;
}

export class TransactionManager {
  readonly #server = new Map<string, ServerEntry>();
  readonly #merge = new Map<string, ServerEntry>();
  readonly #client = new Map<string, ClientTransaction>();

  get serverCount(): number {
    return this.#server.size;
  }

  get clientCount(): number {
    return this.#client.size;
  }

  /** RFC 3261 §17.2.3: the server transaction a request (or its ACK) belongs to. */
  findServer(keys: RequestKeys): ServerEntry | undefined {
    return this.#server.get(keys.server);
  }

  /** RFC 3261 §9.2: the INVITE server transaction a CANCEL targets (same key, method INVITE). */
  findCancelTarget(cancel: SipRequest, id: MessageIdentity): ServerEntry | undefined {
    const entry = this.#server.get(serverKey(cancel.uri, cancel.method, id, 'INVITE'));
    return entry && entry.transaction instanceof InviteServerTransaction ? entry : undefined;
  }

  /**
   * RFC 3261 §8.2.2.2: a request with no To-tag whose From tag, Call-ID and CSeq equal those of a
   * live transaction it does not match (a forked copy that reached us by another path).
   */
  isMerged(request: SipRequest, keys: RequestKeys): boolean {
    if (keys.merge === undefined || request.method === 'ACK') return false;
    const other = this.#merge.get(keys.merge);
    return other !== undefined && !other.transaction.terminated && this.#server.get(keys.server) !== other;
  }

  addServer(keys: RequestKeys, id: MessageIdentity, transaction: ServerTransaction): ServerEntry {
    const key = keys.server;
    const entry: ServerEntry = { transaction, identity: id, cancelled: false };
    this.#server.set(key, entry);
    // a merged copy never displaces the original it collided with
    const candidate = keys.merge;
    const current = candidate === undefined ? undefined : this.#merge.get(candidate);
    const merge = current === undefined || current.transaction.terminated ? candidate : undefined;
    if (merge !== undefined) this.#merge.set(merge, entry);
    transaction.onTerminated(() => {
      if (this.#server.get(key) === entry) this.#server.delete(key);
      if (merge !== undefined && this.#merge.get(merge) === entry) this.#merge.delete(merge);
    });
    return entry;
  }

  /** Register a client transaction under its branch (our own, always with the magic cookie). */
  addClient(branch: string, transaction: ClientTransaction): void {
    const key = clientKey(branch, transaction.request.method === 'ACK' ? 'INVITE' : transaction.request.method);
    this.#client.set(key, transaction);
    transaction.onTerminated(() => {
      if (this.#client.get(key) === transaction) this.#client.delete(key);
    });
  }

  /** RFC 3261 §17.1.3: match by the top Via branch and the CSeq method. */
  findClient(_response: SipResponse, id: MessageIdentity): ClientTransaction | undefined {
    const branch = id.topVia.branch;
    if (branch === undefined) return undefined;
    return this.#client.get(clientKey(branch, id.cseq.method));
  }

  /** Stop every transaction (stack shutdown). */
  terminateAll(): void {
    for (const entry of [...this.#server.values()]) entry.transaction.terminate();
    for (const tx of [...this.#client.values()]) tx.terminate();
  }
}
