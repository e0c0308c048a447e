// Live registrations: the list from the API, asked again whenever the event stream says a phone
// registered, re-registered or went away, so the screen follows without a reload. Each phone's
// line (busy-lamp state: ringing with the caller, in a call) follows the call events the same way.
import { useCallback } from 'react';
import { Badge, Space, Table, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Response } from '../api/client';
import { useApi } from '../lib/use-api';
import { useEvents } from '../lib/events';
import { formatDateTime } from '../lib/format';
import { ErrorAlert } from '../components/ErrorAlert';

type List = Response<'/api/v1/registrations', 'get'>;
type Registration = List['items'][number];
type Lines = Response<'/api/v1/presence/lines', 'get'>;
const LAMP: Record<string, string> = { early: 'orange', trying: 'orange', proceeding: 'orange', confirmed: 'red' };
const userOf = (aor: string) => /^sips?:([^@;]+)@/.exec(aor)?.[1] ?? aor;

export default function Registrations() {
  const { t } = useTranslation();
  const list = useApi<List>('/api/v1/registrations');
  const lines = useApi<Lines>('/api/v1/presence/lines');
  const { reload } = list;
  const reloadLines = lines.reload;
  const onEvent = useCallback(() => void reload(), [reload]);
  const onCall = useCallback(() => void reloadLines(), [reloadLines]);
  const live = useEvents(['registration'], onEvent);
  useEvents(['newcall', 'ringing', 'answered', 'hangup'], onCall);
  const lineOf = (aor: string) => (lines.data?.items ?? []).find((l) => l.extension === userOf(aor));

  return (
    <>
      <ErrorAlert error={list.error} />
      <Space style={{ marginBottom: 16 }}>
        <Badge status={live ? 'success' : 'default'} text={live ? t('registrations.live') : t('registrations.offline')} data-testid="live-state" />
      </Space>
      <Table<Registration>
        rowKey={(r) => r.aor + r.contact}
        loading={list.loading && !list.data}
        dataSource={list.data?.items ?? []}
        pagination={false}
        data-testid="registrations-table"
        columns={[
          { title: t('registrations.aor'), dataIndex: 'aor' },
          { title: t('registrations.contact'), dataIndex: 'contact', ellipsis: true },
          { title: t('registrations.transport'), dataIndex: 'transport', render: (v: string) => v.toUpperCase() },
          { title: t('registrations.source'), key: 'source', render: (_: unknown, r: Registration) => `${r.sourceAddress}:${r.sourcePort}` },
          { title: t('registrations.userAgent'), dataIndex: 'userAgent', render: (v?: string) => v ?? '—', ellipsis: true },
          { title: t('registrations.expiresAt'), dataIndex: 'expiresAt', render: (v: string) => formatDateTime(v) },
          {
            title: t('registrations.line'),
            key: 'line',
            render: (_: unknown, r: Registration) => {
              const line = lineOf(r.aor);
              return line ? <Tag color={LAMP[line.state] ?? 'default'} data-testid={`line-${userOf(r.aor)}`}>{t(`registrations.lineStates.${line.state === 'confirmed' ? 'busy' : 'ringing'}`, { remote: userOf(line.remote) })}</Tag> : <Tag>{t('registrations.lineStates.idle')}</Tag>;
            },
          },
        ]}
      />
    </>
  );
}
