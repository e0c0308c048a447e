// A supervisor's controls for one agent on the wallboard: force a state (log in or out, a break with
// its reason, available, end wrap-up) and monitoring. Hailing cannot ring the supervisor's phone
// yet, so "monitor" shows the codes to dial for listen, whisper and barge and the call they reach.
import { useState } from 'react';
import { App, Button, Descriptions, Form, Input, Modal, Radio, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { ApiError, request, type RequestBody, type Response } from '../api/client';

type Action = RequestBody<'/api/v1/acd/agents/{id}/state', 'post'>;
type Monitor = Response<'/api/v1/acd/agents/{id}/monitor', 'get'>;
const ACTIONS = ['login', 'available', 'break', 'wrap-up-done', 'logout'] as const;

export function AgentControls({ agentId, name }: { agentId: string; name: string }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [stateOpen, setStateOpen] = useState(false);
  const [monitor, setMonitor] = useState<Monitor>();
  const [form] = Form.useForm<{ action: (typeof ACTIONS)[number]; reason?: string }>();
  const action = Form.useWatch('action', form);
  const path = `/api/v1/acd/agents/${encodeURIComponent(agentId)}`;
  const fail = (err: unknown) => void message.error(err instanceof ApiError ? err.text : String(err));

  const force = async (v: { action: (typeof ACTIONS)[number]; reason?: string }) => {
    const body: Action = v.action === 'break' ? { action: 'break', reason: v.reason ?? 'supervisor' } : v.action === 'wrap-up-done' ? { action: 'wrap-up-done', code: null } : v.action === 'login' ? { action: 'login', browser: false } : { action: v.action };
    try {
      await request(`${path}/state`, { method: 'POST', body });
      setStateOpen(false);
    } catch (err) {
      fail(err);
    }
  };
  const openMonitor = async () => {
    try {
      setMonitor(await request<Monitor>(`${path}/monitor`));
    } catch (err) {
      fail(err);
    }
  };

  return (
    <Space size={4}>
      <Button size="small" onClick={() => setStateOpen(true)} data-testid={`force-${agentId}`}>
        {t('wallboard.setState')}
      </Button>
      <Button size="small" onClick={() => void openMonitor()} data-testid={`monitor-${agentId}`}>
        {t('wallboard.monitor')}
      </Button>
      <Modal open={stateOpen} title={t('wallboard.setStateOf', { name })} onCancel={() => setStateOpen(false)} onOk={() => form.submit()} okText={t('common.save')} cancelText={t('common.cancel')} destroyOnHidden>
        <Form form={form} layout="vertical" initialValues={{ action: 'available', reason: 'supervisor' }} onFinish={(v) => void force(v)}>
          <Form.Item name="action">
            <Radio.Group options={ACTIONS.map((a) => ({ value: a, label: t(`wallboard.actions.${a}`) }))} data-testid="force-action" />
          </Form.Item>
          {action === 'break' && (
            <Form.Item name="reason" label={t('wallboard.breakReason')} rules={[{ required: true, max: 32, message: t('forms.required') }]}>
              <Input maxLength={32} />
            </Form.Item>
          )}
        </Form>
      </Modal>
      <Modal open={monitor !== undefined} title={t('wallboard.monitorOf', { name })} footer={null} onCancel={() => setMonitor(undefined)} destroyOnHidden>
        <Typography.Paragraph>{t('wallboard.monitorHint')}</Typography.Paragraph>
        <Descriptions column={1} bordered size="small" data-testid="monitor-codes">
          <Descriptions.Item label={t('wallboard.listen')}>
            <Typography.Text code copyable>
              {monitor?.codes.listen}
            </Typography.Text>
          </Descriptions.Item>
          <Descriptions.Item label={t('wallboard.whisper')}>
            <Typography.Text code copyable>
              {monitor?.codes.whisper}
            </Typography.Text>
          </Descriptions.Item>
          <Descriptions.Item label={t('wallboard.barge')}>
            <Typography.Text code copyable>
              {monitor?.codes.barge}
            </Typography.Text>
          </Descriptions.Item>
          <Descriptions.Item label={t('wallboard.call')}>{monitor?.callId ?? t('wallboard.noCall')}</Descriptions.Item>
        </Descriptions>
      </Modal>
    </Space>
  );
}
