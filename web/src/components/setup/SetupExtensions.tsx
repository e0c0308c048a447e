// Setup step 2: the first extensions, a count numbered up from a starting number; the server makes
// each a random password and returns it once, so the table here is the only place it is shown.
import { useState } from 'react';
import { Alert, Button, Form, Input, InputNumber, Space, Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { request, type RequestBody, type Response } from '../../api/client';
import { showServerErrors } from '../../lib/form-errors';

type Create = RequestBody<'/api/v1/setup/extensions', 'post'>;
type Created = Response<'/api/v1/setup/extensions', 'post'>;
type Row = Created['items'][number];

export function SetupExtensions({ domain, onCreated }: { domain: string; onCreated: (items: Row[]) => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<Create>();
  const [created, setCreated] = useState<Row[]>();
  const [problem, setProblem] = useState<string>();
  const [saving, setSaving] = useState(false);

  const create = async (values: Create) => {
    setSaving(true);
    setProblem(undefined);
    try {
      const r = await request<Created>('/api/v1/setup/extensions', { method: 'POST', body: values });
      setCreated(r.items);
      onCreated(r.items);
    } catch (err) {
      setProblem(showServerErrors(form, err, ['start', 'count']));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Form form={form} layout="inline" initialValues={{ start: '1001', count: 5 }} onFinish={(v) => void create(v)} style={{ rowGap: 8 }}>
        <Form.Item name="start" label={t('setup.start')} rules={[{ required: true, message: t('forms.required') }]}>
          <Input style={{ width: 140 }} />
        </Form.Item>
        <Form.Item name="count" label={t('setup.count')} rules={[{ required: true, message: t('forms.required') }]}>
          <InputNumber min={1} max={50} />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={saving} data-testid="setup-create">
          {t('setup.create')}
        </Button>
      </Form>
      {problem && <Alert type="error" showIcon title={problem} />}
      {created && (
        <>
          <Alert type="warning" showIcon title={t('setup.shownOnce')} description={t('setup.phoneSettings', { domain })} />
          <Table<Row>
            size="small"
            rowKey="number"
            pagination={false}
            dataSource={created}
            data-testid="setup-created"
            columns={[
              { title: t('setup.number'), dataIndex: 'number' },
              { title: t('setup.password'), dataIndex: 'password', render: (v: string) => <Typography.Text code copyable>{v}</Typography.Text> },
            ]}
          />
        </>
      )}
    </Space>
  );
}
