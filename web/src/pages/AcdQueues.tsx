// ACD queues: the list and one form per queue. Plain figures are form fields; the structured ones
// the server checks in depth (skill requirements, widening steps, overflow, exit keys) are JSON, so
// its reason lands under the field that holds them. The id is the queue's key and is fixed once made.
import { Button, Form, Input, InputNumber, Select, Space, Switch, Table, Tag } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { RequestBody, Response } from '../api/client';
import { useApi } from '../lib/use-api';
import { useCrud } from '../lib/use-crud';
import { jsonField } from '../lib/json-field';
import { CrudModal } from '../components/CrudModal';
import { ErrorAlert } from '../components/ErrorAlert';
import { RowActions } from '../components/RowActions';

type List = Response<'/api/v1/acd/queues', 'get'>;
type Queue = List['items'][number];
type Write = RequestBody<'/api/v1/acd/queues', 'post'>;
const JSON_FIELDS = ['requirements', 'widening', 'overflow', 'exitKeys'] as const;
type JsonFields = (typeof JSON_FIELDS)[number];
interface QueueForm extends Omit<Write, JsonFields | 'vip'> {
  requirements?: string;
  widening?: string;
  overflow?: string;
  exitKeys?: string;
  vip?: string;
}
// the server's enums (the console may not import server code): `satisfies` checks each is one the API types accept
const STRATEGIES = ['ring-all', 'longest-idle', 'round-robin', 'fewest-calls', 'least-talk-time', 'random', 'linear', 'weighted-random', 'ring-progressively'] as const satisfies readonly NonNullable<Write['strategy']>[];
const EMPTY = ['never', 'no-members', 'no-available'] as const satisfies readonly NonNullable<Write['joinEmpty']>[];
const WRAP_UP = ['none', 'optional', 'mandatory', 'mandatory-timeout'] as const satisfies readonly NonNullable<Write['wrapUp']>['mode'][];
const FIELDS = ['id', 'name', 'strategy', 'ringTimeoutS', 'progressiveStepS', 'retryS', 'maxWaitS', 'maxLength', 'serviceLevelS', 'shortAbandonS', 'joinEmpty', 'leaveEmpty', 'wrapUp.mode', 'wrapUp.seconds', 'wrapUp.codes', 'vip', 'vipPriority', 'holdPrompt', 'positionPrompt', 'announceEveryS', 'announceSpeech', ...JSON_FIELDS];

function toBody(v: QueueForm): Write {
  const { requirements, widening, overflow, exitKeys, vip, holdPrompt, positionPrompt, wrapUp, ...rest } = v;
  return {
    ...rest,
    requirements: jsonField(requirements || '[]'),
    widening: jsonField(widening || '[]'),
    overflow: jsonField(overflow || 'null'),
    exitKeys: jsonField(exitKeys || '{}'),
    vip: (vip ?? '').split(/[\s,]+/).filter((n) => n !== ''),
    holdPrompt: holdPrompt || null,
    positionPrompt: positionPrompt || null,
    wrapUp: { ...wrapUp, codes: wrapUp?.codes ?? [] },
  } as Write;
}

function toValues(q: Queue | 'new'): Partial<QueueForm> {
  if (q === 'new') return { strategy: 'ring-all', ringTimeoutS: 15, serviceLevelS: 20, shortAbandonS: 5, maxWaitS: 0, maxLength: 0, joinEmpty: 'never', leaveEmpty: 'never', wrapUp: { mode: 'none', seconds: 0, codes: [] }, requirements: '[]', widening: '[]', overflow: 'null', exitKeys: '{}' };
  const { requirements, widening, overflow, exitKeys, vip, ...rest } = q;
  const json = (x: unknown) => JSON.stringify(x, null, 1);
  return { ...(rest as Partial<QueueForm>), requirements: json(requirements), widening: json(widening), overflow: json(overflow), exitKeys: json(exitKeys), vip: vip.join('\n') };
}

export default function AcdQueues() {
  const { t } = useTranslation();
  const list = useApi<List>('/api/v1/acd/queues');
  const crud = useCrud<Queue, QueueForm>({ url: '/api/v1/acd/queues', fields: FIELDS, reload: list.reload, body: toBody, values: toValues });
  const editing = crud.editing;
  const seconds = (name: keyof QueueForm, min = 0) => (
    <Form.Item name={name} label={t(`acd.queue.${name}`)}>
      <InputNumber min={min} max={86400} />
    </Form.Item>
  );
  const json = (name: JsonFields, hint: string) => (
    <Form.Item name={name} label={t(`acd.queue.${name}`)} tooltip={hint}>
      <Input.TextArea rows={2} style={{ fontFamily: 'monospace' }} data-testid={`queue-${name}`} />
    </Form.Item>
  );

  return (
    <>
      <ErrorAlert error={list.error} />
      <Space style={{ marginBottom: 16 }}>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => crud.open('new')} data-testid="queue-new">
          {t('acd.queue.new')}
        </Button>
      </Space>
      <Table<Queue>
        rowKey="id"
        loading={list.loading && !list.data}
        dataSource={list.data?.items ?? []}
        pagination={false}
        columns={[
          { title: t('acd.queue.id'), dataIndex: 'id' },
          { title: t('acd.queue.name'), dataIndex: 'name' },
          { title: t('acd.queue.strategy'), dataIndex: 'strategy', render: (s: string) => t(`acd.strategies.${s}`) },
          { title: t('acd.queue.requirements'), key: 'req', render: (_: unknown, q: Queue) => q.requirements.map((r) => <Tag key={r.skill}>{`${r.skill} ≥ ${r.minLevel}`}</Tag>) },
          { title: t('acd.queue.serviceLevelS'), dataIndex: 'serviceLevelS' },
          { title: t('common.actions'), key: 'actions', render: (_: unknown, q: Queue) => <RowActions onEdit={() => crud.open(q)} deleteTitle={t('acd.queue.confirmDelete', { name: q.name })} onDelete={() => void crud.remove(q)} /> },
        ]}
      />
      <CrudModal crud={crud} title={editing === 'new' ? t('acd.queue.new') : t('acd.queue.edit', { name: editing?.name ?? '' })} width={720}>
        <Space wrap>
          <Form.Item name="id" label={t('acd.queue.id')} tooltip={t('acd.idHint')} rules={[{ required: true, message: t('forms.required') }]}>
            <Input disabled={editing !== 'new'} data-testid="queue-id" />
          </Form.Item>
          <Form.Item name="name" label={t('acd.queue.name')} rules={[{ required: true, message: t('forms.required') }]}>
            <Input data-testid="queue-name" />
          </Form.Item>
          <Form.Item name="strategy" label={t('acd.queue.strategy')}>
            <Select style={{ width: 200 }} options={STRATEGIES.map((s) => ({ value: s, label: t(`acd.strategies.${s}`) }))} />
          </Form.Item>
        </Space>
        <Space wrap>
          {seconds('ringTimeoutS', 1)}
          {seconds('progressiveStepS', 1)}
          {seconds('retryS')}
          {seconds('maxWaitS')}
          <Form.Item name="maxLength" label={t('acd.queue.maxLength')}>
            <InputNumber min={0} max={100000} data-testid="queue-maxLength" />
          </Form.Item>
        </Space>
        <Space wrap>
          {seconds('serviceLevelS', 1)}
          {seconds('shortAbandonS')}
          <Form.Item name="joinEmpty" label={t('acd.queue.joinEmpty')}>
            <Select style={{ width: 170 }} options={EMPTY.map((e) => ({ value: e, label: t(`acd.empty.${e}`) }))} />
          </Form.Item>
          <Form.Item name="leaveEmpty" label={t('acd.queue.leaveEmpty')}>
            <Select style={{ width: 170 }} options={EMPTY.map((e) => ({ value: e, label: t(`acd.empty.${e}`) }))} />
          </Form.Item>
        </Space>
        <Space wrap>
          <Form.Item name={['wrapUp', 'mode']} label={t('acd.queue.wrapUpMode')}>
            <Select style={{ width: 200 }} options={WRAP_UP.map((m) => ({ value: m, label: t(`acd.wrapUp.${m}`) }))} />
          </Form.Item>
          <Form.Item name={['wrapUp', 'seconds']} label={t('acd.queue.wrapUpSeconds')}>
            <InputNumber min={0} max={86400} />
          </Form.Item>
          <Form.Item name={['wrapUp', 'codes']} label={t('acd.queue.wrapUpCodes')}>
            <Select mode="tags" style={{ minWidth: 200 }} tokenSeparators={[',']} />
          </Form.Item>
        </Space>
        <Space wrap>
          <Form.Item name="holdPrompt" label={t('acd.queue.holdPrompt')}>
            <Input placeholder="hold.wav" />
          </Form.Item>
          <Form.Item name="positionPrompt" label={t('acd.queue.positionPrompt')}>
            <Input placeholder="position.wav" />
          </Form.Item>
          {seconds('announceEveryS')}
          <Form.Item name="announceSpeech" label={t('acd.queue.announceSpeech')} valuePropName="checked">
            <Switch />
          </Form.Item>
        </Space>
        <Space wrap align="start">
          <Form.Item name="vip" label={t('acd.queue.vip')} tooltip={t('acd.queue.vipHint')}>
            <Input.TextArea rows={2} />
          </Form.Item>
          <Form.Item name="vipPriority" label={t('acd.queue.vipPriority')}>
            <InputNumber min={0} max={100} />
          </Form.Item>
        </Space>
        {json('requirements', t('acd.queue.requirementsHint'))}
        {json('widening', t('acd.queue.wideningHint'))}
        {json('overflow', t('acd.queue.overflowHint'))}
        {json('exitKeys', t('acd.queue.exitKeysHint'))}
      </CrudModal>
    </>
  );
}
