// Desk phones provisioned by MAC: the enrolled devices (re-sync, remove), the MACs that asked for a
// configuration and wait for approval, and each family's template (docs/provisioning.md).
import { useState } from 'react';
import { Alert, Button, Card, Popconfirm, Select, Space, Table, Tag, Typography, message } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { request, type Response } from '../api/client';
import { useApi } from '../lib/use-api';
import { formatDateTime } from '../lib/format';
import { ErrorAlert } from '../components/ErrorAlert';
import { CredentialsModal, EnrolModal, type Enrolled } from './DeviceEnrol';

type List = Response<'/api/v1/devices', 'get'>;
type Device = List['items'][number];
type Pending = Response<'/api/v1/devices/pending', 'get'>['items'][number];
type Templates = Response<'/api/v1/provisioning/templates', 'get'>;

export default function Devices() {
  const { t } = useTranslation();
  const list = useApi<List>('/api/v1/devices');
  const pending = useApi<{ items: Pending[] }>('/api/v1/devices/pending');
  const templates = useApi<Templates>('/api/v1/provisioning/templates');
  const [enrolling, setEnrolling] = useState<{ mac?: string; family?: string | null; pending: boolean }>();
  const [enrolled, setEnrolled] = useState<Enrolled>();
  const [shown, setShown] = useState('yealink:device');
  const [toast, holder] = message.useMessage();

  const reload = () => Promise.all([list.reload(), pending.reload()]);
  const resync = async (mac: string) => {
    try {
      const r = await request<{ contacts: number }>(`/api/v1/devices/${mac}/resync`, { method: 'POST' });
      void toast.success(t('devices.resyncSent', { count: r.contacts }));
    } catch {
      void toast.error(t('devices.resyncFailed'));
    }
  };
  const remove = async (mac: string) => {
    await request(`/api/v1/devices/${mac}`, { method: 'DELETE' }).catch(() => undefined);
    await reload();
  };
  const dismiss = async (mac: string) => {
    await request(`/api/v1/devices/pending/${mac}`, { method: 'DELETE' }).catch(() => undefined);
    await reload();
  };
  const template = templates.data?.items.find((x) => `${x.family}:${x.file}` === shown);

  return (
    <>
      {holder}
      <ErrorAlert error={list.error} />
      <Alert
        type={list.data?.provisioningUrl ? 'info' : 'warning'}
        showIcon
        style={{ marginBottom: 16 }}
        title={list.data?.provisioningUrl ? t('devices.url', { url: list.data.provisioningUrl }) : t('devices.noListener')}
        data-testid="provisioning-url"
      />
      <Space style={{ marginBottom: 16 }}>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setEnrolling({ pending: false })} data-testid="device-new">
          {t('devices.enrol')}
        </Button>
      </Space>
      <Table<Device>
        rowKey="mac"
        loading={list.loading}
        dataSource={list.data?.items ?? []}
        pagination={false}
        data-testid="devices-table"
        columns={[
          { title: t('devices.mac'), dataIndex: 'mac' },
          { title: t('devices.family'), dataIndex: 'family', render: (f: string) => t(`devices.families.${f}`) },
          { title: t('devices.label'), dataIndex: 'label', render: (v: string | null) => v ?? '—' },
          { title: t('devices.extension'), dataIndex: 'extension' },
          { title: t('devices.registered'), dataIndex: 'registered', render: (r: boolean) => <Tag color={r ? 'green' : 'default'}>{r ? t('devices.yes') : t('devices.no')}</Tag> },
          { title: t('devices.lastSeen'), dataIndex: 'lastSeenAt', render: (v: string | null, d: Device) => (v ? `${formatDateTime(v)} (${d.lastSource ?? ''})` : '—') },
          {
            title: t('common.actions'),
            key: 'actions',
            render: (_: unknown, d: Device) => (
              <Space>
                <Button size="small" onClick={() => void resync(d.mac)} data-testid={`device-resync-${d.mac}`}>
                  {t('devices.resync')}
                </Button>
                <Popconfirm title={t('devices.confirmRemove', { mac: d.mac })} onConfirm={() => void remove(d.mac)} okText={t('common.delete')} cancelText={t('common.cancel')}>
                  <Button size="small" danger>
                    {t('common.delete')}
                  </Button>
                </Popconfirm>
              </Space>
            ),
          },
        ]}
      />
      <Card title={t('devices.pending')} style={{ marginTop: 24 }} size="small">
        <Table<Pending>
          rowKey="mac"
          loading={pending.loading}
          dataSource={pending.data?.items ?? []}
          pagination={false}
          data-testid="pending-table"
          columns={[
            { title: t('devices.mac'), dataIndex: 'mac' },
            { title: t('devices.family'), dataIndex: 'family', render: (f: string | null) => (f ? t(`devices.families.${f}`) : '—') },
            { title: t('devices.source'), dataIndex: 'source' },
            { title: t('devices.via'), dataIndex: 'via' },
            { title: t('devices.requests'), dataIndex: 'requests' },
            { title: t('devices.lastSeen'), dataIndex: 'lastSeenAt', render: (v: string) => formatDateTime(v) },
            {
              title: t('common.actions'),
              key: 'actions',
              render: (_: unknown, p: Pending) => (
                <Space>
                  <Button size="small" type="primary" onClick={() => setEnrolling({ mac: p.mac, family: p.family, pending: true })} data-testid={`pending-approve-${p.mac}`}>
                    {t('devices.approve')}
                  </Button>
                  <Button size="small" onClick={() => void dismiss(p.mac)}>
                    {t('devices.dismiss')}
                  </Button>
                </Space>
              ),
            },
          ]}
        />
      </Card>
      <Card title={t('devices.templates')} style={{ marginTop: 24 }} size="small">
        <Space style={{ marginBottom: 12 }}>
          <Select
            value={shown}
            onChange={setShown}
            style={{ minWidth: 260 }}
            data-testid="template-select"
            options={(templates.data?.items ?? []).map((x) => ({ value: `${x.family}:${x.file}`, label: `${t(`devices.families.${x.family}`)} · ${t(`devices.files.${x.file}`)}` }))}
          />
          {template?.custom && <Tag color="blue">{t('devices.custom')}</Tag>}
        </Space>
        <Typography.Paragraph type="secondary">{t('devices.variables', { names: (templates.data?.variables ?? []).join(', ') })}</Typography.Paragraph>
        <pre style={{ maxHeight: 360, overflow: 'auto', padding: 12, background: 'rgba(0,0,0,0.04)' }} data-testid="template-body">
          {template?.body ?? ''}
        </pre>
      </Card>
      <EnrolModal
        open={enrolling}
        onClose={() => setEnrolling(undefined)}
        onEnrolled={(e) => {
          setEnrolling(undefined);
          setEnrolled(e);
          void reload();
        }}
      />
      <CredentialsModal enrolled={enrolled} onClose={() => setEnrolled(undefined)} />
    </>
  );
}
