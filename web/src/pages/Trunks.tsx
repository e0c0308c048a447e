// Carrier trunks: the list with each trunk's live status (registered, OPTIONS health, calls in
// progress), and one form for a registration or an ip trunk. The carrier password is write-only:
// the form leaves it empty and an empty field keeps the stored one.
import { Badge, Button, Checkbox, Form, Input, InputNumber, Select, Space, Switch, Table, Tag } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { RequestBody, Response } from '../api/client';
import { useApi } from '../lib/use-api';
import { useInterval } from '../lib/use-interval';
import { useCrud } from '../lib/use-crud';
import { CrudModal } from '../components/CrudModal';
import { ErrorAlert } from '../components/ErrorAlert';
import { RowActions } from '../components/RowActions';

type List = Response<'/api/v1/trunks', 'get'>;
type Trunk = List['items'][number];
type Write = RequestBody<'/api/v1/trunks', 'post'>;
interface TrunkForm extends Omit<Write, 'addresses' | 'callerId'> {
  addresses?: string;
  callerIdPresentation: 'from' | 'pai' | 'rpid';
  callerIdNumber?: string;
}
const CODECS = ['PCMA', 'PCMU', 'G722', 'opus'] as const;
const FIELDS = ['name', 'kind', 'host', 'port', 'transport', 'tls.verify', 'tls.ca', 'tls.serverName', 'username', 'authUsername', 'secret', 'addresses', 'codecs', 'numberFormat', 'maxCalls', 'optionsIntervalS', 'setupTimeoutMs', 'registerExpiresS', 'enabled'];

function toBody(v: TrunkForm): Write {
  const { addresses, callerIdPresentation, callerIdNumber, secret, ...rest } = v;
  return {
    ...rest,
    ...(secret ? { secret } : {}),
    addresses: (addresses ?? '').split(/[\s,]+/).filter((a) => a !== ''),
    callerId: { presentation: callerIdPresentation, number: callerIdNumber || null },
  } as Write;
}

function StatusCell({ trunk }: { trunk: Trunk }) {
  const { t } = useTranslation();
  const s = trunk.status;
  if (!trunk.enabled) return <Tag>{t('trunks.disabled')}</Tag>;
  if (s === null) return <Tag>—</Tag>;
  return (
    <Space size={4} wrap>
      {trunk.kind === 'register' && <Badge status={s.registered ? 'success' : 'error'} text={t(s.registered ? 'trunks.registered' : 'trunks.notRegistered')} />}
      {s.up !== null && <Badge status={s.up ? 'success' : 'error'} text={t(s.up ? 'trunks.up' : 'trunks.down')} />}
      {s.lastOptionsRttMs !== null && <Tag>{t('trunks.rtt', { ms: Math.round(s.lastOptionsRttMs) })}</Tag>}
      <Tag>{t('trunks.calls', { n: s.callsInProgress, max: s.maxCalls })}</Tag>
    </Space>
  );
}

export default function Trunks() {
  const { t } = useTranslation();
  const list = useApi<List>('/api/v1/trunks');
  useInterval(() => void list.reload(), 5000);
  const crud = useCrud<Trunk, TrunkForm>({
    url: '/api/v1/trunks',
    fields: FIELDS,
    reload: list.reload,
    body: toBody,
    values: (tr) => {
      if (tr === 'new') return { kind: 'register', tls: { verify: true, ca: null, serverName: null }, codecs: ['PCMA', 'PCMU'], numberFormat: 'as-routed', callerIdPresentation: 'from', enabled: true, maxCalls: 30, optionsIntervalS: 30, setupTimeoutMs: 3000, registerExpiresS: 600 };
      const { addresses, callerId, status: _s, hasSecret: _h, id: _i, createdAt: _c, updatedAt: _u, ...rest } = tr;
      return { ...(rest as Partial<TrunkForm>), addresses: addresses.join('\n'), callerIdPresentation: callerId.presentation, callerIdNumber: callerId.number ?? undefined };
    },
  });
  const kind = Form.useWatch('kind', crud.form);
  const transport = Form.useWatch('transport', crud.form);
  const editing = crud.editing;

  return (
    <>
      <ErrorAlert error={list.error} />
      <Space style={{ marginBottom: 16 }}>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => crud.open('new')} data-testid="trunk-new">
          {t('trunks.new')}
        </Button>
        {list.data && <Tag data-testid="unknown-did-calls">{t('trunks.unknownDidCalls', { n: list.data.unknownDidCalls })}</Tag>}
      </Space>
      <Table<Trunk>
        rowKey="id"
        loading={list.loading && !list.data}
        dataSource={list.data?.items ?? []}
        pagination={false}
        columns={[
          { title: t('trunks.name'), dataIndex: 'name' },
          { title: t('trunks.kind'), dataIndex: 'kind', render: (k: string) => t(`trunks.kinds.${k}`) },
          { title: t('trunks.host'), key: 'host', render: (_: unknown, tr: Trunk) => `${tr.host}${tr.port ? `:${tr.port}` : ''}${tr.transport ? ` (${tr.transport})` : ''}` },
          { title: t('trunks.status'), key: 'status', render: (_: unknown, tr: Trunk) => <StatusCell trunk={tr} /> },
          { title: t('common.actions'), key: 'actions', render: (_: unknown, tr: Trunk) => <RowActions onEdit={() => crud.open(tr)} deleteTitle={t('trunks.confirmDelete', { name: tr.name })} onDelete={() => void crud.remove(tr)} /> },
        ]}
      />
      <CrudModal crud={crud} title={editing === 'new' ? t('trunks.new') : t('trunks.edit', { name: editing?.name ?? '' })} width={640}>
          <Space wrap>
            <Form.Item name="name" label={t('trunks.name')} rules={[{ required: true, message: t('forms.required') }]}>
              <Input data-testid="trunk-name" />
            </Form.Item>
            <Form.Item name="kind" label={t('trunks.kind')}>
              <Select style={{ width: 200 }} options={(['register', 'ip'] as const).map((k) => ({ value: k, label: t(`trunks.kinds.${k}`) }))} data-testid="trunk-kind" />
            </Form.Item>
            <Form.Item name="enabled" label={t('trunks.enabled')} valuePropName="checked">
              <Switch />
            </Form.Item>
          </Space>
          <Space wrap>
            <Form.Item name="host" label={t('trunks.host')} rules={[{ required: true, message: t('forms.required') }]}>
              <Input data-testid="trunk-host" />
            </Form.Item>
            <Form.Item name="port" label={t('trunks.port')} tooltip={t('trunks.portHint')}>
              <InputNumber min={1} max={65535} />
            </Form.Item>
            <Form.Item name="transport" label={t('trunks.transport')}>
              <Select allowClear style={{ width: 110 }} options={['udp', 'tcp', 'tls'].map((v) => ({ value: v, label: v.toUpperCase() }))} />
            </Form.Item>
          </Space>
          {transport === 'tls' && (
            <>
              <Space wrap>
                <Form.Item name={['tls', 'verify']} label={t('trunks.tlsVerify')} tooltip={t('trunks.tlsVerifyHint')} valuePropName="checked">
                  <Switch data-testid="trunk-tls-verify" />
                </Form.Item>
                <Form.Item name={['tls', 'serverName']} label={t('trunks.tlsServerName')} tooltip={t('trunks.tlsServerNameHint')} normalize={(v: string) => v || null}>
                  <Input />
                </Form.Item>
              </Space>
              <Form.Item name={['tls', 'ca']} label={t('trunks.tlsCa')} tooltip={t('trunks.tlsCaHint')} normalize={(v: string) => v || null}>
                <Input.TextArea rows={3} placeholder="-----BEGIN CERTIFICATE-----" data-testid="trunk-tls-ca" />
              </Form.Item>
            </>
          )}
          {kind === 'register' ? (
            <Space wrap>
              <Form.Item name="username" label={t('trunks.username')}>
                <Input data-testid="trunk-username" />
              </Form.Item>
              <Form.Item name="authUsername" label={t('trunks.authUsername')}>
                <Input />
              </Form.Item>
              <Form.Item name="secret" label={t('trunks.secret')} tooltip={editing !== 'new' && editing?.hasSecret ? t('trunks.secretKept') : undefined}>
                <Input.Password autoComplete="new-password" data-testid="trunk-secret" />
              </Form.Item>
              <Form.Item name="registerExpiresS" label={t('trunks.registerExpiresS')}>
                <InputNumber min={30} max={86400} />
              </Form.Item>
            </Space>
          ) : (
            <Form.Item name="addresses" label={t('trunks.addresses')} tooltip={t('trunks.addressesHint')}>
              <Input.TextArea rows={2} data-testid="trunk-addresses" />
            </Form.Item>
          )}
          <Form.Item name="codecs" label={t('trunks.codecs')}>
            <Checkbox.Group options={CODECS.map((c) => ({ value: c, label: c }))} />
          </Form.Item>
          <Space wrap>
            <Form.Item name="numberFormat" label={t('trunks.numberFormat')}>
              <Select style={{ width: 200 }} options={(['as-routed', 'e164', 'e164-digits'] as const).map((f) => ({ value: f, label: t(`trunks.numberFormats.${f}`) }))} />
            </Form.Item>
            <Form.Item name="callerIdPresentation" label={t('trunks.callerId')}>
              <Select style={{ width: 220 }} options={(['from', 'pai', 'rpid'] as const).map((p) => ({ value: p, label: t(`trunks.presentations.${p}`) }))} />
            </Form.Item>
            <Form.Item name="callerIdNumber" label={t('trunks.callerIdNumber')}>
              <Input inputMode="numeric" />
            </Form.Item>
          </Space>
          <Space wrap>
            <Form.Item name="maxCalls" label={t('trunks.maxCalls')}>
              <InputNumber min={1} max={10000} />
            </Form.Item>
            <Form.Item name="optionsIntervalS" label={t('trunks.optionsIntervalS')}>
              <InputNumber min={0} max={3600} />
            </Form.Item>
            <Form.Item name="setupTimeoutMs" label={t('trunks.setupTimeoutMs')}>
              <InputNumber min={200} max={32000} step={500} />
            </Form.Item>
          </Space>
      </CrudModal>
    </>
  );
}
