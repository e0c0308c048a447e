// Security policy profiles (issue 14): password rules, lockout, session lifetime and MFA. Each
// profile is a fixed, documented set of values (docs/access-control.md); an operator picks one
// (HAILING_SECURITY_PROFILE, or PUT /api/v1/security/policy, which wins once set).
import { ADMIN_TYPE_ROLES, userRoles, type UserRole } from './roles.js';

export const policyProfiles = ['default', 'asvs', 'mlps3'] as const;
export type PolicyProfile = (typeof policyProfiles)[number];

export interface SecurityPolicy {
  readonly profile: PolicyProfile;
  readonly password: {
    readonly minLength: number;
    /** character classes (lower, upper, digit, other) a password must mix; 0 = no composition rule */
    readonly minClasses: number;
    /** previous passwords that may not be reused */
    readonly history: number;
    /** days after which a password must be changed; 0 = never */
    readonly maxAgeDays: number;
  };
  readonly lockout: { readonly maxFailures: number; readonly lockoutMs: number };
  readonly session: {
    /** signed out after this long without a request */
    readonly idleTimeoutMs: number;
    /** signed out this long after sign-in, however active */
    readonly absoluteLifetimeMs: number;
    /** sessions one user may hold; the oldest is ended at the next sign-in; 0 = no limit */
    readonly maxConcurrent: number;
  };
  /** roles that must sign in with a second factor (enrolment is forced at the first sign-in) */
  readonly mfaRoles: readonly UserRole[];
  /** one user may not hold two of admin, security-admin, auditor */
  readonly separationOfDuties: boolean;
}

const MIN = 60_000;
const HOUR = 60 * MIN;

export const POLICY_PROFILES: Readonly<Record<PolicyProfile, SecurityPolicy>> = {
  default: {
    profile: 'default',
    password: { minLength: 8, minClasses: 0, history: 0, maxAgeDays: 0 },
    lockout: { maxFailures: 5, lockoutMs: 15 * MIN },
    session: { idleTimeoutMs: 8 * HOUR, absoluteLifetimeMs: 24 * HOUR, maxConcurrent: 0 },
    mfaRoles: [...ADMIN_TYPE_ROLES],
    separationOfDuties: false,
  },
  // OWASP ASVS 4.0.3 level 2: V2.1.1 at least 12 characters, V2.1.9 no composition rules,
  // V2.1.10 no periodic rotation, V2.2.1 lockout, V3.3.2 re-authentication after 12 h or 30 min idle,
  // V2 (NIST AAL2) a second factor for every user
  asvs: {
    profile: 'asvs',
    password: { minLength: 12, minClasses: 0, history: 0, maxAgeDays: 0 },
    lockout: { maxFailures: 5, lockoutMs: 15 * MIN },
    session: { idleTimeoutMs: 30 * MIN, absoluteLifetimeMs: 12 * HOUR, maxConcurrent: 0 },
    mfaRoles: [...userRoles],
    separationOfDuties: false,
  },
  // GB/T 22239-2019 §8.1.4.1 (level 3): a) complex passwords changed periodically, b) login failure
  // handling and automatic sign-out on timeout, d) two or more authentication techniques combined;
  // §8.1.4.2 c) / §8.1.10 three-way separation of administrators
  mlps3: {
    profile: 'mlps3',
    password: { minLength: 8, minClasses: 3, history: 5, maxAgeDays: 90 },
    lockout: { maxFailures: 5, lockoutMs: 30 * MIN },
    session: { idleTimeoutMs: 15 * MIN, absoluteLifetimeMs: 8 * HOUR, maxConcurrent: 1 },
    mfaRoles: [...userRoles],
    separationOfDuties: true,
  },
};

export function mfaRequired(policy: SecurityPolicy, roles: readonly UserRole[]): boolean {
  return roles.some((r) => policy.mfaRoles.includes(r));
}

function classes(password: string): number {
  return [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(password)).length;
}

/** Why a new password is refused under the policy, or undefined. `reused` says it is in the history. */
export function passwordPolicyProblem(o: { policy: SecurityPolicy; username: string; password: string }): string | undefined {
  const p = o.policy.password;
  if ([...o.password].length < p.minLength) return `the new password must be at least ${p.minLength} characters`;
  if (classes(o.password) < p.minClasses) return `the new password must mix at least ${p.minClasses} of: lower-case, upper-case, digits, other characters`;
  if (o.password.toLowerCase() === o.username.toLowerCase()) return 'the new password must not be the username';
  if (/^\s|\s$/.test(o.password)) return 'the new password must not begin or end with a space';
  return undefined;
}

/** the password has outlived the policy's maximum age */
export function passwordExpired(o: { policy: SecurityPolicy; changedAt: number | null; now: number }): boolean {
  const days = o.policy.password.maxAgeDays;
  return days > 0 && o.changedAt !== null && o.now - o.changedAt >= days * 24 * HOUR;
}
