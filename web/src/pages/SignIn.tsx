// Sign-in with the session cookie. Lockout and back-off (429) show the server's reason and when to
// retry; wrong credentials say only that. With single sign-on configured a button starts it; the
// provider's round trip comes back here with ?mfaToken= (the TOTP step) or ?ssoError= (the reason).
import { useEffect, useState } from 'react';
import { Alert, Button, Card, Form, Input, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { ApiError, request, type RequestBody } from '../api/client';
import { useSession } from '../lib/session';
import { LanguageSwitch } from '../layout/LanguageSwitch';

type Login = RequestBody<'/api/v1/auth/login', 'post'>;
type LoginResult = { mfaRequired?: boolean; mfaToken?: string };

/** reads and removes what the SSO callback put in the URL (the token is one-use, but keep it out of history) */
function takeSsoParams(): { mfaToken?: string; ssoError?: string } {
  const url = new URL(window.location.href);
  const out = { mfaToken: url.searchParams.get('mfaToken') ?? undefined, ssoError: url.searchParams.get('ssoError') ?? undefined };
  if (out.mfaToken === undefined && out.ssoError === undefined) return {};
  url.searchParams.delete('mfaToken');
  url.searchParams.delete('ssoError');
  window.history.replaceState(null, '', url.pathname + url.search + url.hash);
  return out;
}

export function SignIn() {
  const { t } = useTranslation();
  const { refresh } = useSession();
  const [form] = Form.useForm<Login>();
  const [busy, setBusy] = useState(false);
  const [fromSso] = useState(takeSsoParams);
  const [problem, setProblem] = useState<string | undefined>(fromSso.ssoError !== undefined ? t('signIn.ssoFailed', { reason: fromSso.ssoError }) : undefined);
  const expired = new URLSearchParams(window.location.search).has('next');
  // with TOTP enrolled the password step answers a challenge: the code comes next (RFC 6238)
  const [mfaToken, setMfaToken] = useState<string | undefined>(fromSso.mfaToken);
  const [sso, setSso] = useState(false);
  useEffect(() => {
    request<{ enabled: boolean }>('/api/v1/auth/oidc', { anonymous: true }).then(
      (r) => setSso(r.enabled),
      () => setSso(false),
    );
  }, []);

  const submit = async (values: Login & { code?: string }) => {
    setBusy(true);
    setProblem(undefined);
    try {
      if (mfaToken !== undefined) {
        await request('/api/v1/auth/login/mfa', { method: 'POST', body: { mfaToken, code: (values.code ?? '').trim() }, anonymous: true });
        await refresh();
        return;
      }
      const first = await request<LoginResult>('/api/v1/auth/login', { method: 'POST', body: { username: values.username, password: values.password }, anonymous: true });
      if (first.mfaRequired && first.mfaToken) {
        setMfaToken(first.mfaToken);
        return;
      }
      await refresh();
    } catch (err) {
      if (err instanceof ApiError && err.status === 401 && mfaToken !== undefined) setProblem(t('signIn.badCode'));
      else if (err instanceof ApiError && err.status === 401) setProblem(t('signIn.invalid'));
      else if (err instanceof ApiError && (err.status === 429 || err.status === 503)) {
        setProblem(t('signIn.throttled', { reason: err.text, seconds: err.retryAfterS ?? 1 }));
      } else setProblem(err instanceof ApiError ? err.text : String(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main style={{ minHeight: '100vh', display: 'grid', placeItems: 'center', background: '#f5f7fa' }}>
      <Card style={{ width: 380 }}>
        <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 16 }}>
          <Typography.Title level={3} style={{ margin: 0 }}>
            {t('signIn.title')}
          </Typography.Title>
          <LanguageSwitch />
        </Space>
        {expired && !problem && <Alert type="info" showIcon title={t('signIn.again')} style={{ marginBottom: 16 }} />}
        {problem && <Alert type="error" showIcon title={problem} role="alert" data-testid="signin-error" style={{ marginBottom: 16 }} />}
        <Form form={form} layout="vertical" onFinish={(v) => void submit(v)} requiredMark={false}>
          <Form.Item name="username" label={t('signIn.username')} hidden={fromSso.mfaToken !== undefined} rules={[{ required: fromSso.mfaToken === undefined, message: t('forms.required') }]}>
            <Input autoComplete="username" autoFocus />
          </Form.Item>
          <Form.Item name="password" label={t('signIn.password')} hidden={mfaToken !== undefined} rules={[{ required: mfaToken === undefined, message: t('forms.required') }]}>
            <Input.Password autoComplete="current-password" />
          </Form.Item>
          {mfaToken !== undefined && (
            <Form.Item name="code" label={t('signIn.code')} extra={t('signIn.codeHint')} rules={[{ required: true, pattern: /^\s*[0-9]{6}\s*$/, message: t('mfa.codeRule') }]}>
              <Input autoComplete="one-time-code" inputMode="numeric" maxLength={8} autoFocus />
            </Form.Item>
          )}
          <Button type="primary" htmlType="submit" block loading={busy}>
            {t('signIn.submit')}
          </Button>
        </Form>
        {sso && mfaToken === undefined && (
          <Button block style={{ marginTop: 12 }} href={`/api/v1/auth/oidc/start?return=${encodeURIComponent(window.location.pathname + window.location.search)}`} data-testid="signin-sso">
            {t('signIn.sso')}
          </Button>
        )}
      </Card>
    </main>
  );
}
