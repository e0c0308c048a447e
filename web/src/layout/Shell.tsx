// The console's frame: menu by role on the left, header with the language switch and the account,
// and the screen the path names, loaded on demand (each screen is its own chunk).
import { Suspense, useMemo } from 'react';
import { Button, Layout, Menu, Result, Space, Spin, Typography } from 'antd';
import { KeyOutlined, LogoutOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { LanguageSwitch } from './LanguageSwitch';
import { navigate, useLocation } from '../lib/router';
import { useSession } from '../lib/session';
import { mayOpen, ROUTES, routeFor } from './routes';

export default function Shell() {
  const { t } = useTranslation();
  const { session, signOut } = useSession();
  const location = useLocation();
  const permissions = session?.permissions;
  const visible = useMemo(() => ROUTES.filter((r) => mayOpen(r, permissions)), [permissions]);
  const route = routeFor(location.pathname);
  const allowed = route !== undefined && mayOpen(route, permissions);

  const groups = [...new Set(visible.map((r) => r.group))];
  const items = groups.map((g) => ({
    type: 'group' as const,
    key: g,
    label: t(g),
    children: visible.filter((r) => r.group === g).map((r) => ({ key: r.path, icon: r.icon, label: t(r.title) })),
  }));

  const Page = allowed ? route.page : undefined;
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Sider breakpoint="lg" collapsedWidth={0} theme="light" width={220}>
        <div style={{ padding: '16px 24px' }}>
          <Typography.Title level={4} style={{ margin: 0 }}>
            {t('app.name')}
          </Typography.Title>
        </div>
        <nav aria-label={t('header.navigation')}>
          <Menu mode="inline" selectedKeys={route ? [route.path] : []} items={items} onClick={(e) => navigate(e.key)} />
        </nav>
      </Layout.Sider>
      <Layout>
        <Layout.Header style={{ background: 'transparent', display: 'flex', justifyContent: 'space-between', alignItems: 'center', padding: '0 24px' }}>
          <Typography.Title level={3} style={{ margin: 0 }} data-testid="page-title">
            {route ? t(route.title) : t('app.name')}
          </Typography.Title>
          <Space>
            <LanguageSwitch />
            <Typography.Text data-testid="signed-in-as">{t('header.signedInAs', { user: session?.username ?? '' })}</Typography.Text>
            <Button icon={<KeyOutlined />} onClick={() => navigate(`/password?next=${encodeURIComponent(location.pathname)}`)}>
              {t('header.changePassword')}
            </Button>
            <Button icon={<LogoutOutlined />} onClick={() => void signOut()}>
              {t('header.signOut')}
            </Button>
          </Space>
        </Layout.Header>
        <Layout.Content style={{ padding: 24 }}>
          <main>
            {Page ? (
              <Suspense fallback={<Spin />}>
                <Page />
              </Suspense>
            ) : (
              <Result status="404" title={t('errors.notFoundTitle')} subTitle={t('errors.notFound')} />
            )}
          </main>
        </Layout.Content>
      </Layout>
    </Layout>
  );
}
