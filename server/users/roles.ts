// Roles and permissions (issue 14). A role is a fixed set of permissions; a user holds one or more
// roles; every API route and every event-stream topic names the permission it needs
// (route-permissions.ts, topics below). Roles are data here, not checks scattered through handlers.
//
// MLPS 2.0 level 3 (GB/T 22239-2019 §8.1.4.2 (安全管理中心): 系统管理, 审计管理, 安全管理) asks for
// three separate administrators: system (admin), security (security-admin) and audit (auditor).
// The `mlps3` policy profile refuses a user that holds two of them (separationConflict()).

import { adminRoles, type AdminRole } from '../store/index.js';

/** agent, supervisor, admin, security-admin, auditor (defined with the table that stores them) */
export const userRoles = adminRoles;
export type UserRole = AdminRole;

export const permissions = [
  'extensions.read',
  'extensions.write',
  'registrations.read',
  'call-handling.read',
  'call-handling.write',
  'cdrs.read',
  /** call records unmasked in lists and exports */
  'pii.unmasked',
  /** one record unmasked on request, with a reason, audited */
  'pii.reveal',
  'recordings.listen',
  /** pause/resume a live call's recording (card payments) */
  'recordings.control',
  'recordings.keys',
  'recordings.delete',
  'retention.read',
  'retention.write',
  'legal-hold.write',
  'tags.write',
  'audit.read',
  'dialplan.read',
  'dialplan.write',
  'calendars.read',
  'calendars.write',
  'acd.read',
  'acd.write',
  /** agent states, memberships and interaction priority on the live floor */
  'acd.supervise',
  /** an agent's own state (ready, break, wrap-up) */
  'acd.agent-state',
  'trunks.read',
  'trunks.write',
  'speech.read',
  'speech.write',
  /** keyword lists spotted on live calls (their hits are read with recordings.listen) */
  'keywords.read',
  'keywords.write',
  /** live calls: list; hang up, hold, transfer, DTMF, recording on demand */
  'calls.read',
  'calls.control',
  /** mailboxes: settings and greetings (write); messages and their audio (read, audited) */
  'voicemail.read',
  'voicemail.write',
  /** music on hold files */
  'moh.read',
  'moh.write',
  /** IVR flows: documents, versions, simulator, metrics */
  'ivr.read',
  'ivr.write',
  /** desk phones: devices, pending MACs, templates, re-sync */
  'devices.read',
  'devices.write',
  /** BLF line state of every extension */
  'presence.read',
  'system.read',
  'users.read',
  'users.write',
  'policy.read',
  'policy.write',
  'events.calls',
  'events.registrations',
  'events.acd',
  /** the toll-fraud guard's alerts */
  'events.alerts',
  /** a route nobody classified yet (added after this table): system admins only, until it is */
  'unclassified',
] as const;
export type Permission = (typeof permissions)[number];

const AGENT: readonly Permission[] = ['extensions.read', 'call-handling.read', 'call-handling.write', 'recordings.control', 'acd.read', 'acd.agent-state', 'events.calls', 'events.acd'];

const SUPERVISOR: readonly Permission[] = [
  ...AGENT,
  'registrations.read',
  'cdrs.read',
  'pii.reveal',
  'recordings.listen',
  'tags.write',
  'acd.supervise',
  'calendars.read',
  'dialplan.read',
  'system.read',
  'events.registrations',
  'calls.read',
  'calls.control',
  'voicemail.read',
  'moh.read',
  'ivr.read',
  'devices.read',
  'presence.read',
  'keywords.read',
  'keywords.write',
];

/** configuration of the telephony system: everything but users, policies and the audit log */
const ADMIN: readonly Permission[] = permissions.filter((p) => !['users.read', 'users.write', 'policy.read', 'policy.write', 'audit.read'].includes(p));

const SECURITY_ADMIN: readonly Permission[] = ['users.read', 'users.write', 'policy.read', 'policy.write', 'extensions.read'];

/** read-only: the audit log and the reports, personal data masked */
const AUDITOR: readonly Permission[] = ['audit.read', 'cdrs.read', 'retention.read', 'system.read', 'policy.read', 'users.read'];

export const ROLE_PERMISSIONS: Readonly<Record<UserRole, ReadonlySet<Permission>>> = {
  agent: new Set(AGENT),
  supervisor: new Set(SUPERVISOR),
  admin: new Set(ADMIN),
  'security-admin': new Set(SECURITY_ADMIN),
  auditor: new Set(AUDITOR),
};

/** The three administrator roles: MFA is required for them by default, and mlps3 keeps them apart. */
export const ADMIN_TYPE_ROLES: ReadonlySet<UserRole> = new Set(['admin', 'security-admin', 'auditor']);

export function rolesGrant(roles: readonly UserRole[], permission: Permission): boolean {
  return roles.some((r) => ROLE_PERMISSIONS[r]?.has(permission) ?? false);
}

/** Every permission a set of roles grants, sorted (for the session view and the console menu). */
export function permissionsOf(roles: readonly UserRole[]): Permission[] {
  return permissions.filter((p) => rolesGrant(roles, p));
}

/** The reason a set of roles breaks three-way separation, or undefined. */
export function separationConflict(roles: readonly UserRole[]): string | undefined {
  const held = [...new Set(roles)].filter((r) => ADMIN_TYPE_ROLES.has(r));
  if (held.length < 2) return undefined;
  return `the mlps3 profile separates system (admin), security (security-admin) and audit (auditor) administration: one user cannot hold ${held.join(' and ')}`;
}

/**
 * Event-stream topics (GET /api/v1/events) and the permission each needs. A client hears only the
 * topics its roles grant; an event type with no topic here is sent to nobody.
 */
export const EVENT_TOPICS = {
  calls: 'events.calls',
  registrations: 'events.registrations',
  acd: 'events.acd',
  alerts: 'events.alerts',
  /** live transcription: what callers and agents say is heard by those who may listen to recordings */
  transcripts: 'recordings.listen',
} as const satisfies Record<string, Permission>;
export type EventTopic = keyof typeof EVENT_TOPICS;

export function topicOfEvent(type: string): EventTopic | undefined {
  if (type === 'registration') return 'registrations';
  if (type.startsWith('acd.')) return 'acd';
  if (type === 'alert') return 'alerts';
  if (type === 'transcript.partial' || type === 'transcript.final' || type === 'transcript.keyword') return 'transcripts';
  if (['newcall', 'ringing', 'answered', 'hangup', 'dtmf', 'hold', 'resume', 'unbridged', 'transfer'].includes(type)) return 'calls';
  return undefined;
}
