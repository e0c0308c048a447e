// The agent workspace's call cards: the screen-pop of a call offered or in progress (caller, queue,
// wait, what the IVR learned and what the caller keyed or said at each try, the caller's last calls) and the wrap-up form (the queue's codes,
// notes) that ends the wrap-up and writes both to the call record.
import { useState } from 'react';
import { Alert, Button, Card, Descriptions, Form, Input, Select, Table, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { ApiError, request, type Response } from '../api/client';
import { showServerErrors } from '../lib/form-errors';
import { formatDateTime, formatDuration } from '../lib/format';
import { IvrAttempts } from './IvrAttempts';

type Me = Response<'/api/v1/acd/me', 'get'>;
export type ScreenPopData = NonNullable<Me['offer']>;
export type WrapUpData = NonNullable<Me['wrapUp']>;
type RecentCall = ScreenPopData['recentCalls'][number];

/** an IVR value as text: strings as they are, anything else as JSON */
const shown = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));

/**
 * PCI DSS: the agent pauses the call's recording before the caller reads out a card number and
 * resumes it after (the server writes silence meanwhile and stores no DTMF; each toggle is audited).
 */
function RecordingPause({ callId }: { callId: string }) {
  const { t } = useTranslation();
  const [paused, setPaused] = useState(false);
  const [problem, setProblem] = useState<string>();
  const toggle = async () => {
    setProblem(undefined);
    try {
      const r = await request<{ paused: boolean }>(`/api/v1/calls/${encodeURIComponent(callId)}/recording/${paused ? 'resume' : 'pause'}`, { method: 'POST' });
      setPaused(r.paused);
    } catch (err) {
      setProblem(err instanceof ApiError ? err.text : String(err));
    }
  };
  return (
    <>
      <Button size="small" danger={!paused} onClick={() => void toggle()} data-testid="recording-pause">
        {paused ? t('agent.recording.resume') : t('agent.recording.pause')}
      </Button>
      {paused ? <Tag color="red" data-testid="recording-paused">{t('agent.recording.paused')}</Tag> : null}
      {problem ? <Typography.Text type="danger">{problem}</Typography.Text> : null}
    </>
  );
}

export function ScreenPop({ pop, ringing }: { pop: ScreenPopData; ringing: boolean }) {
  const { t } = useTranslation();
  const ivr = pop.ivr ?? {};
  const vars = typeof ivr['vars'] === 'object' && ivr['vars'] !== null ? Object.entries(ivr['vars'] as Record<string, unknown>) : [];
  const path = Array.isArray(ivr['path']) ? (ivr['path'] as unknown[]).map(shown).join(' → ') : null;
  return (
    <Card
      size="small"
      title={ringing ? t('agent.pop.offered') : t('agent.pop.current')}
      extra={
        ringing ? (
          <Tag color="orange">{t('agent.pop.ringing')}</Tag>
        ) : (
          <>
            {pop.callId !== null ? <RecordingPause key={pop.callId} callId={pop.callId} /> : null}
            <Tag color="green">{t('agent.pop.talking')}</Tag>
          </>
        )
      }
      data-testid="screen-pop"
    >
      <Descriptions column={2} size="small" bordered>
        <Descriptions.Item label={t('agent.pop.caller')}>
          <Typography.Text strong data-testid="screen-pop-caller">
            {pop.caller}
          </Typography.Text>
        </Descriptions.Item>
        <Descriptions.Item label={t('agent.pop.queue')}>{pop.queueName}</Descriptions.Item>
        <Descriptions.Item label={t('agent.pop.waited')}>{formatDuration(Math.round(pop.waitMs / 1000))}</Descriptions.Item>
        <Descriptions.Item label={t('agent.pop.priority')}>{pop.priority}</Descriptions.Item>
        {path !== null ? <Descriptions.Item label={t('agent.pop.ivrPath')} span={2}>{path}</Descriptions.Item> : null}
        {vars.map(([k, v]) => (
          <Descriptions.Item key={k} label={k}>
            {shown(v)}
          </Descriptions.Item>
        ))}
      </Descriptions>
      <IvrAttempts ivr={ivr} />
      <Typography.Title level={5} style={{ marginTop: 12 }}>
        {t('agent.pop.recent')}
      </Typography.Title>
      <Table<RecentCall>
        size="small"
        rowKey="id"
        pagination={false}
        dataSource={pop.recentCalls}
        locale={{ emptyText: t('agent.pop.noRecent') }}
        columns={[
          { title: t('agent.pop.when'), dataIndex: 'startedAt', render: (v: string) => formatDateTime(v) },
          { title: t('agent.pop.dialled'), dataIndex: 'callee' },
          { title: t('agent.pop.disposition'), dataIndex: 'disposition', render: (v: string | null) => v ?? '—' },
          { title: t('agent.pop.duration'), dataIndex: 'durationS', render: (v: number | null) => formatDuration(v) },
          { title: t('agent.pop.code'), dataIndex: 'wrapUpCode', render: (v: string | null) => v ?? '—' },
        ]}
      />
    </Card>
  );
}

interface WrapUpValues {
  code?: string;
  notes?: string;
}

export function WrapUpForm({ agentId, wrapUp, onDone }: { agentId: string; wrapUp: WrapUpData; onDone: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<WrapUpValues>();
  const [problem, setProblem] = useState<string>();
  const [saving, setSaving] = useState(false);
  const save = async (v: WrapUpValues) => {
    setProblem(undefined);
    setSaving(true);
    try {
      await request(`/api/v1/acd/agents/${agentId}/wrap-up`, { method: 'POST', body: { code: v.code ?? null, notes: v.notes === undefined || v.notes === '' ? null : v.notes } });
      form.resetFields();
      onDone();
    } catch (err) {
      setProblem(showServerErrors(form, err, ['code', 'notes']));
    } finally {
      setSaving(false);
    }
  };
  return (
    <Card size="small" title={t('agent.wrapUp.title', { caller: wrapUp.caller ?? '' })} data-testid="wrap-up">
      {wrapUp.until ? <Typography.Paragraph type="secondary">{t('agent.wrapUp.until', { time: formatDateTime(wrapUp.until) })}</Typography.Paragraph> : null}
      {problem ? <Alert type="error" showIcon title={problem} style={{ marginBottom: 12 }} /> : null}
      <Form form={form} layout="vertical" onFinish={(v) => void save(v)}>
        <Form.Item name="code" label={t('agent.wrapUp.code')} rules={wrapUp.mode === 'optional' || wrapUp.codes.length === 0 ? [] : [{ required: true, message: t('agent.wrapUp.codeRequired') }]}>
          <Select allowClear options={wrapUp.codes.map((c) => ({ value: c, label: c }))} placeholder={t('agent.wrapUp.codePlaceholder')} />
        </Form.Item>
        <Form.Item name="notes" label={t('agent.wrapUp.notes')}>
          <Input.TextArea rows={3} maxLength={2000} />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={saving} data-testid="wrap-up-save">
          {t('agent.wrapUp.save')}
        </Button>
      </Form>
    </Card>
  );
}
