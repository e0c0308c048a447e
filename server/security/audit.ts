// The audit trail for logins, extension changes and security events. record() is fire-and-forget:
// auditing never fails the operation it describes, but a failed write is logged, never dropped
// silently.
export interface AuditRecord {
  readonly actor: string;
  readonly action: string;
  readonly target?: string;
  readonly source?: string;
  readonly detail?: Record<string, unknown>;
}

/** What AuditLog needs from the store (server/store's AuditRepository fits). */
export interface AuditSink {
  append(entry: AuditRecord): Promise<void>;
}

export interface AuditLogger {
  error(obj: object, msg?: string): void;
}

export interface AuditLogOptions {
  sink: AuditSink;
  logger: AuditLogger;
}

export class AuditLog {
  readonly #sink: AuditSink;
  readonly #logger: AuditLogger;
  readonly #inFlight = new Set<Promise<void>>();

  constructor(options: AuditLogOptions) {
    this.#sink = options.sink;
    this.#logger = options.logger;
  }

  /** Queue an audit row. Never throws, never rejects. */
  record(entry: AuditRecord): void {
    let p: Promise<void>;
    try {
      p = this.#sink.append(entry);
    } catch (err) {
      this.#fail(err, entry);
      return;
    }
    const tracked = p.then(
      () => undefined,
      (err: unknown) => this.#fail(err, entry),
    );
    this.#inFlight.add(tracked);
    void tracked.finally(() => this.#inFlight.delete(tracked));
  }

  /** Resolves when every record() so far has been committed or has failed (for shutdown and tests). */
  async settled(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.all([...this.#inFlight]);
  }

  #fail(err: unknown, entry: AuditRecord): void {
    this.#logger.error({ err, audit: { actor: entry.actor, action: entry.action, target: entry.target } }, 'audit write failed');
  }
}
