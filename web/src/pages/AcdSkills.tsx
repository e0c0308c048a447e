// ACD skills: the names queues require and agents hold (with a level). Adding is one field; a
// skill a queue still requires cannot be removed, and the server's reason says which queue.
import { useState } from 'react';
import { App, Button, Form, Input, Popconfirm, Space, Table } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { ApiError, request, type RequestBody, type Response } from '../api/client';
import { useApi } from '../lib/use-api';
import { showServerErrors } from '../lib/form-errors';
import { ErrorAlert } from '../components/ErrorAlert';

type List = Response<'/api/v1/acd/skills', 'get'>;
type Skill = List['items'][number];
type Write = RequestBody<'/api/v1/acd/skills', 'post'>;

export default function AcdSkills() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const list = useApi<List>('/api/v1/acd/skills');
  const [form] = Form.useForm<Write>();
  const [problem, setProblem] = useState<string>();

  const add = async (v: Write) => {
    setProblem(undefined);
    try {
      await request('/api/v1/acd/skills', { method: 'POST', body: { name: v.name } });
      form.resetFields();
      await list.reload();
    } catch (err) {
      setProblem(showServerErrors(form, err, ['name']));
    }
  };
  const remove = async (s: Skill) => {
    try {
      await request(`/api/v1/acd/skills/${encodeURIComponent(s.name)}`, { method: 'DELETE' });
    } catch (err) {
      void message.error(err instanceof ApiError ? err.text : String(err));
    }
    await list.reload();
  };

  return (
    <>
      <ErrorAlert error={list.error ?? (problem ? new Error(problem) : undefined)} />
      <Form form={form} layout="inline" onFinish={(v) => void add(v)} style={{ marginBottom: 16 }}>
        <Form.Item name="name" label={t('acd.skill.name')} tooltip={t('acd.idHint')} rules={[{ required: true, message: t('forms.required') }]}>
          <Input data-testid="skill-name" />
        </Form.Item>
        <Button type="primary" htmlType="submit" icon={<PlusOutlined />} data-testid="skill-add">
          {t('acd.skill.add')}
        </Button>
      </Form>
      <Table<Skill>
        rowKey="name"
        loading={list.loading && !list.data}
        dataSource={list.data?.items ?? []}
        pagination={false}
        columns={[
          { title: t('acd.skill.name'), dataIndex: 'name' },
          {
            title: t('common.actions'),
            key: 'actions',
            render: (_: unknown, s: Skill) => (
              <Space>
                <Popconfirm title={t('acd.skill.confirmDelete', { name: s.name })} onConfirm={() => void remove(s)} okText={t('common.delete')} cancelText={t('common.cancel')}>
                  <Button size="small" danger>
                    {t('common.delete')}
                  </Button>
                </Popconfirm>
              </Space>
            ),
          },
        ]}
      />
    </>
  );
}
