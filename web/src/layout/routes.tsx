// The console's screens: one table that the menu, the router and the role checks read. The agent
// workspace and the supervisor wallboard join as rows with their roles (and a `face` for their own
// layout) when the ACD lands; nothing else changes.
import { lazy, type ComponentType, type LazyExoticComponent, type ReactNode } from 'react';
import {
  ApartmentOutlined,
  ApiOutlined,
  AuditOutlined,
  BranchesOutlined,
  CalendarOutlined,
  DashboardOutlined,
  HistoryOutlined,
  NumberOutlined,
  MobileOutlined,
  PhoneOutlined,
  SettingOutlined,
  SoundOutlined,
  WifiOutlined,
} from '@ant-design/icons';
import type { Role } from '../lib/session';

export interface ConsoleRoute {
  /** first path segment: /extensions, /cdrs/abc */
  readonly path: string;
  /** i18n key of the menu entry and the page title */
  readonly title: string;
  readonly icon: ReactNode;
  readonly roles: readonly Role[];
  readonly page: LazyExoticComponent<ComponentType>;
  /** menu group i18n key */
  readonly group: 'menu.groups.admin' | 'menu.groups.records' | 'menu.groups.system';
}

const everyone: readonly Role[] = ['admin', 'supervisor', 'agent'];
const staff: readonly Role[] = ['admin', 'supervisor'];

export const ROUTES: readonly ConsoleRoute[] = [
  { path: '/extensions', title: 'menu.extensions', icon: <PhoneOutlined />, roles: everyone, group: 'menu.groups.admin', page: lazy(() => import('../pages/Extensions')) },
  { path: '/registrations', title: 'menu.registrations', icon: <WifiOutlined />, roles: everyone, group: 'menu.groups.admin', page: lazy(() => import('../pages/Registrations')) },
  { path: '/dialplan', title: 'menu.dialplan', icon: <BranchesOutlined />, roles: everyone, group: 'menu.groups.admin', page: lazy(() => import('../pages/DialPlan')) },
  { path: '/flows', title: 'menu.flows', icon: <ApartmentOutlined />, roles: staff, group: 'menu.groups.admin', page: lazy(() => import('../pages/Flows')) },
  { path: '/call-handling', title: 'menu.callHandling', icon: <SettingOutlined />, roles: everyone, group: 'menu.groups.admin', page: lazy(() => import('../pages/CallHandling')) },
  { path: '/trunks', title: 'menu.trunks', icon: <ApiOutlined />, roles: ['admin'], group: 'menu.groups.admin', page: lazy(() => import('../pages/Trunks')) },
  { path: '/numbers', title: 'menu.numbers', icon: <NumberOutlined />, roles: ['admin'], group: 'menu.groups.admin', page: lazy(() => import('../pages/Numbers')) },
  { path: '/calendars', title: 'menu.calendars', icon: <CalendarOutlined />, roles: ['admin'], group: 'menu.groups.admin', page: lazy(() => import('../pages/Calendars')) },
  { path: '/devices', title: 'menu.devices', icon: <MobileOutlined />, roles: staff, group: 'menu.groups.admin', page: lazy(() => import('../pages/Devices')) },
  { path: '/calls', title: 'menu.liveCalls', icon: <PhoneOutlined />, roles: staff, group: 'menu.groups.records', page: lazy(() => import('../pages/LiveCalls')) },
  { path: '/cdrs', title: 'menu.cdrs', icon: <HistoryOutlined />, roles: everyone, group: 'menu.groups.records', page: lazy(() => import('../pages/CallRecords')) },
  { path: '/audit', title: 'menu.audit', icon: <AuditOutlined />, roles: ['admin'], group: 'menu.groups.records', page: lazy(() => import('../pages/Audit')) },
  { path: '/moh', title: 'menu.moh', icon: <SoundOutlined />, roles: ['admin'], group: 'menu.groups.admin', page: lazy(() => import('../pages/MusicOnHold')) },
  { path: '/system', title: 'menu.system', icon: <DashboardOutlined />, roles: staff, group: 'menu.groups.system', page: lazy(() => import('../pages/SystemStatus')) },
];

export function routeFor(pathname: string): ConsoleRoute | undefined {
  return ROUTES.find((r) => pathname === r.path || pathname.startsWith(r.path + '/'));
}

/** where a role lands after sign-in when no page was asked for */
export function homeFor(role: Role): string {
  return ROUTES.find((r) => r.roles.includes(role))?.path ?? '/system';
}
