// Numbers: inbound DIDs (a number or a range, the trunk it must come from, the dial plan steps it
// runs) and outbound routes (ordered patterns with strip/prepend, the trunks tried in order, the
// class a caller needs). Steps and patterns are JSON, checked by the server, whose reasons show
// next to the field, as on the dial plan screen.
import { Button, Form, Input, Select, Space, Switch, Table, Tabs, Tag } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { Response } from '../api/client';
import { useApi } from '../lib/use-api';
import { jsonField } from '../lib/json-field';
import { useCrud } from '../lib/use-crud';
import { ErrorAlert } from '../components/ErrorAlert';
import { RowActions } from '../components/RowActions';
import { CrudModal } from '../components/CrudModal';

type Dids = Response<'/api/v1/dids', 'get'>;
type Did = Dids['items'][number];
type Routes = Response<'/api/v1/routes', 'get'>;
type Route = Routes['items'][number];
type Trunks = Response<'/api/v1/trunks', 'get'>;
const CLASSES = ['internal', 'local', 'national', 'mobile', 'international', 'emergency'] as const;

interface DidForm {
  number: string;
  last?: string;
  trunkId?: number;
  steps: string;
  description?: string;
}
interface RouteForm {
  name: string;
  patterns: string;
  trunks: number[];
  permission: Route['permission'];
  failoverOn6xx: boolean;
}


function DidTable({ trunks }: { trunks: Trunks['items'] }) {
  const { t } = useTranslation();
  const list = useApi<Dids>('/api/v1/dids');
  const crud = useCrud<Did, DidForm>({
    url: '/api/v1/dids',
    fields: ['number', 'last', 'trunkId', 'steps', 'description'],
    reload: list.reload,
    values: (d) => (d === 'new' ? { steps: '[{"kind": "extension", "number": ""}]' } : { number: d.number, last: d.last, trunkId: d.trunkId ?? undefined, steps: JSON.stringify(d.steps, null, 2), description: d.description ?? undefined }),
    body: (v) => ({ number: v.number, ...(v.last ? { last: v.last } : {}), trunkId: v.trunkId ?? null, steps: jsonField(v.steps), description: v.description || null }),
  });
  const trunkName = (id: number | null) => (id === null ? t('numbers.anyTrunk') : (trunks.find((tr) => tr.id === id)?.name ?? `#${id}`));
  return (
    <>
      <ErrorAlert error={list.error} />
      <Button type="primary" icon={<PlusOutlined />} onClick={() => crud.open('new')} style={{ marginBottom: 16 }} data-testid="did-new">
        {t('numbers.newDid')}
      </Button>
      <Table<Did>
        rowKey="id"
        loading={list.loading}
        dataSource={list.data?.items ?? []}
        pagination={false}
        columns={[
          { title: t('numbers.did'), key: 'number', render: (_: unknown, d: Did) => (d.last !== d.number ? `${d.number} – ${d.last}` : d.number) },
          { title: t('numbers.trunk'), dataIndex: 'trunkId', render: (id: number | null) => trunkName(id) },
          { title: t('numbers.steps'), dataIndex: 'steps', render: (steps: Did['steps']) => steps.map((s, i) => <Tag key={i}>{String(s['kind'])}</Tag>) },
          { title: t('numbers.description'), dataIndex: 'description', render: (v: string | null) => v ?? '' },
          { title: t('common.actions'), key: 'actions', render: (_: unknown, d: Did) => <RowActions onEdit={() => crud.open(d)} deleteTitle={t('numbers.confirmDeleteDid', { number: d.number })} onDelete={() => void crud.remove(d)} /> },
        ]}
      />
      <CrudModal crud={crud} title={t('numbers.did')}>
        <Space wrap>
          <Form.Item name="number" label={t('numbers.first')} rules={[{ required: true, message: t('forms.required') }]}>
            <Input inputMode="numeric" data-testid="did-number" />
          </Form.Item>
          <Form.Item name="last" label={t('numbers.last')}>
            <Input inputMode="numeric" />
          </Form.Item>
          <Form.Item name="trunkId" label={t('numbers.trunk')}>
            <Select allowClear placeholder={t('numbers.anyTrunk')} style={{ width: 180 }} options={trunks.map((tr) => ({ value: tr.id, label: tr.name }))} />
          </Form.Item>
        </Space>
        <Form.Item name="steps" label={t('numbers.steps')} tooltip={t('numbers.stepsHint')} rules={[{ required: true, message: t('forms.required') }]}>
          <Input.TextArea rows={5} style={{ fontFamily: 'monospace' }} data-testid="did-steps" />
        </Form.Item>
        <Form.Item name="description" label={t('numbers.description')}>
          <Input />
        </Form.Item>
      </CrudModal>
    </>
  );
}

function RouteTable({ trunks }: { trunks: Trunks['items'] }) {
  const { t } = useTranslation();
  const list = useApi<Routes>('/api/v1/routes');
  const crud = useCrud<Route, RouteForm>({
    url: '/api/v1/routes',
    fields: ['name', 'patterns', 'trunks', 'permission', 'failoverOn6xx'],
    reload: list.reload,
    values: (r) => (r === 'new' ? { patterns: '[{"pattern": "_0ZX.", "strip": 0, "prepend": ""}]', trunks: [], permission: 'national', failoverOn6xx: false } : { name: r.name, patterns: JSON.stringify(r.patterns, null, 2), trunks: r.trunks, permission: r.permission, failoverOn6xx: r.failoverOn6xx }),
    body: (v) => ({ name: v.name, patterns: jsonField(v.patterns), trunks: v.trunks, permission: v.permission, failoverOn6xx: v.failoverOn6xx }),
  });
  return (
    <>
      <ErrorAlert error={list.error} />
      <Button type="primary" icon={<PlusOutlined />} onClick={() => crud.open('new')} style={{ marginBottom: 16 }} data-testid="route-new">
        {t('numbers.newRoute')}
      </Button>
      <Table<Route>
        rowKey="id"
        loading={list.loading}
        dataSource={list.data?.items ?? []}
        pagination={false}
        columns={[
          { title: t('numbers.routeName'), dataIndex: 'name' },
          { title: t('numbers.patterns'), dataIndex: 'patterns', render: (ps: Route['patterns']) => ps.map((p) => <Tag key={p.pattern}>{p.pattern}</Tag>) },
          { title: t('numbers.trunks'), dataIndex: 'trunks', render: (ids: number[]) => ids.map((id) => trunks.find((tr) => tr.id === id)?.name ?? `#${id}`).join(' → ') },
          { title: t('numbers.permission'), dataIndex: 'permission', render: (p: string) => <Tag>{t(`permissions.${p}`)}</Tag> },
          { title: t('common.actions'), key: 'actions', render: (_: unknown, r: Route) => <RowActions onEdit={() => crud.open(r)} deleteTitle={t('numbers.confirmDeleteRoute', { name: r.name })} onDelete={() => void crud.remove(r)} /> },
        ]}
      />
      <CrudModal crud={crud} title={t('numbers.route')}>
        <Form.Item name="name" label={t('numbers.routeName')} rules={[{ required: true, message: t('forms.required') }]}>
          <Input data-testid="route-name" />
        </Form.Item>
        <Form.Item name="patterns" label={t('numbers.patterns')} tooltip={t('numbers.patternsHint')} rules={[{ required: true, message: t('forms.required') }]}>
          <Input.TextArea rows={4} style={{ fontFamily: 'monospace' }} data-testid="route-patterns" />
        </Form.Item>
        <Form.Item name="trunks" label={t('numbers.trunks')} tooltip={t('numbers.trunksHint')}>
          <Select mode="multiple" options={trunks.map((tr) => ({ value: tr.id, label: tr.name }))} data-testid="route-trunks" />
        </Form.Item>
        <Space wrap>
          <Form.Item name="permission" label={t('numbers.permission')}>
            <Select style={{ width: 180 }} options={CLASSES.map((c) => ({ value: c, label: t(`permissions.${c}`) }))} />
          </Form.Item>
          <Form.Item name="failoverOn6xx" label={t('numbers.failoverOn6xx')} valuePropName="checked">
            <Switch />
          </Form.Item>
        </Space>
      </CrudModal>
    </>
  );
}

export default function Numbers() {
  const { t } = useTranslation();
  const trunks = useApi<Trunks>('/api/v1/trunks');
  const items = trunks.data?.items ?? [];
  return (
    <Tabs
      items={[
        { key: 'dids', label: t('numbers.dids'), children: <DidTable trunks={items} /> },
        { key: 'routes', label: t('numbers.routes'), children: <RouteTable trunks={items} /> },
      ]}
    />
  );
}
