// The dial plan: the ordered table, an editor for one entry (steps as JSON, checked by the server,
// whose reasons show next to the field), and the tester: what happens when X dials Y.
import { useState } from 'react';
import { Alert, Button, Card, Descriptions, Form, Input, InputNumber, Modal, Select, Space, Table, Tag, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { request, type Response } from '../api/client';
import { useApi } from '../lib/use-api';
import { showServerErrors } from '../lib/form-errors';
import { ErrorAlert } from '../components/ErrorAlert';
import { RowActions } from '../components/RowActions';

type List = Response<'/api/v1/dialplan', 'get'>;
type Entry = List['items'][number];
type Resolution = Response<'/api/v1/dialplan/resolve', 'get'>;
const PERMISSIONS = ['internal', 'local', 'national', 'international', 'emergency', 'monitor'] as const;

interface EntryForm {
  position?: number;
  pattern: string;
  permission: string;
  steps: string;
  description?: string;
}

function Tester() {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ from: string; to: string }>();
  const [result, setResult] = useState<Resolution>();
  const [problem, setProblem] = useState<string>();
  const run = async (q: { from: string; to: string }) => {
    setProblem(undefined);
    try {
      setResult(await request<Resolution>('/api/v1/dialplan/resolve', { query: q }));
    } catch (err) {
      setResult(undefined);
      setProblem(showServerErrors(form, err, ['from', 'to']));
    }
  };
  return (
    <Card title={t('dialplan.tester')} style={{ marginBottom: 24 }}>
      <Form form={form} layout="inline" onFinish={(v) => void run(v)}>
        <Form.Item name="from" label={t('dialplan.from')} rules={[{ required: true, message: t('forms.required') }]}>
          <Input inputMode="numeric" style={{ width: 140 }} />
        </Form.Item>
        <Form.Item name="to" label={t('dialplan.to')} rules={[{ required: true, message: t('forms.required') }]}>
          <Input style={{ width: 160 }} />
        </Form.Item>
        <Button type="primary" htmlType="submit">
          {t('dialplan.resolve')}
        </Button>
      </Form>
      {problem && <Alert type="error" showIcon role="alert" title={problem} style={{ marginTop: 16 }} />}
      {result && (
        <div style={{ marginTop: 16 }} data-testid="dialplan-result">
          {result.failure ? (
            <Alert type="warning" showIcon title={t('dialplan.failure', { status: result.failure.status, cause: result.failure.cause })} />
          ) : (
            <Descriptions column={1} bordered size="small" title={t('dialplan.steps')}>
              {result.steps.map((s, i) => (
                <Descriptions.Item key={i} label={`${i + 1}. ${s.destination.kind}`}>
                  <code>{JSON.stringify(s.destination)}</code> {s.argument && <Tag>{s.argument}</Tag>}
                </Descriptions.Item>
              ))}
            </Descriptions>
          )}
          <Typography.Title level={5} style={{ marginTop: 16 }}>
            {t('dialplan.trace')}
          </Typography.Title>
          <Table
            size="small"
            pagination={false}
            rowKey={(_r, i) => String(i)}
            dataSource={result.trace}
            columns={[
              { title: t('dialplan.number'), dataIndex: 'number' },
              { title: t('dialplan.entry'), dataIndex: 'entry', render: (v: unknown) => (v === null ? '—' : String(v)) },
              { title: t('dialplan.pattern'), dataIndex: 'pattern', render: (v: string | null) => v ?? '—' },
              { title: t('dialplan.result'), dataIndex: 'result', render: (v: string) => <Tag>{v}</Tag> },
              { title: t('dialplan.reason'), dataIndex: 'reason', render: (v?: string) => v ?? '' },
            ]}
          />
        </div>
      )}
    </Card>
  );
}

export default function DialPlan() {
  const { t } = useTranslation();
  const list = useApi<List>('/api/v1/dialplan');
  const [editing, setEditing] = useState<Entry | 'new'>();
  const [form] = Form.useForm<EntryForm>();
  const [problem, setProblem] = useState<string>();

  const open = (e: Entry | 'new') => {
    setProblem(undefined);
    form.resetFields();
    form.setFieldsValue(
      e === 'new'
        ? { pattern: '', permission: 'internal', steps: '[\n  { "kind": "extension" }\n]' }
        : { position: e.position, pattern: e.pattern, permission: e.permission ?? 'none', steps: JSON.stringify(e.steps, null, 2), description: e.description ?? undefined },
    );
    setEditing(e);
  };

  const save = async () => {
    const v = await form.validateFields().catch(() => undefined);
    if (!v || editing === undefined) return;
    let steps: unknown;
    try {
      steps = JSON.parse(v.steps);
    } catch (err) {
      form.setFields([{ name: 'steps', errors: [String(err instanceof Error ? err.message : err)] }]);
      return;
    }
    const body = {
      ...(v.position !== undefined && v.position !== null ? { position: v.position } : {}),
      pattern: v.pattern,
      permission: v.permission === 'none' ? null : v.permission,
      steps,
      description: v.description || null,
    };
    try {
      if (editing === 'new') await request('/api/v1/dialplan', { method: 'POST', body });
      else await request(`/api/v1/dialplan/${editing.id}`, { method: 'PUT', body });
      setEditing(undefined);
      await list.reload();
    } catch (err) {
      setProblem(showServerErrors(form, err, ['position', 'pattern', 'permission', 'steps', 'description']));
    }
  };

  return (
    <>
      <Tester />
      <ErrorAlert error={list.error} />
      <Space style={{ marginBottom: 16 }}>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => open('new')}>
          {t('dialplan.new')}
        </Button>
      </Space>
      <Table<Entry>
        rowKey="id"
        loading={list.loading}
        dataSource={list.data?.items ?? []}
        pagination={false}
        locale={{ emptyText: t('dialplan.empty') }}
        columns={[
          { title: t('dialplan.position'), dataIndex: 'position' },
          { title: t('dialplan.pattern'), dataIndex: 'pattern', render: (v: string) => <code>{v}</code> },
          { title: t('dialplan.permission'), dataIndex: 'permission', render: (v: string | null) => (v ? t(`permissions.${v}`) : t('dialplan.anyone')) },
          { title: t('dialplan.steps'), dataIndex: 'steps', render: (s: Entry['steps']) => s.map((d, i) => <Tag key={i}>{d.kind}</Tag>) },
          { title: t('dialplan.description'), dataIndex: 'description', render: (v: string | null) => v ?? '' },
          {
            title: t('common.actions'),
            key: 'a',
            render: (_: unknown, e: Entry) => (
              <RowActions
                onEdit={() => open(e)}
                deleteTitle={t('dialplan.confirmDelete', { pattern: e.pattern })}
                onDelete={() => void request(`/api/v1/dialplan/${e.id}`, { method: 'DELETE' }).then(list.reload, list.reload)}
              />
            ),
          },
        ]}
      />
      <Modal
        open={editing !== undefined}
        title={editing === 'new' ? t('dialplan.new') : t('dialplan.edit')}
        onOk={() => void save()}
        onCancel={() => setEditing(undefined)}
        okText={t('common.save')}
        cancelText={t('common.cancel')}
        width={640}
        destroyOnHidden
      >
        {problem && <Alert type="error" showIcon role="alert" title={problem} style={{ marginBottom: 16 }} />}
        <Form form={form} layout="vertical">
          <Form.Item name="pattern" label={t('dialplan.pattern')} extra={t('dialplan.patternHelp')} rules={[{ required: true, message: t('forms.required') }]}>
            <Input />
          </Form.Item>
          <Form.Item name="position" label={t('dialplan.position')}>
            <InputNumber min={0} />
          </Form.Item>
          <Form.Item name="permission" label={t('dialplan.permission')}>
            <Select options={[{ value: 'none', label: t('dialplan.anyone') }, ...PERMISSIONS.map((p) => ({ value: p, label: t(`permissions.${p}`) }))]} />
          </Form.Item>
          <Form.Item name="steps" label={t('dialplan.steps')} extra={t('dialplan.stepsHelp')} rules={[{ required: true, message: t('forms.required') }]}>
            <Input.TextArea rows={8} style={{ fontFamily: 'monospace' }} />
          </Form.Item>
          <Form.Item name="description" label={t('dialplan.description')}>
            <Input />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
