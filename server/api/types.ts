// What the HTTP API needs from the rest of the server; server/app builds it.
import type { AdminUserRepository, ExtensionRepository, SessionRepository, AdminUser, AdminSession } from '../store/index.js';

export interface ApiLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** One registered contact as the API shows it. */
export interface RegistrationView {
  readonly aor: string;
  readonly contact: string;
  readonly transport: string;
  readonly sourceAddress: string;
  readonly sourcePort: number;
  readonly userAgent?: string;
  /** ISO 8601 */
  readonly expiresAt: string;
  /** seconds left */
  readonly expiresIn: number;
}

export interface AuditRecorder {
  record(entry: {
    actor: string;
    action: string;
    target?: string;
    source?: string;
    detail?: Record<string, unknown>;
  }): void;
}

export interface MetricsSource {
  readonly registry: { metrics(): Promise<string>; readonly contentType: string };
  readonly authFailures?: { inc(): void };
}

export interface ApiDeps {
  readonly repositories: {
    readonly adminUsers: AdminUserRepository;
    readonly sessions: SessionRepository;
    readonly extensions: ExtensionRepository;
  };
  readonly logger: ApiLogger;
  readonly metrics: MetricsSource;
  readonly audit: AuditRecorder;
  /** digest realm new extension passwords are hashed for */
  readonly realm: string;
  readonly sessionTtlMs: number;
  readonly registrations: { list(): Promise<RegistrationView[]> | RegistrationView[] };
  readonly ready: () => boolean;
  /**
   * GET /metrics: always allowed from loopback; from elsewhere it needs
   * `Authorization: Bearer <metricsToken>` (when set) or an admin-API session.
   */
  readonly metricsToken?: string;
  /** add `Secure` to the session cookie (when served over HTTPS) */
  readonly secureCookies?: boolean;
  /** ms since epoch; default Date.now */
  readonly now?: () => number;
}

export interface AuthContext {
  readonly user: AdminUser;
  readonly session: AdminSession;
}

export interface ApiEnv {
  Variables: { auth: AuthContext };
}
