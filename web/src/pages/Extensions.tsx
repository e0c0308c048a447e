// Extensions: list, create, change, delete; the softphone settings (with a QR code right after the
// password was set). Server reasons go next to the fields they name.
import { useState } from 'react';
import { Alert, Button, Checkbox, Drawer, Form, Input, Modal, Space, Table, Tag } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { request, type RequestBody, type Response } from '../api/client';
import { useApi } from '../lib/use-api';
import { showServerErrors } from '../lib/form-errors';
import { formatDateTime } from '../lib/format';
import { ErrorAlert } from '../components/ErrorAlert';
import { RowActions } from '../components/RowActions';
import { tablePagination } from '../lib/paging';
import { SoftphoneConfig } from '../components/SoftphoneConfig';

type List = Response<'/api/v1/extensions', 'get'>;
type Extension = List['items'][number];
type Create = RequestBody<'/api/v1/extensions', 'post'>;
const PERMISSIONS = ['internal', 'local', 'national', 'international', 'emergency', 'monitor'] as const;
const FIELDS = ['number', 'password', 'displayName', 'permissions'];

export default function Extensions() {
  const { t } = useTranslation();
  const [page, setPage] = useState({ limit: 50, offset: 0 });
  const list = useApi<List>('/api/v1/extensions', page);
  const [editing, setEditing] = useState<Extension | 'new'>();
  const [config, setConfig] = useState<{ number: string; password?: string }>();
  const [form] = Form.useForm<Create>();
  const [problem, setProblem] = useState<string>();
  const [saving, setSaving] = useState(false);

  const open = (e: Extension | 'new') => {
    setProblem(undefined);
    form.resetFields();
    if (e !== 'new') form.setFieldsValue({ displayName: e.displayName ?? undefined, permissions: e.permissions as Create['permissions'] });
    else form.setFieldsValue({ permissions: ['internal', 'emergency'] });
    setEditing(e);
  };

  const save = async () => {
    const values = await form.validateFields().catch(() => undefined);
    if (!values || editing === undefined) return;
    setSaving(true);
    setProblem(undefined);
    try {
      if (editing === 'new') {
        const body = { ...values, displayName: values.displayName || undefined };
        await request('/api/v1/extensions', { method: 'POST', body });
        setConfig({ number: values.number, password: values.password });
      } else {
        const body: Record<string, unknown> = { displayName: values.displayName || null, permissions: values.permissions };
        if (values.password) body.password = values.password;
        await request(`/api/v1/extensions/${editing.number}`, { method: 'PATCH', body });
        if (values.password) setConfig({ number: editing.number, password: values.password });
      }
      setEditing(undefined);
      await list.reload();
    } catch (err) {
      setProblem(showServerErrors(form, err, FIELDS));
    } finally {
      setSaving(false);
    }
  };

  const remove = async (number: string) => {
    await request(`/api/v1/extensions/${number}`, { method: 'DELETE' }).catch(() => undefined);
    await list.reload();
  };

  return (
    <>
      <ErrorAlert error={list.error} />
      <Space style={{ marginBottom: 16 }}>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => open('new')} data-testid="extension-new">
          {t('extensions.new')}
        </Button>
      </Space>
      <Table<Extension>
        rowKey="number"
        loading={list.loading}
        dataSource={list.data?.items ?? []}
        pagination={tablePagination(page, list.data?.total, setPage)}
        columns={[
          { title: t('extensions.number'), dataIndex: 'number' },
          { title: t('extensions.displayName'), dataIndex: 'displayName', render: (v: string | null) => v ?? '—' },
          {
            title: t('extensions.permissions'),
            dataIndex: 'permissions',
            render: (ps: string[]) => ps.map((p) => <Tag key={p}>{t(`permissions.${p}`)}</Tag>),
          },
          { title: t('common.createdAt'), dataIndex: 'createdAt', render: (v: string) => formatDateTime(v) },
          {
            title: t('common.actions'),
            key: 'actions',
            render: (_: unknown, e: Extension) => (
              <RowActions onEdit={() => open(e)} deleteTitle={t('extensions.confirmDelete', { number: e.number })} onDelete={() => void remove(e.number)}>
                <Button size="small" onClick={() => setConfig({ number: e.number })}>
                  {t('extensions.softphone')}
                </Button>
              </RowActions>
            ),
          },
        ]}
      />
      <Modal
        open={editing !== undefined}
        title={editing === 'new' ? t('extensions.new') : t('extensions.edit', { number: editing?.number ?? '' })}
        onOk={() => void save()}
        onCancel={() => setEditing(undefined)}
        okText={t('common.save')}
        cancelText={t('common.cancel')}
        confirmLoading={saving}
        destroyOnHidden
      >
        {problem && <Alert type="error" showIcon role="alert" title={problem} style={{ marginBottom: 16 }} />}
        <Form form={form} layout="vertical" onFinish={() => void save()}>
          {editing === 'new' && (
            <Form.Item name="number" label={t('extensions.number')} rules={[{ required: true, message: t('forms.required') }]}>
              <Input inputMode="numeric" autoFocus data-testid="extension-number" />
            </Form.Item>
          )}
          <Form.Item
            name="password"
            label={editing === 'new' ? t('extensions.password') : t('extensions.newPassword')}
            rules={editing === 'new' ? [{ required: true, message: t('forms.required') }] : []}
          >
            <Input.Password autoComplete="new-password" data-testid="extension-password" />
          </Form.Item>
          <Form.Item name="displayName" label={t('extensions.displayName')}>
            <Input data-testid="extension-display-name" />
          </Form.Item>
          <Form.Item name="permissions" label={t('extensions.permissions')}>
            <Checkbox.Group options={PERMISSIONS.map((p) => ({ value: p, label: t(`permissions.${p}`) }))} />
          </Form.Item>
          <button type="submit" hidden />
        </Form>
      </Modal>
      <Drawer open={config !== undefined} onClose={() => setConfig(undefined)} title={t('extensions.softphoneTitle', { number: config?.number ?? '' })} size={420}>
        {config && <SoftphoneConfig number={config.number} password={config.password} />}
      </Drawer>
    </>
  );
}
