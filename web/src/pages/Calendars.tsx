// Business calendars: weekly hours with breaks, holidays and working-day overrides (调休) in a zone;
// a year's rules imported from a file (docs/calendars.md) or copied from another year; and the
// question the dial plan asks: open or closed at this moment, and why.
import { useState } from 'react';
import { Alert, Button, Card, Descriptions, Form, Input, InputNumber, Space, Table, Tag, Upload } from 'antd';
import { PlusOutlined, UploadOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { request, type Response } from '../api/client';
import { useApi } from '../lib/use-api';
import { jsonField } from '../lib/json-field';
import { useCrud } from '../lib/use-crud';
import { ErrorAlert } from '../components/ErrorAlert';
import { RowActions } from '../components/RowActions';
import { CrudModal } from '../components/CrudModal';

type List = Response<'/api/v1/calendars', 'get'>;
type Calendar = List['items'][number];
type Decision = Response<'/api/v1/calendars/{id}/at', 'get'>;
const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

interface CalendarForm {
  name: string;
  timeZone: string;
  weekly: string;
  days: string;
}

const hoursText = (c: Calendar, d: (typeof WEEKDAYS)[number]) => c.weekly[d].map((p) => `${p.open}–${p.close}`).join(', ') || '—';
const NEW_WEEKLY = { mon: [{ open: '09:00', close: '18:00', breaks: [{ start: '12:00', end: '13:00' }] }], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] };

/** open or closed at a chosen moment, with the reason (GET /calendars/{id}/at) */
function AtCheck({ calendar }: { calendar: Calendar }) {
  const { t } = useTranslation();
  const [time, setTime] = useState('');
  const [decision, setDecision] = useState<Decision>();
  const [problem, setProblem] = useState<string>();
  const ask = async () => {
    setProblem(undefined);
    try {
      setDecision(await request<Decision>(`/api/v1/calendars/${calendar.id}/at`, { query: time ? { time: new Date(time).toISOString() } : {} }));
    } catch (err) {
      setProblem(err instanceof Error ? err.message : String(err));
    }
  };
  return (
    <Card size="small" title={t('calendars.check', { name: calendar.name })} style={{ marginTop: 16 }}>
      <Space>
        {/* the browser's local time; empty: now */}
        <Input type="datetime-local" value={time} onChange={(e) => setTime(e.target.value)} aria-label={t('calendars.when')} style={{ width: 220 }} data-testid="calendar-time" />
        <Button onClick={() => void ask()} data-testid="calendar-ask">
          {t('calendars.ask')}
        </Button>
      </Space>
      {problem && <Alert type="error" showIcon title={problem} style={{ marginTop: 12 }} />}
      {decision && (
        <Descriptions size="small" column={1} bordered style={{ marginTop: 12 }} data-testid="calendar-decision">
          <Descriptions.Item label={t('calendars.state')}>{decision.open ? <Tag color="green">{t('calendars.open')}</Tag> : <Tag color="red">{t('calendars.closed')}</Tag>}</Descriptions.Item>
          <Descriptions.Item label={t('calendars.local')}>{`${decision.local.date} ${decision.local.time} (${decision.local.weekday})`}</Descriptions.Item>
          <Descriptions.Item label={t('calendars.source')}>{t(`calendars.sources.${decision.source}`)}</Descriptions.Item>
          <Descriptions.Item label={t('calendars.why')}>{decision.detail}</Descriptions.Item>
        </Descriptions>
      )}
    </Card>
  );
}

/** a year's rules from a file, and copying a year to another */
function YearTools({ calendar, reload }: { calendar: Calendar; reload: () => Promise<void> }) {
  const { t } = useTranslation();
  const [message, setMessage] = useState<{ ok: boolean; text: string }>();
  const [years, setYears] = useState({ from: new Date().getFullYear(), to: new Date().getFullYear() + 1 });
  const run = async (what: () => Promise<string>) => {
    try {
      setMessage({ ok: true, text: await what() });
      await reload();
    } catch (err) {
      setMessage({ ok: false, text: err instanceof Error ? err.message : String(err) });
    }
  };
  const importFile = (file: File) =>
    void run(async () => {
      const r = await request<Response<'/api/v1/calendars/{id}/import', 'post'>>(`/api/v1/calendars/${calendar.id}/import`, { method: 'POST', body: jsonField(await file.text()) });
      return t('calendars.imported', { n: r.imported, replaced: r.replaced });
    });
  const copy = () =>
    void run(async () => {
      const r = await request<Response<'/api/v1/calendars/{id}/copy-year', 'post'>>(`/api/v1/calendars/${calendar.id}/copy-year`, { method: 'POST', body: years });
      return t('calendars.copied', { n: r.copied });
    });
  return (
    <Card size="small" title={t('calendars.years')} style={{ marginTop: 16 }}>
      <Space wrap>
        <Upload accept=".json,application/json" showUploadList={false} beforeUpload={(f) => (importFile(f), false)}>
          <Button icon={<UploadOutlined />}>{t('calendars.import')}</Button>
        </Upload>
        <InputNumber value={years.from} onChange={(v) => setYears({ ...years, from: v ?? years.from })} />
        <span>→</span>
        <InputNumber value={years.to} onChange={(v) => setYears({ ...years, to: v ?? years.to })} />
        <Button onClick={copy}>{t('calendars.copyYear')}</Button>
      </Space>
      {message && <Alert type={message.ok ? 'success' : 'error'} showIcon title={message.text} style={{ marginTop: 12 }} />}
    </Card>
  );
}

export default function Calendars() {
  const { t } = useTranslation();
  const list = useApi<List>('/api/v1/calendars');
  const [selected, setSelected] = useState<number>();
  const crud = useCrud<Calendar, CalendarForm>({
    url: '/api/v1/calendars',
    fields: ['name', 'timeZone', 'weekly', 'days'],
    reload: list.reload,
    values: (c) => (c === 'new' ? { timeZone: 'Asia/Shanghai', weekly: JSON.stringify(NEW_WEEKLY, null, 2), days: '[]' } : { name: c.name, timeZone: c.timeZone, weekly: JSON.stringify(c.weekly, null, 2), days: JSON.stringify(c.days, null, 2) }),
    body: (v) => ({ name: v.name, timeZone: v.timeZone, weekly: jsonField(v.weekly), days: jsonField(v.days) }),
  });
  const current = list.data?.items.find((c) => c.id === selected);
  return (
    <>
      <ErrorAlert error={list.error} />
      <Button type="primary" icon={<PlusOutlined />} onClick={() => crud.open('new')} style={{ marginBottom: 16 }} data-testid="calendar-new">
        {t('calendars.new')}
      </Button>
      <Table<Calendar>
        rowKey="id"
        loading={list.loading}
        dataSource={list.data?.items ?? []}
        pagination={false}
        rowSelection={{ type: 'radio', selectedRowKeys: selected === undefined ? [] : [selected], onChange: (keys) => setSelected(Number(keys[0])) }}
        columns={[
          { title: t('calendars.name'), dataIndex: 'name' },
          { title: t('calendars.timeZone'), dataIndex: 'timeZone' },
          ...WEEKDAYS.map((d) => ({ title: t(`calendars.weekdays.${d}`), key: d, render: (_: unknown, c: Calendar) => hoursText(c, d) })),
          { title: t('calendars.rules'), key: 'days', render: (_: unknown, c: Calendar) => c.days.length },
          { title: t('common.actions'), key: 'actions', render: (_: unknown, c: Calendar) => <RowActions onEdit={() => crud.open(c)} deleteTitle={t('calendars.confirmDelete', { name: c.name })} onDelete={() => void crud.remove(c)} /> },
        ]}
      />
      {current && <AtCheck calendar={current} />}
      {current && <YearTools calendar={current} reload={list.reload} />}
      <CrudModal crud={crud} title={t('calendars.calendar')} width={640}>
        <Space wrap>
          <Form.Item name="name" label={t('calendars.name')} rules={[{ required: true, message: t('forms.required') }]}>
            <Input data-testid="calendar-name" />
          </Form.Item>
          <Form.Item name="timeZone" label={t('calendars.timeZone')}>
            <Input />
          </Form.Item>
        </Space>
        <Form.Item name="weekly" label={t('calendars.weekly')} tooltip={t('calendars.weeklyHint')}>
          <Input.TextArea rows={6} style={{ fontFamily: 'monospace' }} />
        </Form.Item>
        <Form.Item name="days" label={t('calendars.days')} tooltip={t('calendars.daysHint')}>
          <Input.TextArea rows={4} style={{ fontFamily: 'monospace' }} />
        </Form.Item>
      </CrudModal>
    </>
  );
}
