// The app: Ant Design's locale and CSP nonce, the session, and which face to show: sign-in, the
// forced password change, or the console shell with the screen the path names.
import { lazy, Suspense, useCallback, useEffect, useMemo, useState } from 'react';
import { App as AntApp, ConfigProvider, Spin } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import zhTW from 'antd/locale/zh_TW';
import { useTranslation } from 'react-i18next';
import { onSessionProblem, request } from './api/client';
import { SessionContext, type SessionInfo, type SessionState } from './lib/session';
import { navigate, safeNext, useLocation } from './lib/router';
import { SignIn } from './pages/SignIn';
import { homeFor } from './layout/routes';

// sign-in is the first screen of every visit: the console frame and the rest load after it
const Shell = lazy(() => import('./layout/Shell'));
const ChangePassword = lazy(() => import('./pages/ChangePassword'));
const EnrolMfa = lazy(() => import('./pages/EnrolMfa'));
// the wallboard's TV mode (?tv=1): the board alone, full screen, for a display on the wall
const Wallboard = lazy(() => import('./pages/Wallboard'));
const ANTD_LOCALES = { en: enUS, 'zh-CN': zhCN, 'zh-TW': zhTW } as const;

function currentPath(): string {
  return window.location.pathname + window.location.search;
}

export function App({ nonce }: { nonce: string | undefined }) {
  const { i18n } = useTranslation();
  const location = useLocation();
  const [session, setSession] = useState<SessionInfo | null | undefined>(undefined);

  const refresh = useCallback(async () => {
    const s = await request<SessionInfo>('/api/v1/auth/session', { anonymous: true }).catch(() => null);
    setSession(s);
    return s;
  }, []);

  const signOut = useCallback(async () => {
    await request('/api/v1/auth/logout', { method: 'POST' }).catch(() => undefined);
    setSession(null);
    navigate('/login', { replace: true });
  }, []);

  useEffect(() => {
    void refresh();
    return onSessionProblem((kind) => {
      if (kind === 'expired') {
        setSession(null);
        const here = currentPath();
        // back to this page after signing in again
        if (!here.startsWith('/login')) navigate(`/login?next=${encodeURIComponent(here)}`, { replace: true });
      } else void refresh();
    });
  }, [refresh]);

  // keep the address bar honest about the face shown
  useEffect(() => {
    if (session === undefined) return;
    const path = location.pathname;
    if (session === null && path !== '/login') navigate(path === '/' ? '/login' : `/login?next=${encodeURIComponent(currentPath())}`, { replace: true });
    else if (session?.mustChangePassword && path !== '/password') navigate(`/password${location.search}`, { replace: true });
    else if (session?.mfaEnrolmentRequired && !session.mustChangePassword && path !== '/mfa') navigate(`/mfa${location.search}`, { replace: true });
    // /mfa stays open to a user setting up two-step sign-in of its own accord (My account), until it is on
    else if (session && !session.mustChangePassword && !session.mfaEnrolmentRequired && (path === '/login' || path === '/' || (path === '/mfa' && session.mfaEnabled))) {
      const next = new URLSearchParams(location.search).get('next');
      navigate(next !== null ? safeNext(next) : homeFor(session.permissions), { replace: true });
    }
  }, [session, location]);

  const state: SessionState = useMemo(() => ({ session, refresh, signOut }), [session, refresh, signOut]);
  const locale = ANTD_LOCALES[i18n.language as keyof typeof ANTD_LOCALES] ?? enUS;

  let face;
  if (session === undefined) face = <Spin fullscreen />;
  else if (session === null) face = <SignIn />;
  else if (session.mustChangePassword || location.pathname === '/password') face = <ChangePassword forced={session.mustChangePassword} />;
  else if (session.mfaEnrolmentRequired || location.pathname === '/mfa') face = <EnrolMfa forced={session.mfaEnrolmentRequired} />;
  else if (location.pathname === '/wallboard' && new URLSearchParams(location.search).get('tv') === '1' && session.permissions.includes('acd.supervise')) face = <Wallboard />;
  else face = <Shell />;

  return (
    <ConfigProvider locale={locale} csp={nonce ? { nonce } : undefined} theme={{ token: { colorPrimary: '#1f6feb' } }}>
      <AntApp>
        <SessionContext.Provider value={state}>
          <Suspense fallback={<Spin fullscreen />}>{face}</Suspense>
        </SessionContext.Provider>
      </AntApp>
    </ConfigProvider>
  );
}
