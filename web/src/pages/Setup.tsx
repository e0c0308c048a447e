// First-run setup (/setup, administrators): opened after sign-in until someone completes or
// dismisses it (the session's setupPending, from a stored setting). Three steps a new administrator
// needs in five minutes: the server's SIP domain and public address with the reachability check,
// the first extensions with their passwords shown once, and a test call.
import { useState } from 'react';
import { Button, Card, Popconfirm, Space, Spin, Steps, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { request, type Response } from '../api/client';
import { useApi } from '../lib/use-api';
import { useSession } from '../lib/session';
import { navigate } from '../lib/router';
import { homeFor } from '../layout/routes';
import { formatDateTime } from '../lib/format';
import { ErrorAlert } from '../components/ErrorAlert';
import { SetupAddress } from '../components/setup/SetupAddress';
import { SetupExtensions } from '../components/setup/SetupExtensions';
import { SetupTestCall } from '../components/setup/SetupTestCall';

type State = Response<'/api/v1/setup', 'get'>;

export default function Setup() {
  const { t } = useTranslation();
  const { refresh } = useSession();
  const state = useApi<State>('/api/v1/setup');
  const [step, setStep] = useState(0);
  const [error, setError] = useState<Error>();

  const finish = async (outcome: 'completed' | 'dismissed') => {
    setError(undefined);
    try {
      await request('/api/v1/setup/complete', { method: 'POST', body: { outcome } });
      const s = await refresh();
      if (s) navigate(homeFor(s.permissions), { replace: true });
    } catch (err) {
      setError(err as Error);
    }
  };

  if (!state.data) return state.error ? <ErrorAlert error={state.error} /> : <Spin />;
  const s = state.data;
  const steps = [
    { title: t('setup.stepAddress'), content: <SetupAddress state={s} /> },
    { title: t('setup.stepExtensions'), content: <SetupExtensions domain={s.sipDomain} onCreated={() => void state.reload()} /> },
    { title: t('setup.stepTestCall'), content: <SetupTestCall /> },
  ];
  return (
    <Space direction="vertical" style={{ width: '100%' }} size="large">
      {s.completed && <Tag color="green">{t(s.outcome === 'dismissed' ? 'setup.dismissedAt' : 'setup.completedAt', { at: formatDateTime(s.completedAt), by: s.completedBy ?? '' })}</Tag>}
      <Steps current={step} onChange={setStep} items={steps.map((x) => ({ title: x.title }))} />
      <Card title={steps[step]!.title}>{steps[step]!.content}</Card>
      <ErrorAlert error={error} />
      <Space>
        {step > 0 && <Button onClick={() => setStep(step - 1)}>{t('setup.back')}</Button>}
        {step < steps.length - 1 ? (
          <Button type="primary" onClick={() => setStep(step + 1)} data-testid="setup-next">
            {t('setup.next')}
          </Button>
        ) : (
          <Button type="primary" onClick={() => void finish('completed')} data-testid="setup-finish">
            {t('setup.finish')}
          </Button>
        )}
        {!s.completed && (
          <Popconfirm title={t('setup.dismissConfirm')} onConfirm={() => finish('dismissed')}>
            <Button data-testid="setup-dismiss">{t('setup.dismiss')}</Button>
          </Popconfirm>
        )}
      </Space>
    </Space>
  );
}
