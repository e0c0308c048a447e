// Sign-in with the session cookie. Lockout and back-off (429) show the server's reason and when to
// retry; wrong credentials say only that.
import { useState } from 'react';
import { Alert, Button, Card, Form, Input, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { ApiError, request, type RequestBody } from '../api/client';
import { useSession } from '../lib/session';
import { LanguageSwitch } from '../layout/LanguageSwitch';

type Login = RequestBody<'/api/v1/auth/login', 'post'>;

export function SignIn() {
  const { t } = useTranslation();
  const { refresh } = useSession();
  const [form] = Form.useForm<Login>();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string>();
  const expired = new URLSearchParams(window.location.search).has('next');

  const submit = async (values: Login) => {
    setBusy(true);
    setProblem(undefined);
    try {
      await request('/api/v1/auth/login', { method: 'POST', body: values, anonymous: true });
      await refresh();
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) setProblem(t('signIn.invalid'));
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
          <Form.Item name="username" label={t('signIn.username')} rules={[{ required: true, message: t('forms.required') }]}>
            <Input autoComplete="username" autoFocus />
          </Form.Item>
          <Form.Item name="password" label={t('signIn.password')} rules={[{ required: true, message: t('forms.required') }]}>
            <Input.Password autoComplete="current-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={busy}>
            {t('signIn.submit')}
          </Button>
        </Form>
      </Card>
    </main>
  );
}
