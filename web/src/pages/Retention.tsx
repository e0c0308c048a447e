// Recording retention (docs/data-at-rest.md): the policies that say how long a call's recording is
// kept (direction, disposition, tag, ACD queue → days; where several match, the longest wins), the days for
// calls no policy matches, WORM mode as the server runs it (read-only here: it is configuration), a
// purge run on demand with its report, and the recordings' master key card. Auditors read it all;
// changing policies, purging and rotating need the admin's permissions.
import { useState } from 'react';
import { Alert, Button, Card, Descriptions, Form, Input, InputNumber, Select, Space, Table, Tag } from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { ApiError, request, type RequestBody, type Response } from '../api/client';
import { useApi } from '../lib/use-api';
import { useCrud } from '../lib/use-crud';
import { useSession } from '../lib/session';
import { CrudModal } from '../components/CrudModal';
import { ErrorAlert } from '../components/ErrorAlert';
import { RowActions } from '../components/RowActions';
import { MasterKeyCard } from '../components/MasterKeyCard';

type Settings = Response<'/api/v1/retention', 'get'>;
type Policy = Settings['policies'][number];
type Write = RequestBody<'/api/v1/retention/policies', 'post'>;
type PurgeReport = Response<'/api/v1/retention/purge', 'post'>;
const DIRECTIONS = ['inbound', 'outbound', 'internal'] as const;
const DISPOSITIONS = ['ANSWERED', 'NO ANSWER', 'BUSY', 'FAILED', 'CANCELLED', 'INTERRUPTED'] as const;
const FIELDS = ['name', 'direction', 'disposition', 'tag', 'queue', 'retainDays'];

interface PolicyForm {
  name: string;
  direction?: Write['direction'];
  disposition?: Write['disposition'];
  tag?: string;
  queue?: string;
  retainDays: number;
}

// an empty match field is "any": the server's null
const toBody = (v: PolicyForm): Write => ({ name: v.name, direction: v.direction ?? null, disposition: v.disposition ?? null, tag: v.tag?.trim() || null, queue: v.queue?.trim() || null, retainDays: v.retainDays });

/** the longest retention first: the order in which a call's policy is decided */
const byDays = (a: Policy, b: Policy) => b.retainDays - a.retainDays || a.name.localeCompare(b.name);

function PurgeNow({ onDone }: { onDone: () => void }) {
  const { t } = useTranslation();
  const [report, setReport] = useState<PurgeReport>();
  const [problem, setProblem] = useState<string>();
  const [running, setRunning] = useState(false);
  const run = async () => {
    setRunning(true);
    setProblem(undefined);
    try {
      setReport(await request<PurgeReport>('/api/v1/retention/purge', { method: 'POST' }));
      onDone();
    } catch (err) {
      setProblem(err instanceof ApiError ? err.text : String(err));
    } finally {
      setRunning(false);
    }
  };
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Button danger icon={<DeleteOutlined />} loading={running} onClick={() => void run()} data-testid="retention-purge">
        {t('retention.purge')}
      </Button>
      {problem && <Alert type="error" showIcon role="alert" title={problem} />}
      {report && <Alert type="success" showIcon data-testid="retention-purge-report" title={t('retention.purgeReport', { deleted: report.deleted, held: report.held, failed: report.failed })} />}
    </Space>
  );
}

export default function Retention() {
  const { t } = useTranslation();
  const permissions = useSession().session?.permissions ?? [];
  const mayWrite = permissions.includes('retention.write');
  const settings = useApi<Settings>('/api/v1/retention');
  const crud = useCrud<Policy, PolicyForm>({
    url: '/api/v1/retention/policies',
    fields: FIELDS,
    reload: settings.reload,
    body: toBody,
    values: (p) =>
      p === 'new'
        ? { retainDays: 365 }
        : { name: p.name, direction: (p.direction ?? undefined) as PolicyForm['direction'], disposition: (p.disposition ?? undefined) as PolicyForm['disposition'], tag: p.tag ?? undefined, queue: p.queue ?? undefined, retainDays: p.retainDays },
  });
  const editing = crud.editing;
  const data = settings.data;
  const any = <Tag>{t('retention.any')}</Tag>;
  return (
    <>
      <ErrorAlert error={settings.error} />
      {data && (
        <Descriptions bordered size="small" column={2} style={{ marginBottom: 16 }}>
          <Descriptions.Item label={t('retention.worm')}>
            <span data-testid="retention-worm">{data.worm ? <Tag color="red">{t('retention.wormOn')}</Tag> : <Tag>{t('retention.wormOff')}</Tag>}</span>
          </Descriptions.Item>
          <Descriptions.Item label={t('retention.defaultDays')}>
            <span data-testid="retention-default-days">{data.defaultDays === 0 ? t('retention.keptWithoutEnd') : t('retention.days', { n: data.defaultDays })}</span>
          </Descriptions.Item>
        </Descriptions>
      )}
      {data?.worm && <Alert type="warning" showIcon title={t('retention.wormHint')} style={{ marginBottom: 16 }} />}
      {mayWrite && (
        <Space style={{ marginBottom: 16 }}>
          <Button type="primary" icon={<PlusOutlined />} onClick={() => crud.open('new')} data-testid="retention-policy-new">
            {t('retention.new')}
          </Button>
        </Space>
      )}
      <Table<Policy>
        rowKey="id"
        data-testid="retention-policies"
        loading={settings.loading && !data}
        dataSource={[...(data?.policies ?? [])].sort(byDays)}
        pagination={false}
        columns={[
          { title: t('retention.name'), dataIndex: 'name' },
          { title: t('retention.direction'), dataIndex: 'direction', render: (v: string | null) => (v ? t(`retention.directions.${v}`) : any) },
          { title: t('retention.disposition'), dataIndex: 'disposition', render: (v: string | null) => (v ? t(`dispositions.${v}`) : any) },
          { title: t('retention.tag'), dataIndex: 'tag', render: (v: string | null) => (v ? <Tag color="blue">{v}</Tag> : any) },
          { title: t('retention.queue'), dataIndex: 'queue', render: (v: string | null) => v ?? any },
          { title: t('retention.retainDays'), dataIndex: 'retainDays', render: (v: number) => t('retention.days', { n: v }) },
          ...(mayWrite
            ? [{ title: t('common.actions'), key: 'actions', render: (_: unknown, p: Policy) => <RowActions onEdit={() => crud.open(p)} deleteTitle={t('retention.confirmDelete', { name: p.name })} onDelete={() => void crud.remove(p)} /> }]
            : []),
        ]}
      />
      <Alert type="info" showIcon title={t('retention.orderHint')} style={{ marginTop: 12 }} />
      <CrudModal crud={crud} title={editing === 'new' ? t('retention.new') : t('retention.edit', { name: editing?.name ?? '' })}>
        <Form.Item name="name" label={t('retention.name')} rules={[{ required: true, message: t('forms.required') }]}>
          <Input data-testid="retention-policy-name" />
        </Form.Item>
        <Form.Item name="direction" label={t('retention.direction')} extra={t('retention.anyHint')}>
          <Select allowClear options={DIRECTIONS.map((d) => ({ value: d, label: t(`retention.directions.${d}`) }))} />
        </Form.Item>
        <Form.Item name="disposition" label={t('retention.disposition')} extra={t('retention.anyHint')}>
          <Select allowClear options={DISPOSITIONS.map((d) => ({ value: d, label: t(`dispositions.${d}`) }))} />
        </Form.Item>
        <Form.Item name="tag" label={t('retention.tag')} extra={t('retention.anyHint')}>
          <Input data-testid="retention-policy-tag" />
        </Form.Item>
        <Form.Item name="queue" label={t('retention.queue')} extra={t('retention.queueHint')}>
          <Input data-testid="retention-policy-queue" />
        </Form.Item>
        {/* the range (1 to 36500) is the server's: its reason shows under the field */}
        <Form.Item name="retainDays" label={t('retention.retainDays')} extra={t('retention.retainDaysHint')} rules={[{ required: true, message: t('forms.required') }]}>
          <InputNumber style={{ width: 160 }} />
        </Form.Item>
      </CrudModal>
      <Space direction="vertical" size="large" style={{ width: '100%', marginTop: 24 }}>
        {mayWrite && (
          <Card size="small" title={t('retention.purgeTitle')}>
            <p>{t('retention.purgeHint')}</p>
            <PurgeNow onDone={() => void settings.reload()} />
          </Card>
        )}
        {permissions.includes('recordings.keys') && <MasterKeyCard />}
      </Space>
    </>
  );
}
