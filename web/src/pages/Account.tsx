// The signed-in user's own account: who it is and its roles, the password change, two-step sign-in
// (on or not; setting it up on the enrolment screen) and new recovery codes, which the server hands
// out against a current authenticator code and which are shown once.
import { useState } from 'react';
import { Button, Card, Descriptions, Form, Input, Space, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { request, type Response } from '../api/client';
import { useSession } from '../lib/session';
import { navigate } from '../lib/router';
import { showServerErrors } from '../lib/form-errors';

type Codes = Response<'/api/v1/auth/mfa/recovery-codes', 'post'>;

export default function Account() {
  const { t } = useTranslation();
  const { session } = useSession();
  const [form] = Form.useForm<{ code: string }>();
  const [codes, setCodes] = useState<string[]>();
  const [problem, setProblem] = useState<string>();
  if (!session) return null;

  const renew = async ({ code }: { code: string }) => {
    setProblem(undefined);
    try {
      const r = await request<Codes>('/api/v1/auth/mfa/recovery-codes', { method: 'POST', body: { code: code.trim() } });
      setCodes(r.recoveryCodes);
      form.resetFields();
    } catch (err) {
      setProblem(showServerErrors(form, err, ['code']));
    }
  };

  return (
    <Space orientation="vertical" size="large" style={{ width: '100%', maxWidth: 720 }}>
      <Card title={t('account.who')}>
        <Descriptions column={1}>
          <Descriptions.Item label={t('users.username')}>{session.username}</Descriptions.Item>
          <Descriptions.Item label={t('users.roles')}>
            {session.roles.map((r) => (
              <Tag key={r}>{t(`users.roleNames.${r}`)}</Tag>
            ))}
          </Descriptions.Item>
          {session.extensions.length > 0 && <Descriptions.Item label={t('users.extensions')}>{session.extensions.join(', ')}</Descriptions.Item>}
        </Descriptions>
        <Button onClick={() => navigate('/password?next=/account')} data-testid="account-password">
          {t('header.changePassword')}
        </Button>
      </Card>
      <Card title={t('account.mfa')}>
        <Typography.Paragraph data-testid="account-mfa">{session.mfaEnabled ? t('mfa.enabled') : t('account.mfaOff')}</Typography.Paragraph>
        {!session.mfaEnabled && (
          <Button type="primary" onClick={() => navigate('/mfa?next=/account')}>
            {t('account.mfaSetUp')}
          </Button>
        )}
        {session.mfaEnabled && !codes && (
          <Form form={form} layout="inline" onFinish={(v) => void renew(v)}>
            <Form.Item name="code" label={t('mfa.code')} rules={[{ required: true, pattern: /^\s*[0-9]{6}\s*$/, message: t('mfa.codeRule') }]}>
              <Input autoComplete="one-time-code" inputMode="numeric" maxLength={8} style={{ width: 120 }} />
            </Form.Item>
            <Button htmlType="submit">{t('account.renewCodes')}</Button>
          </Form>
        )}
        {problem && <Typography.Paragraph type="danger" role="alert">{problem}</Typography.Paragraph>}
        {codes && (
          <>
            <Typography.Paragraph>{t('mfa.recoveryOnce')}</Typography.Paragraph>
            <pre data-testid="recovery-codes">{codes.join('\n')}</pre>
          </>
        )}
      </Card>
    </Space>
  );
}
