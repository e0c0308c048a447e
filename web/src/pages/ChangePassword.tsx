// The password change: forced at the first sign-in with the one-time admin password (nothing else
// answers until it is done), and reachable later from the header.
import { useState } from 'react';
import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { request, type RequestBody } from '../api/client';
import { showServerErrors } from '../lib/form-errors';
import { useSession } from '../lib/session';
import { navigate, safeNext } from '../lib/router';

type Change = RequestBody<'/api/v1/auth/password', 'post'>;

export default function ChangePassword({ forced }: { forced: boolean }) {
  const { t } = useTranslation();
  const { refresh, signOut } = useSession();
  const [form] = Form.useForm<Change & { confirm: string }>();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string>();

  const submit = async ({ currentPassword, newPassword }: Change) => {
    setBusy(true);
    setProblem(undefined);
    try {
      await request('/api/v1/auth/password', { method: 'POST', body: { currentPassword, newPassword } });
      await refresh();
      // to the page the user came from, or home (App picks it for '/')
      navigate(safeNext(new URLSearchParams(window.location.search).get('next')), { replace: true });
    } catch (err) {
      setProblem(showServerErrors(form, err, ['currentPassword', 'newPassword']));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main style={{ minHeight: '100vh', display: 'grid', placeItems: 'center', background: '#f5f7fa' }}>
      <Card style={{ width: 420 }}>
        <Typography.Title level={3}>{t('password.title')}</Typography.Title>
        {forced && <Alert type="warning" showIcon title={t('password.forced')} style={{ marginBottom: 16 }} />}
        {problem && <Alert type="error" showIcon role="alert" title={problem} style={{ marginBottom: 16 }} />}
        <Form form={form} layout="vertical" onFinish={(v) => void submit(v)} requiredMark={false}>
          <Form.Item name="currentPassword" label={t('password.current')} rules={[{ required: true, message: t('forms.required') }]}>
            <Input.Password autoComplete="current-password" autoFocus />
          </Form.Item>
          <Form.Item name="newPassword" label={t('password.new')} extra={t('password.rule')} rules={[{ required: true, message: t('forms.required') }]}>
            <Input.Password autoComplete="new-password" />
          </Form.Item>
          <Form.Item
            name="confirm"
            label={t('password.confirm')}
            dependencies={['newPassword']}
            rules={[
              { required: true, message: t('forms.required') },
              ({ getFieldValue }) => ({
                validator: (_r, v) => (v === getFieldValue('newPassword') ? Promise.resolve() : Promise.reject(new Error(t('password.mismatch')))),
              }),
            ]}
          >
            <Input.Password autoComplete="new-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={busy}>
            {t('password.submit')}
          </Button>
          {forced ? (
            <Button type="link" block onClick={() => void signOut()}>
              {t('header.signOut')}
            </Button>
          ) : (
            <Button type="link" block onClick={() => window.history.back()}>
              {t('common.cancel')}
            </Button>
          )}
        </Form>
      </Card>
    </main>
  );
}
