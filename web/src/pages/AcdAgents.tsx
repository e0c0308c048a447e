// ACD agents: name, extension, the write-only PIN for *50/*51 (required for a new agent, kept when
// left empty), skills with their levels; and per agent its queue memberships (penalty tier, weight),
// added and removed in the row's expansion.
import { useState, type Key } from 'react';
import { App, Button, Form, Input, InputNumber, Select, Space, Table, Tag, Typography } from 'antd';
import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { ApiError, request, type RequestBody, type Response } from '../api/client';
import { useApi } from '../lib/use-api';
import { useCrud } from '../lib/use-crud';
import { CrudModal } from '../components/CrudModal';
import { ErrorAlert } from '../components/ErrorAlert';
import { RowActions } from '../components/RowActions';

type List = Response<'/api/v1/acd/agents', 'get'>;
type Agent = List['items'][number];
type Write = RequestBody<'/api/v1/acd/agents', 'post'>;
type Memberships = Response<'/api/v1/acd/memberships', 'get'>;
type Membership = Memberships['items'][number];
type Queues = Response<'/api/v1/acd/queues', 'get'>;
type Skills = Response<'/api/v1/acd/skills', 'get'>;
interface AgentForm extends Omit<Write, 'skills'> {
  skills?: { skill: string; level: number }[];
}
const FIELDS = ['id', 'name', 'extension', 'pin', 'skills', 'maxMissed', 'team', 'capacity'];

function toBody(v: AgentForm): Write {
  const { skills, pin, ...rest } = v;
  return { ...rest, ...(pin ? { pin } : {}), skills: Object.fromEntries((skills ?? []).map((s) => [s.skill, s.level])) } as Write;
}

function MembershipsOf({ agent, memberships, queues, reload }: { agent: Agent; memberships: readonly Membership[]; queues: Queues['items']; reload: () => Promise<void> }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ queueId: string; penalty: number }>();
  const mine = memberships.filter((m) => m.agentId === agent.id);
  const call = async (fn: () => Promise<unknown>) => {
    try {
      await fn();
      form.resetFields();
    } catch (err) {
      void message.error(err instanceof ApiError ? err.text : String(err));
    }
    await reload();
  };
  return (
    <Space orientation="vertical" data-testid={`memberships-${agent.id}`}>
      <Space wrap>
        {mine.length === 0 && <Typography.Text type="secondary">{t('acd.agent.noQueues')}</Typography.Text>}
        {mine.map((m) => (
          <Tag key={m.queueId} closable onClose={() => void call(() => request(`/api/v1/acd/memberships/${agent.id}/${m.queueId}`, { method: 'DELETE' }))}>
            {t('acd.agent.membership', { queue: queues.find((q) => q.id === m.queueId)?.name ?? m.queueId, penalty: m.penalty })}
          </Tag>
        ))}
      </Space>
      <Form form={form} layout="inline" initialValues={{ penalty: 0 }} onFinish={(v) => void call(() => request('/api/v1/acd/memberships', { method: 'POST', body: { agentId: agent.id, ...v } }))}>
        <Form.Item name="queueId" rules={[{ required: true, message: t('forms.required') }]}>
          <Select style={{ width: 200 }} placeholder={t('acd.agent.queue')} options={queues.filter((q) => !mine.some((m) => m.queueId === q.id)).map((q) => ({ value: q.id, label: q.name }))} data-testid={`membership-queue-${agent.id}`} />
        </Form.Item>
        <Form.Item name="penalty" label={t('acd.agent.penalty')} tooltip={t('acd.agent.penaltyHint')}>
          <InputNumber min={0} max={100} />
        </Form.Item>
        <Button htmlType="submit" icon={<PlusOutlined />} data-testid={`membership-add-${agent.id}`}>
          {t('acd.agent.addToQueue')}
        </Button>
      </Form>
    </Space>
  );
}

export default function AcdAgents() {
  const { t } = useTranslation();
  const list = useApi<List>('/api/v1/acd/agents');
  const memberships = useApi<Memberships>('/api/v1/acd/memberships');
  const queues = useApi<Queues>('/api/v1/acd/queues');
  const skills = useApi<Skills>('/api/v1/acd/skills');
  const [expanded, setExpanded] = useState<readonly Key[]>([]);
  const crud = useCrud<Agent, AgentForm>({
    url: '/api/v1/acd/agents',
    fields: FIELDS,
    reload: list.reload,
    body: toBody,
    values: (a) => (a === 'new' ? { maxMissed: 3, skills: [] } : { ...a, skills: Object.entries(a.skills).map(([skill, level]) => ({ skill, level })) }),
  });
  const editing = crud.editing;
  const queueName = (id: string) => queues.data?.items.find((q) => q.id === id)?.name ?? id;

  return (
    <>
      <ErrorAlert error={list.error} />
      <Space style={{ marginBottom: 16 }}>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => crud.open('new')} data-testid="agent-new">
          {t('acd.agent.new')}
        </Button>
      </Space>
      <Table<Agent>
        rowKey="id"
        loading={list.loading && !list.data}
        dataSource={list.data?.items ?? []}
        pagination={false}
        expandable={{
          expandedRowKeys: expanded,
          onExpandedRowsChange: setExpanded,
          expandedRowRender: (a) => <MembershipsOf agent={a} memberships={memberships.data?.items ?? []} queues={queues.data?.items ?? []} reload={memberships.reload} />,
        }}
        columns={[
          { title: t('acd.agent.id'), dataIndex: 'id' },
          { title: t('acd.agent.name'), dataIndex: 'name' },
          { title: t('acd.agent.extension'), dataIndex: 'extension' },
          { title: t('acd.agent.skills'), key: 'skills', render: (_: unknown, a: Agent) => Object.entries(a.skills).map(([s, l]) => <Tag key={s}>{`${s} ${l}`}</Tag>) },
          {
            title: t('acd.agent.queues'),
            key: 'queues',
            render: (_: unknown, a: Agent) => (memberships.data?.items ?? []).filter((m) => m.agentId === a.id).map((m) => <Tag key={m.queueId}>{queueName(m.queueId)}</Tag>),
          },
          { title: t('common.actions'), key: 'actions', render: (_: unknown, a: Agent) => <RowActions onEdit={() => crud.open(a)} deleteTitle={t('acd.agent.confirmDelete', { name: a.name })} onDelete={() => void crud.remove(a).then(memberships.reload)} /> },
        ]}
      />
      <CrudModal crud={crud} title={editing === 'new' ? t('acd.agent.new') : t('acd.agent.edit', { name: editing?.name ?? '' })} width={640}>
        <Space wrap>
          <Form.Item name="id" label={t('acd.agent.id')} tooltip={t('acd.idHint')} rules={[{ required: true, message: t('forms.required') }]}>
            <Input disabled={editing !== 'new'} data-testid="agent-id" />
          </Form.Item>
          <Form.Item name="name" label={t('acd.agent.name')} rules={[{ required: true, message: t('forms.required') }]}>
            <Input data-testid="agent-name" />
          </Form.Item>
          <Form.Item name="extension" label={t('acd.agent.extension')} rules={[{ required: true, message: t('forms.required') }]}>
            <Input inputMode="numeric" data-testid="agent-extension" />
          </Form.Item>
        </Space>
        <Space wrap>
          <Form.Item name="pin" label={t('acd.agent.pin')} tooltip={editing === 'new' ? t('acd.agent.pinHint') : t('acd.agent.pinKept')}>
            <Input.Password autoComplete="new-password" inputMode="numeric" data-testid="agent-pin" />
          </Form.Item>
          <Form.Item name="maxMissed" label={t('acd.agent.maxMissed')} tooltip={t('acd.agent.maxMissedHint')}>
            <InputNumber min={0} max={100} />
          </Form.Item>
          <Form.Item name="team" label={t('acd.agent.team')} tooltip={t('acd.agent.teamHint')} normalize={(v: string) => v || null}>
            <Input data-testid="agent-team" />
          </Form.Item>
          <Form.Item name="capacity" hidden>
            <Input />
          </Form.Item>
        </Space>
        <Form.List name="skills">
          {(rows, { add, remove }, { errors }) => (
            <Form.Item label={t('acd.agent.skills')}>
              {rows.map(({ key, name }) => (
                <Space key={key} align="baseline">
                  <Form.Item name={[name, 'skill']} rules={[{ required: true, message: t('forms.required') }]}>
                    <Select style={{ width: 180 }} options={(skills.data?.items ?? []).map((s) => ({ value: s.name, label: s.name }))} />
                  </Form.Item>
                  <Form.Item name={[name, 'level']} initialValue={50} rules={[{ required: true, message: t('forms.required') }]}>
                    <InputNumber min={1} max={100} addonBefore={t('acd.agent.level')} />
                  </Form.Item>
                  <MinusCircleOutlined onClick={() => remove(name)} aria-label={t('common.delete')} />
                </Space>
              ))}
              <Button type="dashed" onClick={() => add()} icon={<PlusOutlined />}>
                {t('acd.agent.addSkill')}
              </Button>
              <Form.ErrorList errors={errors} />
            </Form.Item>
          )}
        </Form.List>
      </CrudModal>
    </>
  );
}
