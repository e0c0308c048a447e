// The security policy profile (security admins choose it; auditors read it): the profile in force,
// every value of each profile side by side (password rules, lockout, sessions, who must use MFA,
// three-way separation), and the switch. The server refuses mlps3 while a user holds two
// administrator roles and names that user; the reason shows under the profile field.
import { useState } from 'react';
import { App, Button, Form, Select, Space, Table, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { request, type Response } from '../api/client';
import { useApi } from '../lib/use-api';
import { useSession } from '../lib/session';
import { showServerErrors } from '../lib/form-errors';
import { ErrorAlert } from '../components/ErrorAlert';

type Policy = Response<'/api/v1/security/policy', 'get'>;
type Values = Policy['current'];
type Profile = Values['profile'];

const MINUTE = 60_000;

/** each value a row shows, as text in the console's language */
function rowsOf(t: (k: string, o?: Record<string, unknown>) => string): { key: string; label: string; value: (v: Values) => string }[] {
  const minutes = (ms: number) => (ms % (60 * MINUTE) === 0 ? t('policy.hours', { n: ms / (60 * MINUTE) }) : t('policy.minutes', { n: Math.round(ms / MINUTE) }));
  const none = t('policy.none');
  return [
    { key: 'minLength', label: t('policy.minLength'), value: (v) => String(v.password.minLength) },
    { key: 'minClasses', label: t('policy.minClasses'), value: (v) => (v.password.minClasses > 0 ? String(v.password.minClasses) : none) },
    { key: 'history', label: t('policy.history'), value: (v) => (v.password.history > 0 ? String(v.password.history) : none) },
    { key: 'maxAge', label: t('policy.maxAge'), value: (v) => (v.password.maxAgeDays > 0 ? t('policy.days', { n: v.password.maxAgeDays }) : none) },
    { key: 'lockout', label: t('policy.lockout'), value: (v) => t('policy.lockoutValue', { n: v.lockout.maxFailures, time: minutes(v.lockout.lockoutMs) }) },
    { key: 'idle', label: t('policy.idle'), value: (v) => minutes(v.session.idleTimeoutMs) },
    { key: 'absolute', label: t('policy.absolute'), value: (v) => minutes(v.session.absoluteLifetimeMs) },
    { key: 'concurrent', label: t('policy.concurrent'), value: (v) => (v.session.maxConcurrent > 0 ? String(v.session.maxConcurrent) : t('policy.noLimit')) },
    { key: 'mfa', label: t('policy.mfaRoles'), value: (v) => v.mfaRoles.map((r) => t(`users.roleNames.${r}`)).join(', ') },
    { key: 'separation', label: t('policy.separation'), value: (v) => (v.separationOfDuties ? t('policy.yes') : t('policy.no')) },
  ];
}

export default function PolicyPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { session } = useSession();
  const mayWrite = session?.permissions.includes('policy.write') ?? false;
  const policy = useApi<Policy>('/api/v1/security/policy');
  const [form] = Form.useForm<{ profile: Profile }>();
  const [problem, setProblem] = useState<string>();
  const [saving, setSaving] = useState(false);
  const current = policy.data?.current.profile;

  const save = async ({ profile }: { profile: Profile }) => {
    setSaving(true);
    setProblem(undefined);
    try {
      await request('/api/v1/security/policy', { method: 'PUT', body: { profile } });
      void message.success(t('common.saved'));
      await policy.reload();
    } catch (err) {
      setProblem(showServerErrors(form, err, ['profile']));
    } finally {
      setSaving(false);
    }
  };

  const profiles = policy.data?.profiles ?? [];
  return (
    <>
      <ErrorAlert error={policy.error} />
      {problem && <ErrorAlert error={new Error(problem)} />}
      {policy.data && (
        <Form form={form} layout="inline" initialValues={{ profile: current }} onFinish={(v) => void save(v)} style={{ marginBottom: 16 }}>
          <Form.Item name="profile" label={t('policy.profile')}>
            <Select style={{ width: 260 }} disabled={!mayWrite} options={profiles.map((p) => ({ value: p.profile, label: t(`policy.profiles.${p.profile}`) }))} />
          </Form.Item>
          {mayWrite && (
            <Button type="primary" htmlType="submit" loading={saving} data-testid="policy-save">
              {t('common.save')}
            </Button>
          )}
        </Form>
      )}
      <Table<{ key: string; label: string; value: (v: Values) => string }>
        rowKey="key"
        loading={policy.loading && !policy.data}
        dataSource={rowsOf(t)}
        pagination={false}
        columns={[
          { title: t('policy.value'), dataIndex: 'label' },
          ...profiles.map((p) => ({
            title: (
              <Space>
                {t(`policy.profiles.${p.profile}`)}
                {p.profile === current && <Tag color="blue" data-testid="policy-current">{t('policy.current')}</Tag>}
              </Space>
            ),
            key: p.profile,
            render: (_: unknown, row: { value: (v: Values) => string }) => row.value(p),
          })),
        ]}
      />
    </>
  );
}
