// Setup step 3: a test call. A dial plan entry for a test number speaks a sentence (a 'say' step,
// on-device TTS) to whoever dials it; the page then watches the call records for a call to that
// number since it opened and says who called, whether it was answered and whether audio came from
// the phone (RTP packets Hailing received on the caller's leg): registration, the dial plan and
// media in one check a new administrator can make from a desk phone in a minute.
import { useMemo, useState } from 'react';
import { Alert, Button, Form, Input, Space, Spin, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { request, type RequestBody, type Response } from '../../api/client';
import { useApi } from '../../lib/use-api';
import { useInterval } from '../../lib/use-interval';
import { formatDateTime, formatNumber } from '../../lib/format';
import { showServerErrors } from '../../lib/form-errors';

type Plan = Response<'/api/v1/dialplan', 'get'>;
type Entry = RequestBody<'/api/v1/dialplan', 'post'>;
type Records = Response<'/api/v1/cdrs', 'get'>;
/** marks the entry this screen made, so a second visit finds it again */
const DESCRIPTION = 'Hailing setup: test number';
/** what the test number says (espeak-ng's English voice: a caller hears the phone works end to end) */
const PROMPT = 'This is the Hailing test call. Your phone can call and hear this server.';

export function SetupTestCall() {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ pattern: string }>();
  const plan = useApi<Plan>('/api/v1/dialplan');
  const existing = plan.data?.items.find((e) => e.description === DESCRIPTION);
  const [problem, setProblem] = useState<string>();
  // only calls made after the screen opened count as the test
  const since = useMemo(() => new Date().toISOString(), []);
  const number = existing?.pattern;
  const calls = useApi<Records>(number === undefined ? undefined : '/api/v1/cdrs', { number, from: since, limit: 1 });
  useInterval(() => void (number !== undefined && calls.reload()), 2000);

  const createNumber = async ({ pattern }: { pattern: string }) => {
    setProblem(undefined);
    const entry: Entry = { pattern, permission: null, steps: [{ kind: 'say', text: PROMPT }], description: DESCRIPTION };
    try {
      await request('/api/v1/dialplan', { method: 'POST', body: entry });
      await plan.reload();
    } catch (err) {
      setProblem(showServerErrors(form, err, ['pattern']));
    }
  };

  if (plan.loading && !plan.data) return <Spin />;
  if (number === undefined)
    return (
      <Space direction="vertical" style={{ width: '100%' }}>
        <Typography.Paragraph>{t('setup.testIntro')}</Typography.Paragraph>
        <Form form={form} layout="inline" initialValues={{ pattern: '9999' }} onFinish={(v) => void createNumber(v)}>
          <Form.Item name="pattern" label={t('setup.testNumber')} rules={[{ required: true, message: t('forms.required') }]}>
            <Input style={{ width: 140 }} />
          </Form.Item>
          <Button type="primary" htmlType="submit" data-testid="setup-test-create">
            {t('setup.testCreate')}
          </Button>
        </Form>
        {problem && <Alert type="error" showIcon title={problem} />}
      </Space>
    );

  const call = calls.data?.items[0];
  const leg = call?.legs.find((l) => l.role === 'caller');
  const heard = call !== undefined && call.disposition === 'ANSWERED' && (leg?.packetsReceived ?? 0) > 0;
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Typography.Paragraph data-testid="setup-test-dial">{t('setup.testDial', { number })}</Typography.Paragraph>
      {call === undefined ? (
        <Alert type="info" showIcon title={t('setup.testWaiting', { number })} />
      ) : (
        <Alert
          type={heard ? 'success' : 'warning'}
          showIcon
          data-testid="setup-test-result"
          title={heard ? t('setup.testWorked', { caller: call.caller }) : t('setup.testProblem', { caller: call.caller })}
          description={t('setup.testFigures', {
            at: formatDateTime(call.startedAt),
            disposition: call.disposition ? t(`dispositions.${call.disposition}`) : '—',
            received: formatNumber(leg?.packetsReceived ?? 0),
            sent: formatNumber(leg?.packetsSent ?? 0),
          })}
        />
      )}
    </Space>
  );
}
