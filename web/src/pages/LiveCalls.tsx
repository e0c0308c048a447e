// Calls in progress: the list from the API, asked again whenever the event stream says a call
// started, was answered, held, resumed, transferred or ended. Each row can be hung up, held or
// resumed (music on hold), transferred to a number, sent DTMF, and its recording paused. Roles with
// recordings.listen can open a call's live transcript (its expanded row), filled as it is spoken.
import { useCallback, useState } from 'react';
import { App, Badge, Button, Form, Input, Modal, Popconfirm, Radio, Space, Table, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { request, type Response } from '../api/client';
import { useApi } from '../lib/use-api';
import { useEvents } from '../lib/events';
import { formatDateTime } from '../lib/format';
import { ErrorAlert } from '../components/ErrorAlert';
import { LiveTranscript, useLiveTranscripts } from '../components/LiveTranscript';
import { useSession } from '../lib/session';

type List = Response<'/api/v1/calls', 'get'>;
type LiveCall = List['items'][number];
const CALL_EVENTS = ['newcall', 'ringing', 'answered', 'hangup', 'hold', 'resume', 'unbridged', 'transfer'];

export default function LiveCalls() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const list = useApi<List>('/api/v1/calls');
  const { reload } = list;
  const onEvent = useCallback(() => void reload(), [reload]);
  const live = useEvents(CALL_EVENTS, onEvent);
  const [transferOf, setTransferOf] = useState<LiveCall | null>(null);
  const [dtmfOf, setDtmfOf] = useState<LiveCall | null>(null);
  // transcripts are heard with the recordings' permission (docs/speech.md)
  const listens = useSession().session?.permissions.includes('recordings.listen') ?? false;
  const transcripts = useLiveTranscripts(listens);
  const [expanded, setExpanded] = useState<readonly string[]>([]);
  const toggleTranscript = (id: string) => setExpanded((e) => (e.includes(id) ? e.filter((x) => x !== id) : [...e, id]));

  const act = async (call: LiveCall, path: string, body?: unknown) => {
    try {
      await request(`/api/v1/calls/${call.id}/${path}`, { method: 'POST', ...(body !== undefined ? { body } : {}) });
      void message.success(t('liveCalls.done'));
      void reload();
    } catch (err) {
      void message.error((err as { text?: string }).text ?? String(err));
    }
  };

  return (
    <>
      <ErrorAlert error={list.error} />
      <Space style={{ marginBottom: 16 }}>
        <Badge status={live ? 'success' : 'default'} text={live ? t('registrations.live') : t('registrations.offline')} />
        <Button onClick={() => void reload()}>{t('liveCalls.refresh')}</Button>
      </Space>
      <Table<LiveCall>
        rowKey="id"
        loading={list.loading && !list.data}
        dataSource={list.data?.items ?? []}
        pagination={false}
        data-testid="live-calls-table"
        {...(listens
          ? {
              expandable: {
                expandedRowKeys: [...expanded],
                onExpand: (_: boolean, c: LiveCall) => toggleTranscript(c.id),
                expandedRowRender: (c: LiveCall) => <LiveTranscript heard={transcripts.get(c.id)} />,
              },
            }
          : {})}
        columns={[
          { title: t('liveCalls.caller'), key: 'caller', render: (_: unknown, c: LiveCall) => (c.callerName ? `${c.callerName} <${c.caller}>` : c.caller) },
          { title: t('liveCalls.callee'), dataIndex: 'callee' },
          {
            title: t('liveCalls.state'),
            key: 'state',
            render: (_: unknown, c: LiveCall) => (
              <Space size={4} wrap>
                <Tag>{t(`liveCalls.states.${c.state}`)}</Tag>
                {c.held && <Tag color="orange">{t('liveCalls.held')}</Tag>}
                {c.holding.map((side) => (
                  <Tag key={side} color="gold">
                    {t(`liveCalls.holdingBy.${side}`)}
                  </Tag>
                ))}
                {c.recording && <Tag color={c.recordingPaused ? 'default' : 'red'}>{t(c.recordingPaused ? 'liveCalls.recordingPaused' : 'liveCalls.recording')}</Tag>}
                {/* keywords spotted so far, each once: the row says which calls hit without opening them */}
                {[...new Set((transcripts.get(c.id)?.keywords ?? []).map((k) => k.text))].map((k) => (
                  <Tag key={k} color="gold" data-testid={`row-keyword-${c.caller}`}>
                    {k}
                  </Tag>
                ))}
              </Space>
            ),
          },
          { title: t('liveCalls.startedAt'), dataIndex: 'startedAt', render: (v: string) => formatDateTime(v) },
          {
            title: t('common.actions'),
            key: 'actions',
            render: (_: unknown, c: LiveCall) => (
              <Space size={4} wrap>
                {c.held ? (
                  <Button size="small" onClick={() => void act(c, 'resume')} data-testid={`resume-${c.caller}`}>
                    {t('liveCalls.resume')}
                  </Button>
                ) : (
                  <Button size="small" onClick={() => void act(c, 'hold')} data-testid={`hold-${c.caller}`}>
                    {t('liveCalls.hold')}
                  </Button>
                )}
                <Button size="small" onClick={() => setTransferOf(c)} data-testid={`transfer-${c.caller}`}>
                  {t('liveCalls.transfer')}
                </Button>
                <Button size="small" onClick={() => setDtmfOf(c)}>
                  {t('liveCalls.dtmf')}
                </Button>
                {listens && (
                  <Button size="small" onClick={() => toggleTranscript(c.id)} data-testid={`transcript-${c.caller}`}>
                    {t('liveCalls.transcript')}
                  </Button>
                )}
                {c.recording && (
                  <Button size="small" onClick={() => void act(c, c.recordingPaused ? 'recording/resume' : 'recording/pause')}>
                    {t(c.recordingPaused ? 'liveCalls.recordingResume' : 'liveCalls.recordingPause')}
                  </Button>
                )}
                <Popconfirm title={t('liveCalls.hangupConfirm')} onConfirm={() => void act(c, 'hangup')}>
                  <Button size="small" danger data-testid={`hangup-${c.caller}`}>
                    {t('liveCalls.hangup')}
                  </Button>
                </Popconfirm>
              </Space>
            ),
          },
        ]}
      />
      <Modal open={transferOf !== null} title={t('liveCalls.transferTitle')} footer={null} onCancel={() => setTransferOf(null)} destroyOnHidden>
        <Form<{ target: string }>
          layout="vertical"
          onFinish={(v) => {
            if (transferOf) void act(transferOf, 'transfer', { target: v.target });
            setTransferOf(null);
          }}
        >
          <Form.Item name="target" label={t('liveCalls.target')} rules={[{ required: true, pattern: /^[0-9*#+]{1,32}$/, message: t('liveCalls.targetRule') }]}>
            <Input autoFocus data-testid="transfer-target" />
          </Form.Item>
          <Button type="primary" htmlType="submit" data-testid="transfer-submit">
            {t('liveCalls.transfer')}
          </Button>
        </Form>
      </Modal>
      <Modal open={dtmfOf !== null} title={t('liveCalls.dtmfTitle')} footer={null} onCancel={() => setDtmfOf(null)} destroyOnHidden>
        <Form<{ digits: string; to: 'caller' | 'callee' }>
          layout="vertical"
          initialValues={{ to: 'callee' }}
          onFinish={(v) => {
            if (dtmfOf) void act(dtmfOf, 'dtmf', v);
            setDtmfOf(null);
          }}
        >
          <Form.Item name="to" label={t('liveCalls.dtmfTo')}>
            <Radio.Group options={[{ value: 'caller', label: t('liveCalls.caller') }, { value: 'callee', label: t('liveCalls.callee') }]} />
          </Form.Item>
          <Form.Item name="digits" label={t('liveCalls.digits')} rules={[{ required: true, pattern: /^[0-9*#A-Da-d]{1,32}$/, message: t('liveCalls.digitsRule') }]}>
            <Input autoFocus />
          </Form.Item>
          <Button type="primary" htmlType="submit">
            {t('liveCalls.send')}
          </Button>
        </Form>
      </Modal>
    </>
  );
}
