// The console's screens: one table that the menu, the router and the role checks read. The agent
// workspace (/agent) is a row like the others; the ACD's configuration screens need acd.write
// (agents read the ACD too, but do not set it up), the wallboard acd.supervise; its TV mode (?tv=1)
// is a face of its own in App.tsx.
import { lazy, type ComponentType, type LazyExoticComponent, type ReactNode } from 'react';
import {
  ApartmentOutlined,
  ApiOutlined,
  AudioOutlined,
  AreaChartOutlined,
  CustomerServiceOutlined,
  TagsOutlined,
  TeamOutlined,
  AuditOutlined,
  BranchesOutlined,
  CalendarOutlined,
  DashboardOutlined,
  FundProjectionScreenOutlined,
  HistoryOutlined,
  NumberOutlined,
  MobileOutlined,
  PhoneOutlined,
  RocketOutlined,
  SettingOutlined,
  SoundOutlined,
  WifiOutlined,
  MailOutlined,
  UserOutlined,
  SafetyOutlined,
  KeyOutlined,
  AlertOutlined,
  IdcardOutlined,
  FieldTimeOutlined,
} from '@ant-design/icons';

export interface ConsoleRoute {
  /** first path segment: /extensions, /cdrs/abc */
  readonly path: string;
  /** i18n key of the menu entry and the page title */
  readonly title: string;
  readonly icon: ReactNode;
  /** the permission its page reads with (server/users/roles.ts): the menu shows it to those who hold it;
   *  'signed-in': every signed-in user (the own account and API tokens) */
  readonly permission: string;
  readonly page: LazyExoticComponent<ComponentType>;
  /** menu group i18n key */
  readonly group: 'menu.groups.work' | 'menu.groups.admin' | 'menu.groups.acd' | 'menu.groups.records' | 'menu.groups.system' | 'menu.groups.security' | 'menu.groups.account';
}

export const ROUTES: readonly ConsoleRoute[] = [
  { path: '/agent', title: 'menu.agent', icon: <CustomerServiceOutlined />, permission: 'acd.agent-state', group: 'menu.groups.work', page: lazy(() => import('../pages/AgentDesk')) },
  { path: '/extensions', title: 'menu.extensions', icon: <PhoneOutlined />, permission: 'extensions.read', group: 'menu.groups.admin', page: lazy(() => import('../pages/Extensions')) },
  { path: '/registrations', title: 'menu.registrations', icon: <WifiOutlined />, permission: 'registrations.read', group: 'menu.groups.admin', page: lazy(() => import('../pages/Registrations')) },
  { path: '/dialplan', title: 'menu.dialplan', icon: <BranchesOutlined />, permission: 'dialplan.read', group: 'menu.groups.admin', page: lazy(() => import('../pages/DialPlan')) },
  { path: '/flows', title: 'menu.flows', icon: <ApartmentOutlined />, permission: 'ivr.read', group: 'menu.groups.admin', page: lazy(() => import('../pages/Flows')) },
  { path: '/call-handling', title: 'menu.callHandling', icon: <SettingOutlined />, permission: 'call-handling.read', group: 'menu.groups.admin', page: lazy(() => import('../pages/CallHandling')) },
  { path: '/voicemail', title: 'menu.voicemail', icon: <MailOutlined />, permission: 'voicemail.read', group: 'menu.groups.admin', page: lazy(() => import('../pages/Voicemail')) },
  { path: '/trunks', title: 'menu.trunks', icon: <ApiOutlined />, permission: 'trunks.read', group: 'menu.groups.admin', page: lazy(() => import('../pages/Trunks')) },
  { path: '/numbers', title: 'menu.numbers', icon: <NumberOutlined />, permission: 'trunks.read', group: 'menu.groups.admin', page: lazy(() => import('../pages/Numbers')) },
  { path: '/calendars', title: 'menu.calendars', icon: <CalendarOutlined />, permission: 'calendars.read', group: 'menu.groups.admin', page: lazy(() => import('../pages/Calendars')) },
  { path: '/devices', title: 'menu.devices', icon: <MobileOutlined />, permission: 'devices.read', group: 'menu.groups.admin', page: lazy(() => import('../pages/Devices')) },
  { path: '/wallboard', title: 'menu.wallboard', icon: <FundProjectionScreenOutlined />, permission: 'acd.supervise', group: 'menu.groups.acd', page: lazy(() => import('../pages/Wallboard')) },
  { path: '/acd/intervals', title: 'menu.acdIntervals', icon: <AreaChartOutlined />, permission: 'acd.supervise', group: 'menu.groups.acd', page: lazy(() => import('../pages/AcdIntervals')) },
  { path: '/acd/queues', title: 'menu.acdQueues', icon: <CustomerServiceOutlined />, permission: 'acd.write', group: 'menu.groups.acd', page: lazy(() => import('../pages/AcdQueues')) },
  { path: '/acd/agents', title: 'menu.acdAgents', icon: <TeamOutlined />, permission: 'acd.write', group: 'menu.groups.acd', page: lazy(() => import('../pages/AcdAgents')) },
  { path: '/acd/skills', title: 'menu.acdSkills', icon: <TagsOutlined />, permission: 'acd.write', group: 'menu.groups.acd', page: lazy(() => import('../pages/AcdSkills')) },
  { path: '/calls', title: 'menu.liveCalls', icon: <PhoneOutlined />, permission: 'calls.read', group: 'menu.groups.records', page: lazy(() => import('../pages/LiveCalls')) },
  { path: '/conferences', title: 'menu.conferences', icon: <TeamOutlined />, permission: 'calls.read', group: 'menu.groups.records', page: lazy(() => import('../pages/Conferences')) },
  { path: '/cdrs', title: 'menu.cdrs', icon: <HistoryOutlined />, permission: 'cdrs.read', group: 'menu.groups.records', page: lazy(() => import('../pages/CallRecords')) },
  { path: '/keywords', title: 'menu.keywords', icon: <AlertOutlined />, permission: 'keywords.read', group: 'menu.groups.records', page: lazy(() => import('../pages/Keywords')) },
  { path: '/audit', title: 'menu.audit', icon: <AuditOutlined />, permission: 'audit.read', group: 'menu.groups.records', page: lazy(() => import('../pages/Audit')) },
  { path: '/moh', title: 'menu.moh', icon: <SoundOutlined />, permission: 'moh.read', group: 'menu.groups.admin', page: lazy(() => import('../pages/MusicOnHold')) },
  { path: '/users', title: 'menu.users', icon: <UserOutlined />, permission: 'users.read', group: 'menu.groups.security', page: lazy(() => import('../pages/Users')) },
  { path: '/directory', title: 'menu.directory', icon: <ApartmentOutlined />, permission: 'users.read', group: 'menu.groups.security', page: lazy(() => import('../pages/Directory')) },
  // read by admins and auditors; the admin changes it (retention.write) and holds the master key (recordings.keys)
  { path: '/retention', title: 'menu.retention', icon: <FieldTimeOutlined />, permission: 'retention.read', group: 'menu.groups.security', page: lazy(() => import('../pages/Retention')) },
  { path: '/policy', title: 'menu.policy', icon: <SafetyOutlined />, permission: 'policy.read', group: 'menu.groups.security', page: lazy(() => import('../pages/Policy')) },
  { path: '/account', title: 'menu.account', icon: <IdcardOutlined />, permission: 'signed-in', group: 'menu.groups.account', page: lazy(() => import('../pages/Account')) },
  { path: '/tokens', title: 'menu.tokens', icon: <KeyOutlined />, permission: 'signed-in', group: 'menu.groups.account', page: lazy(() => import('../pages/ApiTokens')) },
  { path: '/speech', title: 'menu.speech', icon: <AudioOutlined />, permission: 'speech.read', group: 'menu.groups.system', page: lazy(() => import('../pages/SpeechModels')) },
  { path: '/setup', title: 'menu.setup', icon: <RocketOutlined />, permission: 'extensions.write', group: 'menu.groups.system', page: lazy(() => import('../pages/Setup')) },
  { path: '/system', title: 'menu.system', icon: <DashboardOutlined />, permission: 'system.read', group: 'menu.groups.system', page: lazy(() => import('../pages/SystemStatus')) },
];

/** whether a user with these permissions may open the screen */
export const mayOpen = (r: ConsoleRoute, permissions: readonly string[] | undefined): boolean => r.permission === 'signed-in' || (permissions?.includes(r.permission) ?? false);

export function routeFor(pathname: string): ConsoleRoute | undefined {
  return ROUTES.find((r) => pathname === r.path || pathname.startsWith(r.path + '/'));
}

/** where a user lands after sign-in when no page was asked for: the first page it may use */
export function homeFor(permissions: readonly string[], setupPending = false): string {
  // an administrator of a new server is shown the first-run setup until someone completes or dismisses it
  if (setupPending) return '/setup';
  // agents (their own state, nobody else's) start at their workspace; everyone else at the first screen of the table after it
  if (permissions.includes('acd.agent-state') && !permissions.includes('acd.supervise')) return '/agent';
  return ROUTES.find((r) => r.path !== '/agent' && permissions.includes(r.permission))?.path ?? '/account';
}
