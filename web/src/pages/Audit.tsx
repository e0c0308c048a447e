// The audit log (hash-chained on the server): newest first, filtered by actor and action.
import { useState } from 'react';
import { Button, Form, Input, Space, Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Response } from '../api/client';
import { useApi } from '../lib/use-api';
import { formatDateTime } from '../lib/format';
import { ErrorAlert } from '../components/ErrorAlert';

type List = Response<'/api/v1/audit', 'get'>;
type Entry = List['items'][number];
const PAGE = 50;

export default function Audit() {
  const { t } = useTranslation();
  const [filter, setFilter] = useState<{ actor?: string; action?: string }>({});
  const [offset, setOffset] = useState(0);
  const list = useApi<List>('/api/v1/audit', { actor: filter.actor || undefined, action: filter.action || undefined, limit: PAGE, offset });
  return (
    <>
      <Form layout="inline" onFinish={(v: { actor?: string; action?: string }) => (setFilter(v), setOffset(0))} style={{ marginBottom: 16 }}>
        <Form.Item name="actor" label={t('audit.actor')}>
          <Input allowClear />
        </Form.Item>
        <Form.Item name="action" label={t('audit.action')}>
          <Input allowClear placeholder="auth.login" />
        </Form.Item>
        <Button type="primary" htmlType="submit">
          {t('common.search')}
        </Button>
      </Form>
      <ErrorAlert error={list.error} />
      <Table<Entry>
        rowKey="id"
        loading={list.loading}
        dataSource={list.data?.items ?? []}
        pagination={false}
        columns={[
          { title: t('audit.at'), dataIndex: 'at', render: (v: string) => formatDateTime(v) },
          { title: t('audit.actor'), dataIndex: 'actor' },
          { title: t('audit.action'), dataIndex: 'action', render: (v: string) => <code>{v}</code> },
          { title: t('audit.target'), dataIndex: 'target', render: (v: string | null) => v ?? '' },
          { title: t('audit.source'), dataIndex: 'source', render: (v: string | null) => v ?? '' },
          {
            title: t('audit.detail'),
            dataIndex: 'detail',
            render: (v: unknown) => (v === null || v === undefined ? '' : <Typography.Text code>{JSON.stringify(v)}</Typography.Text>),
          },
        ]}
      />
      <Space style={{ marginTop: 16 }}>
        <Button disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>
          {t('common.previous')}
        </Button>
        <Button disabled={!list.data?.more} onClick={() => setOffset(offset + PAGE)}>
          {t('common.next')}
        </Button>
      </Space>
    </>
  );
}
