// Directory sign-in (LDAP/AD and OpenID Connect) as the environment configured it
// (HAILING_LDAP_*, HAILING_OIDC_*): the settings without secrets, the group → role maps, and two
// checks a security admin runs before telling staff to sign in with their directory account: look a
// user up (its DN, groups and the roles they give; no password involved) and ask the OIDC provider
// for its discovery document.
import { useState } from 'react';
import { Alert, Button, Card, Col, Form, Input, Row, Space, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { request, type RequestBody, type Response } from '../api/client';
import { useApi } from '../lib/use-api';
import { useSession } from '../lib/session';
import { showServerErrors } from '../lib/form-errors';
import { ErrorAlert } from '../components/ErrorAlert';
import { RoleMapList, SettingsList } from '../components/integrations/SettingsList';

type Settings = Response<'/api/v1/directory', 'get'>;
type Lookup = Response<'/api/v1/directory/lookup', 'post'>;
type OidcCheck = Response<'/api/v1/directory/oidc-check', 'post'>;

export default function Directory() {
  const { t } = useTranslation();
  const { session } = useSession();
  const mayCheck = session?.permissions.includes('users.write') ?? false;
  const settings = useApi<Settings>('/api/v1/directory');
  const ldap = settings.data?.ldap ?? null;
  const oidc = settings.data?.oidc ?? null;
  const [form] = Form.useForm<RequestBody<'/api/v1/directory/lookup', 'post'>>();
  const [found, setFound] = useState<Lookup>();
  const [checked, setChecked] = useState<OidcCheck>();
  const [busy, setBusy] = useState(false);

  const lookup = async (body: RequestBody<'/api/v1/directory/lookup', 'post'>) => {
    setBusy(true);
    setFound(undefined);
    try {
      setFound(await request<Lookup>('/api/v1/directory/lookup', { method: 'POST', body }));
    } catch (err) {
      showServerErrors(form, err, ['username']);
    } finally {
      setBusy(false);
    }
  };
  const checkOidc = async () => setChecked(await request<OidcCheck>('/api/v1/directory/oidc-check', { method: 'POST' }));

  return (
    <>
      <ErrorAlert error={settings.error} />
      <Row gutter={16}>
        <Col span={12}>
          <Card title={t('directory.ldap')} style={{ marginBottom: 16 }}>
            <SettingsList
              off={t('directory.ldapOff')}
              items={
                ldap && [
                  [t('directory.url'), ldap.url],
                  [t('directory.serviceAccount'), ldap.serviceAccount ?? t('directory.anonymous')],
                  [t('directory.userBase'), ldap.userBase],
                  [t('directory.userFilter'), ldap.userFilter],
                  [t('directory.groupBase'), ldap.groupBase],
                  [t('directory.groupFilter'), ldap.groupFilter],
                  [t('directory.startTls'), ldap.startTls],
                  [t('directory.caFile'), ldap.caFile],
                ]
              }
            />
            {ldap && (
              <>
                <Typography.Title level={5} style={{ marginTop: 16 }}>
                  {t('directory.roleMap')}
                </Typography.Title>
                <RoleMapList map={ldap.roleMap} />
              </>
            )}
            {ldap && mayCheck && (
              <Form form={form} layout="inline" onFinish={(v) => void lookup(v)} style={{ marginTop: 16 }}>
                <Form.Item name="username" label={t('directory.lookupName')} rules={[{ required: true }]}>
                  <Input data-testid="directory-username" />
                </Form.Item>
                <Button type="primary" htmlType="submit" loading={busy} data-testid="directory-lookup">
                  {t('directory.lookup')}
                </Button>
              </Form>
            )}
            {found && <LookupResult result={found} />}
          </Card>
        </Col>
        <Col span={12}>
          <Card title={t('directory.oidc')}>
            <SettingsList
              off={t('directory.oidcOff')}
              items={
                oidc && [
                  [t('directory.issuer'), oidc.issuer],
                  [t('directory.clientId'), oidc.clientId],
                  [t('directory.redirectUrl'), oidc.redirectUrl],
                  [t('directory.scopes'), oidc.scopes],
                  [t('directory.usernameClaim'), oidc.usernameClaim],
                  [t('directory.groupsClaim'), oidc.groupsClaim],
                ]
              }
            />
            {oidc && (
              <>
                <Typography.Title level={5} style={{ marginTop: 16 }}>
                  {t('directory.roleMap')}
                </Typography.Title>
                <RoleMapList map={oidc.roleMap} />
              </>
            )}
            {oidc && mayCheck && (
              <Space style={{ marginTop: 16 }} direction="vertical">
                <Button onClick={() => void checkOidc()} data-testid="oidc-check">
                  {t('directory.oidcCheck')}
                </Button>
                {checked && (checked.ok ? <Alert type="success" showIcon message={t('directory.oidcOk', { url: checked.authorizationEndpoint })} /> : <Alert type="error" showIcon message={checked.detail} />)}
              </Space>
            )}
          </Card>
        </Col>
      </Row>
    </>
  );
}

function LookupResult({ result }: { result: Lookup }) {
  const { t } = useTranslation();
  if (!result.found) return <Alert style={{ marginTop: 16 }} type={result.reason === 'unavailable' ? 'error' : 'warning'} showIcon message={t(`directory.reasons.${result.reason ?? 'not-found'}`)} description={result.detail} data-testid="directory-result" />;
  const roles = result.roles ?? [];
  return (
    <div style={{ marginTop: 16 }} data-testid="directory-result">
      <SettingsList
        off=""
        items={[
          [t('directory.dn'), result.dn ?? null],
          [t('directory.displayName'), result.displayName ?? null],
          [t('directory.groups'), (result.groups ?? []).join('; ') || null],
        ]}
      />
      <div style={{ marginTop: 8 }}>
        {roles.length > 0 ? roles.map((r) => <Tag key={r} color="blue">{t(`users.roleNames.${r}`)}</Tag>) : <Alert type="warning" showIcon message={t('directory.noRole')} />}
      </div>
    </div>
  );
}
