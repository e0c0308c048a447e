// The signed-in user's API tokens: made with a name, the permissions it carries (at most the user's
// own, which the server checks again on every use) and an expiry; the secret is in the answer to the
// creation only, so it is shown once here with a copy button. The list shows the last use; revoking
// ends a token at once.
import { useState } from 'react';
import { App, Button, Form, Input, InputNumber, Modal, Popconfirm, Select, Space, Table, Tag, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { ApiError, request, type RequestBody, type Response } from '../api/client';
import { useApi } from '../lib/use-api';
import { useSession } from '../lib/session';
import { showServerErrors } from '../lib/form-errors';
import { formatDateTime } from '../lib/format';
import { ErrorAlert } from '../components/ErrorAlert';

type List = Response<'/api/v1/auth/tokens', 'get'>;
type Token = List['items'][number];
type Create = RequestBody<'/api/v1/auth/tokens', 'post'>;
type Created = Response<'/api/v1/auth/tokens', 'post'>;

export default function ApiTokens() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { session } = useSession();
  const list = useApi<List>('/api/v1/auth/tokens');
  const [form] = Form.useForm<Create>();
  const [creating, setCreating] = useState(false);
  const [problem, setProblem] = useState<string>();
  const [secret, setSecret] = useState<string>();

  const create = async () => {
    const values = await form.validateFields().catch(() => undefined);
    if (!values) return;
    setProblem(undefined);
    try {
      const made = await request<Created>('/api/v1/auth/tokens', { method: 'POST', body: values });
      setCreating(false);
      setSecret(made.token);
      await list.reload();
    } catch (err) {
      setProblem(showServerErrors(form, err, ['name', 'permissions', 'expiresInDays']));
    }
  };
  const revoke = async (tk: Token) => {
    await request(`/api/v1/auth/tokens/${tk.id}`, { method: 'DELETE' }).catch((err: unknown) => void message.error(err instanceof ApiError ? err.text : String(err)));
    await list.reload();
  };
  const status = (tk: Token) => {
    if (tk.revokedAt !== null) return <Tag color="red">{t('tokens.revoked')}</Tag>;
    if (Date.parse(tk.expiresAt) <= Date.now()) return <Tag>{t('tokens.expired')}</Tag>;
    return <Tag color="green">{t('tokens.active')}</Tag>;
  };

  return (
    <>
      <ErrorAlert error={list.error} />
      <Typography.Paragraph type="secondary">{t('tokens.intro')}</Typography.Paragraph>
      <Space style={{ marginBottom: 16 }}>
        <Button
          type="primary"
          icon={<PlusOutlined />}
          data-testid="token-new"
          onClick={() => {
            form.resetFields();
            setProblem(undefined);
            setCreating(true);
          }}
        >
          {t('tokens.new')}
        </Button>
      </Space>
      <Table<Token>
        rowKey="id"
        loading={list.loading && !list.data}
        dataSource={list.data?.items ?? []}
        pagination={false}
        scroll={{ x: 'max-content' }}
        columns={[
          { title: t('tokens.name'), dataIndex: 'name' },
          { title: t('tokens.permissions'), key: 'permissions', render: (_: unknown, tk: Token) => tk.permissions.map((p) => <Tag key={p}>{p}</Tag>) },
          { title: t('common.createdAt'), key: 'createdAt', render: (_: unknown, tk: Token) => formatDateTime(tk.createdAt) },
          { title: t('tokens.expiresAt'), key: 'expiresAt', render: (_: unknown, tk: Token) => formatDateTime(tk.expiresAt) },
          {
            title: t('tokens.lastUsed'),
            key: 'lastUsed',
            render: (_: unknown, tk: Token) => (tk.lastUsedAt === null ? t('tokens.never') : t('tokens.usedFrom', { at: formatDateTime(tk.lastUsedAt), from: tk.lastUsedFrom ?? '?' })),
          },
          { title: t('tokens.status'), key: 'status', render: (_: unknown, tk: Token) => <span data-testid={`token-status-${tk.name}`}>{status(tk)}</span> },
          {
            title: t('common.actions'),
            key: 'actions',
            render: (_: unknown, tk: Token) =>
              tk.revokedAt === null && (
                <Popconfirm title={t('tokens.confirmRevoke', { name: tk.name })} onConfirm={() => void revoke(tk)} okText={t('tokens.revoke')} cancelText={t('common.cancel')}>
                  <Button size="small" danger data-testid={`token-revoke-${tk.name}`}>
                    {t('tokens.revoke')}
                  </Button>
                </Popconfirm>
              ),
          },
        ]}
      />
      <Modal open={creating} title={t('tokens.new')} onOk={() => void create()} onCancel={() => setCreating(false)} okText={t('tokens.create')} cancelText={t('common.cancel')} destroyOnHidden>
        {problem && <Typography.Paragraph type="danger" role="alert">{problem}</Typography.Paragraph>}
        <Form form={form} layout="vertical" initialValues={{ expiresInDays: 90, permissions: [] }} onFinish={() => void create()}>
          <Form.Item name="name" label={t('tokens.name')} rules={[{ required: true, message: t('forms.required') }]}>
            <Input data-testid="token-name" />
          </Form.Item>
          <Form.Item name="permissions" label={t('tokens.permissions')} extra={t('tokens.permissionsHint')} rules={[{ required: true, message: t('forms.required') }]}>
            <Select mode="multiple" virtual={false} options={(session?.permissions ?? []).map((p) => ({ value: p, label: p }))} data-testid="token-permissions" />
          </Form.Item>
          <Form.Item name="expiresInDays" label={t('tokens.expiresInDays')} rules={[{ required: true, message: t('forms.required') }]}>
            <InputNumber min={1} max={366} />
          </Form.Item>
          <button type="submit" hidden />
        </Form>
      </Modal>
      <Modal open={secret !== undefined} title={t('tokens.secretTitle')} onOk={() => setSecret(undefined)} onCancel={() => setSecret(undefined)} cancelButtonProps={{ hidden: true }} okText={t('users.done')}>
        <Typography.Paragraph>{t('tokens.secretOnce')}</Typography.Paragraph>
        <Typography.Text code copyable data-testid="token-secret">
          {secret}
        </Typography.Text>
      </Modal>
    </>
  );
}
