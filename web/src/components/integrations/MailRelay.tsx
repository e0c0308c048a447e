// The SMTP relay voicemail e-mail goes through (HAILING_SMTP_*), without its password, and a test
// message an admin sends to check it before mailboxes rely on it: the relay's answer or its refusal;
// and how many voicemail e-mails wait for a retry or failed for good (server/voicemail/mail-queue.ts).
import { useState } from 'react';
import { Alert, Button, Card, Form, Input, Space, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { request, type RequestBody, type Response } from '../../api/client';
import { useApi } from '../../lib/use-api';
import { useSession } from '../../lib/session';
import { showServerErrors } from '../../lib/form-errors';
import { SettingsList } from './SettingsList';

type Mail = Response<'/api/v1/system/mail', 'get'>;
type Sent = Response<'/api/v1/system/mail/test', 'post'>;
type Test = RequestBody<'/api/v1/system/mail/test', 'post'>;

export function MailRelay() {
  const { t } = useTranslation();
  const { session } = useSession();
  const mail = useApi<Mail>('/api/v1/system/mail');
  const smtp = mail.data?.smtp ?? null;
  const queue = mail.data?.queue ?? null;
  const [form] = Form.useForm<Test>();
  const [sent, setSent] = useState<Sent>();
  const [busy, setBusy] = useState(false);
  const send = async (body: Test) => {
    setBusy(true);
    setSent(undefined);
    try {
      setSent(await request<Sent>('/api/v1/system/mail/test', { method: 'POST', body }));
    } catch (err) {
      showServerErrors(form, err, ['to']);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card title={t('mailRelay.title')} style={{ marginTop: 16 }}>
      <SettingsList
        off={t('mailRelay.off')}
        items={
          smtp && [
            [t('mailRelay.host'), `${smtp.host}:${smtp.port}`],
            [t('mailRelay.tls'), t(`mailRelay.tlsModes.${smtp.tls}`)],
            [t('mailRelay.from'), smtp.from],
            [t('mailRelay.user'), smtp.user],
          ]
        }
      />
      {queue && (
        // voicemail e-mails the relay did not take: waiting for a retry, and refused at every try (audited)
        <Space style={{ marginTop: 16 }} data-testid="mail-queue">
          <Tag color={queue.pending > 0 ? 'orange' : 'default'}>{t('mailRelay.pending', { n: queue.pending })}</Tag>
          <Tag color={queue.failed > 0 ? 'red' : 'default'}>{t('mailRelay.failedMails', { n: queue.failed })}</Tag>
        </Space>
      )}
      {smtp && session?.permissions.includes('voicemail.write') && (
        <Form form={form} layout="inline" onFinish={(v) => void send(v)} style={{ marginTop: 16 }}>
          <Form.Item name="to" label={t('mailRelay.to')} rules={[{ required: true }]}>
            <Input data-testid="mail-to" />
          </Form.Item>
          <Button htmlType="submit" loading={busy} data-testid="mail-test">
            {t('mailRelay.send')}
          </Button>
        </Form>
      )}
      {sent && <Alert style={{ marginTop: 16 }} type={sent.ok ? 'success' : 'error'} showIcon message={sent.ok ? t('mailRelay.sent') : t('mailRelay.failed')} description={sent.ok ? sent.response : sent.detail} data-testid="mail-result" />}
    </Card>
  );
}
