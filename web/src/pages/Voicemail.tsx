// Mailboxes: per extension its settings (on/off, message length, PIN reset: the PIN is never shown),
// its greetings (unavailable, busy, temporary: WAV uploads) and its messages, each with a player, mark read and delete. The
// message lamp of the phone follows what is done here.
import { useCallback, useEffect, useState } from 'react';
import { Alert, Button, Card, Form, Input, InputNumber, Popconfirm, Select, Space, Switch, Table, Tag, Typography, message } from 'antd';
import { useTranslation } from 'react-i18next';
import { request, type Response } from '../api/client';
import { useApi } from '../lib/use-api';
import { showServerErrors } from '../lib/form-errors';
import { formatDateTime } from '../lib/format';
import { ErrorAlert } from '../components/ErrorAlert';

type Extensions = Response<'/api/v1/extensions', 'get'>;
type Mailbox = Response<'/api/v1/extensions/{number}/mailbox', 'get'>;
type Messages = Response<'/api/v1/extensions/{number}/mailbox/messages', 'get'>;
type Message = Messages['items'][number];
/** the greetings a mailbox may have (server: store/schema/voicemail.ts GREETING_KINDS) */
const GREETING_KINDS = ['unavailable', 'busy', 'temporary'] as const;
type GreetingKind = (typeof GREETING_KINDS)[number];
interface Values {
  enabled: boolean;
  maxMessageS: number;
  pin?: string;
}

export default function Voicemail() {
  const { t } = useTranslation();
  const extensions = useApi<Extensions>('/api/v1/extensions', { limit: 500 });
  // a voicemail e-mail's link names the mailbox (server/voicemail/mail.ts): open it at once
  const [number, setNumber] = useState<string | undefined>(() => {
    const linked = new URLSearchParams(window.location.search).get('mailbox');
    return linked !== null && /^[0-9]{1,15}$/.test(linked) ? linked : undefined;
  });
  const [box, setBox] = useState<Mailbox | null>();
  const [messages, setMessages] = useState<Message[]>([]);
  const [form] = Form.useForm<Values>();
  const [problem, setProblem] = useState<string>();
  const [toast, holder] = message.useMessage();

  const load = useCallback(async (n: string) => {
    setProblem(undefined);
    try {
      const b = await request<Mailbox>(`/api/v1/extensions/${n}/mailbox`);
      setBox(b);
      form.setFieldsValue({ enabled: b.enabled, maxMessageS: b.maxMessageS, pin: '' });
      setMessages((await request<Messages>(`/api/v1/extensions/${n}/mailbox/messages`)).items);
    } catch (err) {
      if ((err as { status?: number }).status === 404) {
        setBox(null);
        setMessages([]);
        form.setFieldsValue({ enabled: true, maxMessageS: 120, pin: '' });
      } else setProblem(String(err));
    }
  }, [form]);

  useEffect(() => {
    if (number !== undefined) void load(number);
  }, [number, load]);

  const save = async (v: Values) => {
    if (number === undefined) return;
    try {
      await request(`/api/v1/extensions/${number}/mailbox`, { method: 'PUT', body: { enabled: v.enabled, maxMessageS: v.maxMessageS, ...(v.pin ? { pin: v.pin } : {}) } });
      void toast.success(t('common.saved'));
      await load(number);
    } catch (err) {
      setProblem(showServerErrors(form, err, ['enabled', 'maxMessageS', 'pin']));
    }
  };

  const upload = async (kind: GreetingKind, file: File | undefined) => {
    if (number === undefined || file === undefined) return;
    const res = await fetch(`/api/v1/extensions/${number}/mailbox/greeting?kind=${kind}`, { method: 'PUT', credentials: 'same-origin', headers: { 'Content-Type': 'audio/wav' }, body: file });
    if (res.ok) {
      void toast.success(t('voicemail.greetingSaved'));
      await load(number);
    } else setProblem(((await res.json().catch(() => ({}))) as { reason?: string }).reason ?? res.statusText);
  };
  const removeGreeting = async (kind: GreetingKind) => {
    if (number === undefined) return;
    await request(`/api/v1/extensions/${number}/mailbox/greeting`, { method: 'DELETE', query: { kind } });
    void toast.success(t('voicemail.greetingRemoved'));
    await load(number);
  };

  const markRead = async (m: Message, read: boolean) => {
    await request(`/api/v1/voicemail/messages/${m.id}`, { method: 'PATCH', body: { read } });
    if (number !== undefined) await load(number);
  };
  const remove = async (m: Message) => {
    await request(`/api/v1/voicemail/messages/${m.id}`, { method: 'DELETE' });
    if (number !== undefined) await load(number);
  };

  return (
    <>
      {holder}
      <ErrorAlert error={extensions.error} />
      <Select
        showSearch
        aria-label={t('voicemail.extension')}
        placeholder={t('voicemail.pick')}
        style={{ width: 280, marginBottom: 16 }}
        value={number}
        onChange={setNumber}
        data-testid="mailbox-select"
        options={(extensions.data?.items ?? []).map((e) => ({ value: e.number, label: e.displayName ? `${e.number} ${e.displayName}` : e.number }))}
      />
      {number !== undefined && box !== undefined && (
        <Space direction="vertical" size="large" style={{ width: '100%' }}>
          <Card title={t('voicemail.title', { number })} style={{ maxWidth: 560 }}>
            {problem && <Alert type="error" showIcon role="alert" title={problem} style={{ marginBottom: 16 }} />}
            {box === null && <Alert type="info" showIcon title={t('voicemail.none')} style={{ marginBottom: 16 }} />}
            {box && (
              <Space style={{ marginBottom: 16 }} data-testid="mailbox-state">
                <Tag color={box.hasPin ? 'green' : 'orange'}>{box.hasPin ? t('voicemail.pinSet') : t('voicemail.noPin')}</Tag>
                <Tag>{box.hasGreeting ? t('voicemail.greetingUploaded') : t('voicemail.greetingDefault')}</Tag>
                <Tag color={box.newMessages > 0 ? 'red' : 'default'}>{t('voicemail.counts', { fresh: box.newMessages, old: box.oldMessages })}</Tag>
              </Space>
            )}
            <Form form={form} layout="vertical" onFinish={(v) => void save(v)}>
              <Form.Item name="enabled" label={t('voicemail.enabled')} valuePropName="checked">
                <Switch />
              </Form.Item>
              <Form.Item name="maxMessageS" label={t('voicemail.maxMessageS')}>
                <InputNumber min={10} max={600} />
              </Form.Item>
              <Form.Item name="pin" label={t('voicemail.pin')} extra={t('voicemail.pinHelp')}>
                <Input.Password inputMode="numeric" autoComplete="new-password" />
              </Form.Item>
              <Button type="primary" htmlType="submit">
                {t('common.save')}
              </Button>
            </Form>
            {box && (
              <div style={{ marginTop: 16 }} data-testid="greetings">
                <Typography.Paragraph type="secondary">
                  {t('voicemail.greetingsHelp')} {t('voicemail.greetingHelp')}
                </Typography.Paragraph>
                {GREETING_KINDS.map((kind) => (
                  <Form.Item key={kind} label={t(`voicemail.greetingKinds.${kind}`)} data-testid={`greeting-${kind}`}>
                    <Space wrap>
                      <Tag color={box.greetings[kind] ? 'green' : 'default'}>{box.greetings[kind] ? t('voicemail.greetingSet') : t('voicemail.greetingNotSet')}</Tag>
                      {/* the unavailable one keeps its old test id: it is the greeting there once was */}
                      <input type="file" accept=".wav,audio/wav" aria-label={t(`voicemail.greetingKinds.${kind}`)} data-testid={kind === 'unavailable' ? 'greeting-file' : `greeting-file-${kind}`} onChange={(e) => void upload(kind, e.target.files?.[0])} />
                      {box.greetings[kind] && (
                        <Button size="small" danger onClick={() => void removeGreeting(kind)}>
                          {t('voicemail.greetingRemove')}
                        </Button>
                      )}
                    </Space>
                  </Form.Item>
                ))}
              </div>
            )}
          </Card>
          {box && (
            <Table<Message>
              rowKey="id"
              dataSource={messages}
              pagination={false}
              data-testid="messages-table"
              columns={[
                { title: t('voicemail.from'), key: 'from', render: (_: unknown, m: Message) => (m.callerName ? `${m.caller} ${m.callerName}` : m.caller) },
                { title: t('voicemail.at'), dataIndex: 'createdAt', render: (v: string) => formatDateTime(v) },
                { title: t('voicemail.length'), dataIndex: 'durationMs', render: (v: number) => `${Math.round(v / 1000)} s` },
                { title: t('voicemail.state'), dataIndex: 'read', render: (v: boolean) => <Tag color={v ? 'default' : 'red'}>{v ? t('voicemail.read') : t('voicemail.new')}</Tag> },
                { title: t('voicemail.listen'), key: 'audio', render: (_: unknown, m: Message) => <audio controls preload="none" src={`/api/v1/voicemail/messages/${m.id}/audio`} /> },
                {
                  title: t('common.actions'),
                  key: 'actions',
                  render: (_: unknown, m: Message) => (
                    <Space>
                      <Button size="small" onClick={() => void markRead(m, !m.read)}>
                        {m.read ? t('voicemail.markNew') : t('voicemail.markRead')}
                      </Button>
                      <Popconfirm title={t('voicemail.confirmDelete')} onConfirm={() => void remove(m)}>
                        <Button size="small" danger>
                          {t('common.delete')}
                        </Button>
                      </Popconfirm>
                    </Space>
                  ),
                },
              ]}
            />
          )}
        </Space>
      )}
    </>
  );
}
