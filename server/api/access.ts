// Who is calling: a session token (bearer or cookie) or an API token, checked against the active
// policy (idle timeout, absolute lifetime, disabled accounts), and what they may do. The authorizer
// middleware and the event stream's upgrade both ask here, so both apply the same rules.
import type { AdminSession, AdminUser, ApiToken, SessionRepository, UserSecurityRepository } from '../store/index.js';
import { API_TOKEN_PREFIX } from '../store/index.js';
import { mfaRequired, passwordExpired, permissionsOf, type Permission, type PolicyStore, type SecurityPolicy } from '../users/index.js';

export interface Principal {
  readonly user: AdminUser;
  /** for an API token, a stand-in whose id names the token */
  readonly session: AdminSession;
  readonly via: 'session' | 'token';
  readonly token?: ApiToken;
  /** what this caller may do: the roles' permissions, narrowed to the token's scope for a token */
  readonly permissions: ReadonlySet<Permission>;
  /** what must happen before anything but the account routes: a one-time or expired password, MFA enrolment */
  readonly pending?: 'password-change' | 'mfa-enrolment';
}

export interface AccessControlOptions {
  readonly sessions: SessionRepository;
  readonly security: UserSecurityRepository;
  readonly policy: PolicyStore;
  readonly now: () => number;
}

export type Resolved = { ok: true; principal: Principal } | { ok: false; reason: string };

export class AccessControl {
  readonly #o: AccessControlOptions;

  constructor(options: AccessControlOptions) {
    this.#o = options;
  }

  get policy(): PolicyStore {
    return this.#o.policy;
  }

  async resolve(o: { token: string; source?: string | undefined }): Promise<Resolved> {
    const now = this.#o.now();
    const policy = await this.#o.policy.current();
    if (o.token.startsWith(API_TOKEN_PREFIX)) {
      const found = await this.#o.security.useToken(o.token, o.source);
      if (!found || found.user.disabled) return { ok: false, reason: 'unknown, expired or revoked token' };
      const own = new Set(permissionsOf(found.user.roles));
      // a token never exceeds what its owner may do now (a role removed later narrows it too)
      const permissions = new Set(found.token.permissions.filter((p): p is Permission => own.has(p as Permission)));
      const t = found.token;
      const session: AdminSession = { id: `token:${t.id}`, userId: t.userId, createdAt: t.createdAt, expiresAt: t.expiresAt, lastSeenAt: now, sourceIp: o.source ?? null, userAgent: null };
      return { ok: true, principal: { user: found.user, session, via: 'token', token: t, permissions } };
    }
    const found = await this.#o.sessions.findValid(o.token);
    if (!found) return { ok: false, reason: 'unauthorized' };
    const { user, session } = found;
    const ended = user.disabled ? 'account disabled' : this.#sessionEnded(policy, session, now);
    if (ended !== undefined) {
      await this.#o.sessions.revokeById(session.id);
      return { ok: false, reason: ended };
    }
    const pending = this.pendingOf(policy, user, now);
    return { ok: true, principal: { user, session, via: 'session', permissions: new Set(permissionsOf(user.roles)), ...(pending ? { pending } : {}) } };
  }

  pendingOf(policy: SecurityPolicy, user: AdminUser, now: number): Principal['pending'] {
    // a directory user's password lives in the directory, which ages it by its own policy
    if (user.directory === null && (user.mustChangePassword || passwordExpired({ policy, changedAt: user.passwordChangedAt, now }))) return 'password-change';
    if (mfaRequired(policy, user.roles) && !user.totpEnabled) return 'mfa-enrolment';
    return undefined;
  }

  /** ASVS V3.3.1/V3.3.2, GB/T 22239 §8.1.4.1 b): idle timeout and absolute lifetime */
  #sessionEnded(policy: SecurityPolicy, session: AdminSession, now: number): string | undefined {
    if (now - session.lastSeenAt >= policy.session.idleTimeoutMs) return 'session idle too long';
    if (now - session.createdAt >= policy.session.absoluteLifetimeMs) return 'session reached its maximum lifetime';
    return undefined;
  }
}
