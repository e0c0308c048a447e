// TOTP enrolment (RFC 6238): forced at the first sign-in for roles that must use a second factor,
// reachable later from the header. The secret comes as an otpauth:// URI drawn as a QR code (on a
// canvas: the CSP allows no data: images) and as text; a code from the app confirms it; the ten
// recovery codes are shown once.
import { useEffect, useRef, useState } from 'react';
import { Alert, Button, Card, Form, Input, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import QRCode from 'qrcode';
import { ApiError, request, type Response } from '../api/client';
import { useSession } from '../lib/session';
import { navigate, safeNext } from '../lib/router';

type Enrolment = Response<'/api/v1/auth/mfa/totp/enrol', 'post'>;
type Confirmed = Response<'/api/v1/auth/mfa/totp/confirm', 'post'>;

export default function EnrolMfa({ forced }: { forced: boolean }) {
  const { t } = useTranslation();
  const { session, refresh, signOut } = useSession();
  const [enrolment, setEnrolment] = useState<Enrolment>();
  const [codes, setCodes] = useState<string[]>();
  const [problem, setProblem] = useState<string>();
  const [busy, setBusy] = useState(false);
  const canvas = useRef<HTMLCanvasElement>(null);
  const started = useRef(false);

  useEffect(() => {
    if (started.current || session?.mfaEnabled) return;
    started.current = true;
    request<Enrolment>('/api/v1/auth/mfa/totp/enrol', { method: 'POST', body: {} })
      .then(setEnrolment)
      .catch((err: unknown) => setProblem(err instanceof ApiError ? err.text : String(err)));
  }, [session?.mfaEnabled]);

  useEffect(() => {
    if (enrolment && canvas.current) void QRCode.toCanvas(canvas.current, enrolment.otpauthUri, { width: 200 });
  }, [enrolment]);

  const confirm = async ({ code }: { code: string }) => {
    setBusy(true);
    setProblem(undefined);
    try {
      const done = await request<Confirmed>('/api/v1/auth/mfa/totp/confirm', { method: 'POST', body: { code: code.trim() } });
      setCodes(done.recoveryCodes);
    } catch (err) {
      setProblem(err instanceof ApiError && err.status === 400 ? t('mfa.badCode') : err instanceof ApiError ? err.text : String(err));
    } finally {
      setBusy(false);
    }
  };

  const finish = async () => {
    await refresh();
    navigate(safeNext(new URLSearchParams(window.location.search).get('next')), { replace: true });
  };

  return (
    <main style={{ minHeight: '100vh', display: 'grid', placeItems: 'center', background: '#f5f7fa' }}>
      <Card style={{ width: 460 }}>
        <Typography.Title level={3}>{t('mfa.title')}</Typography.Title>
        {forced && !codes && <Alert type="warning" showIcon title={t('mfa.forced')} style={{ marginBottom: 16 }} />}
        {problem && <Alert type="error" showIcon role="alert" title={problem} style={{ marginBottom: 16 }} />}
        {session?.mfaEnabled && !codes && <Alert type="success" showIcon title={t('mfa.enabled')} />}
        {enrolment && !codes && (
          <>
            <Typography.Paragraph>{t('mfa.scan')}</Typography.Paragraph>
            <canvas ref={canvas} aria-label={t('mfa.qr')} />
            <Typography.Paragraph>
              {t('mfa.secret')} <Typography.Text code copyable data-testid="totp-secret">{enrolment.secret}</Typography.Text>
            </Typography.Paragraph>
            <Form layout="vertical" onFinish={(v: { code: string }) => void confirm(v)} requiredMark={false}>
              <Form.Item name="code" label={t('mfa.code')} rules={[{ required: true, pattern: /^\s*[0-9]{6}\s*$/, message: t('mfa.codeRule') }]}>
                <Input autoComplete="one-time-code" inputMode="numeric" maxLength={8} />
              </Form.Item>
              <Space>
                <Button type="primary" htmlType="submit" loading={busy}>
                  {t('mfa.confirm')}
                </Button>
                {forced && <Button onClick={() => void signOut()}>{t('header.signOut')}</Button>}
              </Space>
            </Form>
          </>
        )}
        {codes && (
          <>
            <Alert type="info" showIcon title={t('mfa.recoveryOnce')} style={{ marginBottom: 16 }} />
            <pre data-testid="recovery-codes">{codes.join('\n')}</pre>
            <Button type="primary" onClick={() => void finish()}>
              {t('mfa.continue')}
            </Button>
          </>
        )}
      </Card>
    </main>
  );
}
