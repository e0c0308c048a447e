// Call records: filters (time range in the browser's zone, number, disposition), CSV export of the
// same filter, and one call's detail: its legs with their quality figures, the routing trace, the
// recording played in the page, its transcript and the keywords spotted on it; and the search over
// every transcript; its legal hold and tags (components/CallRetention). /cdrs/<id> opens that call
// (the keyword search's hits link here).
import { useEffect, useMemo, useState } from 'react';
import { Button, DatePicker, Descriptions, Drawer, Form, Input, Select, Space, Table, Tag, Typography } from 'antd';
import { DownloadOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { Dayjs } from 'dayjs';
import { request, withQuery, type Response } from '../api/client';
import { useApi } from '../lib/use-api';
import { formatDateTime, formatDuration, formatNumber, timeZone } from '../lib/format';
import { ErrorAlert } from '../components/ErrorAlert';
import { tablePagination } from '../lib/paging';
import { useSession } from '../lib/session';
import { CallTranscript, TranscriptSearch } from '../components/CallTranscript';
import { KeywordHits } from '../components/KeywordHits';
import { useLocation } from '../lib/router';
import { CallRetention } from '../components/CallRetention';

type List = Response<'/api/v1/cdrs', 'get'>;
type CallRecord = List['items'][number];
type Leg = CallRecord['legs'][number];
const DISPOSITIONS = ['ANSWERED', 'NO ANSWER', 'BUSY', 'FAILED', 'CANCELLED', 'INTERRUPTED'] as const;

interface Filter {
  range?: [Dayjs | null, Dayjs | null] | null;
  number?: string;
  disposition?: string;
}

function CallDetail({ call, transcripts, reload }: { call: CallRecord; transcripts: boolean; reload: () => Promise<void> }) {
  const { t } = useTranslation();
  const trace = (call.routing?.trace ?? []) as Array<Record<string, unknown>>;
  return (
    <Space direction="vertical" style={{ width: '100%' }} size="large">
      <Descriptions bordered size="small" column={2}>
        <Descriptions.Item label={t('cdrs.caller')}>{call.callerName ? `${call.caller} (${call.callerName})` : call.caller}</Descriptions.Item>
        <Descriptions.Item label={t('cdrs.callee')}>{call.callee}</Descriptions.Item>
        <Descriptions.Item label={t('cdrs.start')}>{formatDateTime(call.startedAt)}</Descriptions.Item>
        <Descriptions.Item label={t('cdrs.answered')}>{formatDateTime(call.answeredAt)}</Descriptions.Item>
        <Descriptions.Item label={t('cdrs.end')}>{formatDateTime(call.endedAt)}</Descriptions.Item>
        <Descriptions.Item label={t('cdrs.duration')}>{formatDuration(call.durationS)}</Descriptions.Item>
        <Descriptions.Item label={t('cdrs.disposition')}>{call.disposition ? t(`dispositions.${call.disposition}`) : '—'}</Descriptions.Item>
        <Descriptions.Item label={t('cdrs.hangupCause')}>{call.hangupCause ?? '—'}</Descriptions.Item>
      </Descriptions>
      <div>
        <Typography.Title level={5}>{t('cdrs.recording')}</Typography.Title>
        {call.recordingUrl ? (
          <audio controls preload="metadata" src={call.recordingUrl} data-testid="recording-player" style={{ width: '100%' }} />
        ) : (
          <Typography.Text type="secondary">{t('cdrs.noRecording')}</Typography.Text>
        )}
      </div>
      <div>
        <Typography.Title level={5}>{t('retention.record.title')}</Typography.Title>
        <CallRetention call={call} onChanged={reload} />
      </div>
      {transcripts && (
        <div>
          <Typography.Title level={5}>{t('transcript.title')}</Typography.Title>
          <CallTranscript callId={call.id} />
        </div>
      )}
      {transcripts && (
        <div>
          <Typography.Title level={5}>{t('keywords.hits.onCall')}</Typography.Title>
          <KeywordHits callId={call.id} />
        </div>
      )}
      <div>
        <Typography.Title level={5}>{t('cdrs.legs')}</Typography.Title>
        <Table<Leg>
          size="small"
          rowKey="id"
          pagination={false}
          dataSource={call.legs}
          scroll={{ x: true }}
          columns={[
            { title: t('cdrs.role'), dataIndex: 'role', render: (v: string) => t(`cdrs.roles.${v}`) },
            { title: t('cdrs.uri'), dataIndex: 'uri', ellipsis: true },
            { title: t('cdrs.codec'), dataIndex: 'codec', render: (v: string | null) => v ?? '—' },
            { title: t('cdrs.sipStatus'), dataIndex: 'sipStatus', render: (v: number | null) => v ?? '—' },
            { title: t('cdrs.loss'), dataIndex: 'fractionLost', render: (v: number | null) => (v === null ? '—' : `${formatNumber(v * 100, 1)} %`) },
            { title: t('cdrs.jitter'), dataIndex: 'jitterMs', render: (v: number | null) => formatNumber(v, 1) },
            { title: t('cdrs.rtt'), dataIndex: 'rttMs', render: (v: number | null) => formatNumber(v, 1) },
            { title: t('cdrs.mos'), dataIndex: 'mos', render: (v: number | null) => formatNumber(v, 2) },
            { title: t('cdrs.packets'), key: 'p', render: (_: unknown, l: Leg) => `${formatNumber(l.packetsReceived)} / ${formatNumber(l.packetsSent)}` },
          ]}
        />
      </div>
      <div>
        <Typography.Title level={5}>{t('cdrs.routing')}</Typography.Title>
        {call.routing?.handlers.length ? (
          <Space wrap style={{ marginBottom: 8 }}>
            {call.routing.handlers.map((h, i) => (
              <Tag key={i}>{h}</Tag>
            ))}
          </Space>
        ) : null}
        <ol>
          {trace.map((line, i) => (
            <li key={i}>
              <code>{String(line.number ?? '')}</code> {String(line.pattern ?? '')} <Tag>{String(line.result ?? '')}</Tag> {String(line.reason ?? '')}
            </li>
          ))}
        </ol>
      </div>
    </Space>
  );
}

export default function CallRecords() {
  const { t } = useTranslation();
  const [form] = Form.useForm<Filter>();
  const [filter, setFilter] = useState<Filter>({});
  const [page, setPage] = useState({ limit: 50, offset: 0 });
  const [open, setOpen] = useState<CallRecord>();
  const query = useMemo(
    () => ({
      from: filter.range?.[0]?.toISOString(),
      to: filter.range?.[1]?.toISOString(),
      number: filter.number || undefined,
      disposition: filter.disposition,
    }),
    [filter],
  );
  const list = useApi<List>('/api/v1/cdrs', { ...query, ...page });
  // transcripts are read with the recordings' permission (docs/speech.md)
  const transcripts = useSession().session?.permissions.includes('recordings.listen') ?? false;
  const [openError, setOpenError] = useState<Error>();
  const openCall = async (id: string) => {
    setOpenError(undefined);
    try {
      setOpen(await request<CallRecord>(`/api/v1/cdrs/${encodeURIComponent(id)}`));
    } catch (err) {
      setOpenError(err as Error);
    }
  };
  const linked = /^\/cdrs\/([^/]+)$/.exec(useLocation().pathname)?.[1];
  useEffect(() => {
    if (linked !== undefined) void openCall(decodeURIComponent(linked));
  }, [linked]);

  return (
    <>
      {transcripts && <TranscriptSearch onOpen={(id) => void openCall(id)} />}
      <ErrorAlert error={openError} />
      <Form form={form} layout="inline" onFinish={(v) => (setFilter(v), setPage({ ...page, offset: 0 }))} style={{ marginBottom: 16, rowGap: 8 }}>
        <Form.Item name="range" label={t('cdrs.period')} extra={timeZone()}>
          <DatePicker.RangePicker showTime allowEmpty={[true, true]} />
        </Form.Item>
        <Form.Item name="number" label={t('cdrs.number')}>
          <Input allowClear style={{ width: 140 }} />
        </Form.Item>
        <Form.Item name="disposition" label={t('cdrs.disposition')}>
          <Select allowClear style={{ width: 160 }} options={DISPOSITIONS.map((d) => ({ value: d, label: t(`dispositions.${d}`) }))} />
        </Form.Item>
        <Button type="primary" htmlType="submit">
          {t('common.search')}
        </Button>
        <Button icon={<DownloadOutlined />} href={withQuery('/api/v1/cdrs.csv', query)} download="cdrs.csv" style={{ marginLeft: 8 }}>
          {t('cdrs.exportCsv')}
        </Button>
      </Form>
      <ErrorAlert error={list.error} />
      <Table<CallRecord>
        rowKey="id"
        loading={list.loading}
        dataSource={list.data?.items ?? []}
        onRow={(r) => ({ onClick: () => setOpen(r), onKeyDown: (e) => e.key === 'Enter' && setOpen(r), tabIndex: 0 })}
        pagination={tablePagination(page, list.data?.total, setPage)}
        columns={[
          { title: t('cdrs.start'), dataIndex: 'startedAt', render: (v: string) => formatDateTime(v) },
          { title: t('cdrs.caller'), dataIndex: 'caller' },
          { title: t('cdrs.callee'), dataIndex: 'callee' },
          { title: t('cdrs.duration'), dataIndex: 'durationS', render: (v: number | null) => formatDuration(v) },
          { title: t('cdrs.disposition'), dataIndex: 'disposition', render: (v: string | null) => (v ? <Tag>{t(`dispositions.${v}`)}</Tag> : '—') },
          { title: t('cdrs.recording'), dataIndex: 'recordingUrl', render: (v: string | null) => (v ? '●' : '') },
        ]}
      />
      <Drawer open={open !== undefined} onClose={() => setOpen(undefined)} size={820} title={t('cdrs.detail')}>
        {open && <CallDetail key={open.id} call={open} transcripts={transcripts} reload={() => openCall(open.id)} />}
      </Drawer>
    </>
  );
}
