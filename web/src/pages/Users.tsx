// Users (security admins; auditors read): accounts with their roles, linked extensions (agents) and
// supervised queues and teams. A new user gets a one-time password from the server, shown once here
// and changed at the first sign-in; the same for a password reset. Lock/unlock is the account's
// `disabled` flag (its sessions end); an MFA reset removes TOTP and recovery codes. The server's
// refusals (mlps3's three-way separation, an unknown extension) show under the field they name.
import { useState } from 'react';
import { App, Button, Form, Input, Modal, Popconfirm, Select, Space, Table, Tag, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { ApiError, request, type RequestBody, type Response } from '../api/client';
import { useApi } from '../lib/use-api';
import { useCrud } from '../lib/use-crud';
import { useSession } from '../lib/session';
import { CrudModal } from '../components/CrudModal';
import { ErrorAlert } from '../components/ErrorAlert';
import { RowActions } from '../components/RowActions';

type List = Response<'/api/v1/users', 'get'>;
type User = List['items'][number];
type Created = Response<'/api/v1/users', 'post'>;
type Write = RequestBody<'/api/v1/users', 'post'>;
type OneTime = Response<'/api/v1/users/{id}/password', 'post'>;
type Extensions = Response<'/api/v1/extensions', 'get'>;

export const ROLES = ['agent', 'supervisor', 'admin', 'security-admin', 'auditor'] as const;
const FIELDS = ['username', 'displayName', 'roles', 'extensions', 'queues', 'teams'];

/** the form's values as the request: no password (the server makes a one-time one), no username on an edit */
function toBody(v: Write): Write {
  return { ...v, displayName: v.displayName ? v.displayName : null, extensions: v.extensions ?? [], queues: v.queues ?? [], teams: v.teams ?? [] };
}

export default function Users() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { session } = useSession();
  const mayWrite = session?.permissions.includes('users.write') ?? false;
  const list = useApi<List>('/api/v1/users');
  const extensions = useApi<Extensions>(session?.permissions.includes('extensions.read') ? '/api/v1/extensions' : undefined);
  // a one-time password the server just made: shown once, with whose it is
  const [oneTime, setOneTime] = useState<{ username: string; password: string }>();
  const crud = useCrud<User, Write>({
    url: '/api/v1/users',
    fields: FIELDS,
    reload: list.reload,
    update: 'PATCH',
    body: toBody,
    values: (u) => (u === 'new' ? { roles: ['agent'], extensions: [], queues: [], teams: [] } : { displayName: u.displayName, roles: u.roles, extensions: u.extensions, queues: u.queues, teams: u.teams }),
    saved: (answer, created) => {
      const made = answer as Created;
      if (created && made.oneTimePassword) setOneTime({ username: made.username, password: made.oneTimePassword });
    },
  });
  const editing = crud.editing;

  const act = async (fn: () => Promise<unknown>) => {
    try {
      await fn();
    } catch (err) {
      void message.error(err instanceof ApiError ? err.text : String(err));
    }
    await list.reload();
  };
  const resetPassword = (u: User) =>
    act(async () => {
      const r = await request<OneTime>(`/api/v1/users/${u.id}/password`, { method: 'POST', body: {} });
      setOneTime({ username: u.username, password: r.oneTimePassword });
    });

  return (
    <>
      <ErrorAlert error={list.error} />
      {mayWrite && (
        <Space style={{ marginBottom: 16 }}>
          <Button type="primary" icon={<PlusOutlined />} onClick={() => crud.open('new')} data-testid="user-new">
            {t('users.new')}
          </Button>
        </Space>
      )}
      <Table<User>
        rowKey="id"
        loading={list.loading && !list.data}
        dataSource={list.data?.items ?? []}
        pagination={false}
        scroll={{ x: 'max-content' }}
        columns={[
          { title: t('users.username'), dataIndex: 'username' },
          { title: t('users.displayName'), dataIndex: 'displayName' },
          { title: t('users.roles'), key: 'roles', render: (_: unknown, u: User) => u.roles.map((r) => <Tag key={r}>{t(`users.roleNames.${r}`)}</Tag>) },
          { title: t('users.extensions'), key: 'extensions', render: (_: unknown, u: User) => u.extensions.join(', ') },
          { title: t('users.scope'), key: 'scope', render: (_: unknown, u: User) => [...u.queues.map((q) => `${t('users.queue')} ${q}`), ...u.teams.map((m) => `${t('users.team')} ${m}`)].join(', ') },
          { title: t('users.mfa'), key: 'mfa', render: (_: unknown, u: User) => <span data-testid={`user-mfa-${u.username}`}>{u.mfaEnabled ? <Tag color="green">{t('users.mfaOn')}</Tag> : <Tag>{t('users.mfaOff')}</Tag>}</span> },
          {
            title: t('users.status'),
            key: 'status',
            render: (_: unknown, u: User) => (
              <Space size={4} data-testid={`user-status-${u.username}`}>
                {u.disabled ? <Tag color="red">{t('users.locked')}</Tag> : <Tag color="green">{t('users.active')}</Tag>}
                {u.mustChangePassword && <Tag color="orange">{t('users.mustChange')}</Tag>}
              </Space>
            ),
          },
          ...(mayWrite
            ? [
                {
                  title: t('common.actions'),
                  key: 'actions',
                  render: (_: unknown, u: User) => (
                    <RowActions onEdit={() => crud.open(u)} deleteTitle={t('users.confirmDelete', { name: u.username })} onDelete={() => void crud.remove(u)}>
                      <Button size="small" onClick={() => void act(() => request(`/api/v1/users/${u.id}`, { method: 'PATCH', body: { disabled: !u.disabled } }))} data-testid={`user-lock-${u.username}`}>
                        {u.disabled ? t('users.unlock') : t('users.lock')}
                      </Button>
                      <Popconfirm title={t('users.confirmReset', { name: u.username })} onConfirm={() => void resetPassword(u)} okText={t('users.resetPassword')} cancelText={t('common.cancel')}>
                        <Button size="small" data-testid={`user-reset-${u.username}`}>{t('users.resetPassword')}</Button>
                      </Popconfirm>
                      <Popconfirm title={t('users.confirmMfaReset', { name: u.username })} onConfirm={() => void act(() => request(`/api/v1/users/${u.id}/mfa`, { method: 'DELETE' }))} okText={t('users.resetMfa')} cancelText={t('common.cancel')}>
                        <Button size="small" disabled={!u.mfaEnabled} data-testid={`user-mfa-reset-${u.username}`}>
                          {t('users.resetMfa')}
                        </Button>
                      </Popconfirm>
                    </RowActions>
                  ),
                },
              ]
            : []),
        ]}
      />
      <CrudModal crud={crud} title={editing === 'new' ? t('users.new') : t('users.edit', { name: editing?.username ?? '' })} width={640}>
        {editing === 'new' && (
          <Form.Item name="username" label={t('users.username')} extra={t('users.oneTimeHint')} rules={[{ required: true, message: t('forms.required') }]}>
            <Input autoComplete="off" data-testid="user-username" />
          </Form.Item>
        )}
        <Form.Item name="displayName" label={t('users.displayName')}>
          <Input />
        </Form.Item>
        <Form.Item name="roles" label={t('users.roles')} rules={[{ required: true, message: t('forms.required') }]}>
          <Select mode="multiple" options={ROLES.map((r) => ({ value: r, label: t(`users.roleNames.${r}`) }))} data-testid="user-roles" />
        </Form.Item>
        <Form.Item name="extensions" label={t('users.extensions')} tooltip={t('users.extensionsHint')}>
          <Select mode="multiple" options={(extensions.data?.items ?? []).map((e) => ({ value: e.number, label: e.displayName ? `${e.number} ${e.displayName}` : e.number }))} data-testid="user-extensions" />
        </Form.Item>
        <Space wrap>
          <Form.Item name="queues" label={t('users.queues')} tooltip={t('users.scopeHint')}>
            <Select mode="tags" style={{ minWidth: 240 }} open={false} />
          </Form.Item>
          <Form.Item name="teams" label={t('users.teams')} tooltip={t('users.scopeHint')}>
            <Select mode="tags" style={{ minWidth: 240 }} open={false} />
          </Form.Item>
        </Space>
      </CrudModal>
      <Modal open={oneTime !== undefined} title={t('users.oneTimeTitle', { name: oneTime?.username ?? '' })} onOk={() => setOneTime(undefined)} onCancel={() => setOneTime(undefined)} cancelButtonProps={{ hidden: true }} okText={t('users.done')}>
        <Typography.Paragraph>{t('users.oneTimeOnce')}</Typography.Paragraph>
        <Typography.Text code copyable data-testid="one-time-password">
          {oneTime?.password}
        </Typography.Text>
      </Modal>
    </>
  );
}
