// Music on hold: the default class's files, in the order a held caller hears them; upload a WAV
// file (converted by the server once to 8 kHz mono) or remove one.
import { useRef, useState } from 'react';
import { Alert, App, Button, Popconfirm, Space, Table } from 'antd';
import { useTranslation } from 'react-i18next';
import { request, type Response } from '../api/client';
import { useApi } from '../lib/use-api';
import { ErrorAlert } from '../components/ErrorAlert';

type List = Response<'/api/v1/moh/classes/{class}/files', 'get'>;
type MohFile = List['items'][number];
const BASE = '/api/v1/moh/classes/default/files';

export default function MusicOnHold() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const list = useApi<List>(BASE);
  const input = useRef<HTMLInputElement>(null);
  const [busy, setBusy] = useState(false);

  const upload = async (file: File) => {
    setBusy(true);
    try {
      const name = file.name.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^[^A-Za-z0-9]+/, '');
      const res = await fetch(`${BASE}/${encodeURIComponent(name.endsWith('.wav') ? name : `${name}.wav`)}`, { method: 'PUT', credentials: 'same-origin', headers: { 'Content-Type': 'audio/wav' }, body: file });
      const body = (await res.json().catch(() => ({}))) as { reason?: string; error?: string };
      if (!res.ok) throw new Error(body.reason ?? body.error ?? `HTTP ${res.status}`);
      void message.success(t('moh.uploaded'));
      void list.reload();
    } catch (err) {
      void message.error(String((err as Error).message ?? err));
    } finally {
      setBusy(false);
      if (input.current) input.current.value = '';
    }
  };

  const remove = async (f: MohFile) => {
    try {
      await request(`${BASE}/${encodeURIComponent(f.name)}`, { method: 'DELETE' });
      void list.reload();
    } catch (err) {
      void message.error((err as { text?: string }).text ?? String(err));
    }
  };

  return (
    <>
      <ErrorAlert error={list.error} />
      <Alert type="info" showIcon message={t('moh.help')} style={{ marginBottom: 16 }} />
      <Space style={{ marginBottom: 16 }}>
        <input ref={input} type="file" accept=".wav,audio/wav" style={{ display: 'none' }} data-testid="moh-file" onChange={(e) => e.target.files?.[0] && void upload(e.target.files[0])} />
        <Button type="primary" loading={busy} onClick={() => input.current?.click()}>
          {t('moh.upload')}
        </Button>
      </Space>
      <Table<MohFile>
        rowKey="name"
        loading={list.loading && !list.data}
        dataSource={list.data?.items ?? []}
        pagination={false}
        data-testid="moh-table"
        columns={[
          { title: t('moh.name'), dataIndex: 'name' },
          { title: t('moh.duration'), dataIndex: 'durationMs', render: (v: number) => `${(v / 1000).toFixed(1)} s` },
          {
            title: t('common.actions'),
            key: 'actions',
            render: (_: unknown, f: MohFile) => (
              <Popconfirm title={t('moh.deleteConfirm')} onConfirm={() => void remove(f)}>
                <Button size="small" danger>
                  {t('common.delete')}
                </Button>
              </Popconfirm>
            ),
          },
        ]}
      />
    </>
  );
}
