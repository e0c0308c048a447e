// Speech models (admin): the supported models from the manifest with what is installed (checksum,
// published or pinned, from a download or an archive), installs in progress (bytes, rate, ETA),
// and the server's refusal of a failed one word for word; install (download from the manifest's URL
// or an archive already on the server, for air-gapped sites), remove, and verify every installed one.
import { useState } from 'react';
import { Alert, App, Button, Form, Input, Modal, Popconfirm, Progress, Space, Table, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { request, type Response } from '../api/client';
import { useApi } from '../lib/use-api';
import { useInterval } from '../lib/use-interval';
import { formatDateTime, formatNumber } from '../lib/format';
import { showServerErrors } from '../lib/form-errors';
import { ErrorAlert } from '../components/ErrorAlert';

type List = Response<'/api/v1/speech/models', 'get'>;
type Model = List['items'][number];
type Verified = Response<'/api/v1/speech/models/verify', 'post'>;

function InstallState({ m }: { m: Model }) {
  const { t } = useTranslation();
  const job = m.install;
  if (job?.state === 'running') {
    const pct = job.total ? Math.round((job.bytes / job.total) * 100) : undefined;
    return (
      <Space direction="vertical" size={0}>
        {pct !== undefined && <Progress percent={pct} size="small" style={{ width: 160 }} />}
        <Typography.Text type="secondary">{t('speech.progress', { bytes: formatNumber(job.bytes / 1e6, 1), rate: formatNumber(job.rate / 1e6, 2), eta: job.etaS === null ? '—' : formatNumber(job.etaS) })}</Typography.Text>
      </Space>
    );
  }
  if (job?.state === 'failed')
    return (
      <Alert type="error" showIcon data-testid={`refused-${m.model.name}`} title={t('speech.refused')} description={job.code ? `${job.error ?? ''} (${job.code})` : job.error} />
    );
  if (m.installed)
    return (
      <Space direction="vertical" size={0} data-testid={`installed-${m.model.name}`}>
        <Tag color="green">{t('speech.installedTag')}</Tag>
        <Typography.Text type="secondary">
          {t(`speech.checksum.${m.installed.checksumSource}`)} · {t(`speech.source.${m.installed.source}`)} · {formatDateTime(m.installed.installedAt)}
        </Typography.Text>
        <Typography.Text code>{m.installed.sha256.slice(0, 16)}…</Typography.Text>
      </Space>
    );
  return <Tag>{t('speech.notInstalled')}</Tag>;
}

export default function SpeechModels() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const list = useApi<List>('/api/v1/speech/models');
  const { reload } = list;
  // a running install reports its progress in the list only: ask again while one runs
  const running = list.data?.items.some((m) => m.install?.state === 'running') ?? false;
  useInterval(() => void (running && reload()), 1000);
  const [installing, setInstalling] = useState<Model>();
  const [form] = Form.useForm<{ from?: string }>();
  const [problem, setProblem] = useState<string>();
  const [verified, setVerified] = useState<Verified['items']>();
  const [file, setFile] = useState<File>();

  const install = async () => {
    if (!installing) return;
    const from = (form.getFieldValue('from') as string | undefined)?.trim();
    setProblem(undefined);
    const base = `/api/v1/speech/models/${encodeURIComponent(installing.model.name)}`;
    try {
      // an uploaded archive, else one already on the server, else the download from the manifest's URL
      if (file) await request(`${base}/archive`, { method: 'PUT', upload: { file, type: 'application/octet-stream' } });
      else await request(`${base}/install`, { method: 'POST', body: from ? { from } : {} });
      setInstalling(undefined);
      await reload();
    } catch (err) {
      setProblem(showServerErrors(form, err, ['from']));
    }
  };
  const remove = async (m: Model) => {
    try {
      await request(`/api/v1/speech/models/${encodeURIComponent(m.model.name)}`, { method: 'DELETE' });
      void message.success(t('speech.removed'));
      await reload();
    } catch (err) {
      void message.error((err as { text?: string }).text ?? String(err));
    }
  };
  const verify = async () => {
    try {
      setVerified((await request<Verified>('/api/v1/speech/models/verify', { method: 'POST' })).items);
    } catch (err) {
      void message.error((err as { text?: string }).text ?? String(err));
    }
  };

  return (
    <>
      <ErrorAlert error={list.error} />
      <Space style={{ marginBottom: 16 }}>
        <Button onClick={() => void verify()} data-testid="speech-verify">
          {t('speech.verify')}
        </Button>
      </Space>
      {verified && (
        <Alert
          style={{ marginBottom: 16 }}
          type={verified.every((v) => v.problem === null) ? 'success' : 'warning'}
          showIcon
          closable
          data-testid="speech-verified"
          title={verified.length === 0 ? t('speech.nothingInstalled') : t('speech.verified')}
          description={verified.map((v) => (
            <div key={v.name}>
              {v.name}: {v.problem ?? t('speech.ok')}
            </div>
          ))}
        />
      )}
      <Table<Model>
        rowKey={(m) => m.model.name}
        loading={list.loading && !list.data}
        dataSource={list.data?.items ?? []}
        pagination={false}
        scroll={{ x: true }}
        columns={[
          { title: t('speech.name'), key: 'name', render: (_: unknown, m: Model) => <Typography.Text strong>{m.model.name}</Typography.Text> },
          { title: t('speech.kind'), key: 'kind', render: (_: unknown, m: Model) => <Tag>{m.model.kind}</Tag> },
          { title: t('speech.languages'), key: 'languages', render: (_: unknown, m: Model) => m.model.languages.join(', ') },
          { title: t('speech.state'), key: 'state', render: (_: unknown, m: Model) => <InstallState m={m} /> },
          {
            title: t('common.actions'),
            key: 'actions',
            render: (_: unknown, m: Model) => (
              <Space size={4}>
                <Button size="small" disabled={m.install?.state === 'running'} onClick={() => (setProblem(undefined), setFile(undefined), form.resetFields(), setInstalling(m))} data-testid={`install-${m.model.name}`}>
                  {t('speech.install')}
                </Button>
                {m.installed && (
                  <Popconfirm title={t('speech.removeConfirm', { name: m.model.name })} onConfirm={() => remove(m)}>
                    <Button size="small" danger data-testid={`remove-${m.model.name}`}>
                      {t('speech.remove')}
                    </Button>
                  </Popconfirm>
                )}
              </Space>
            ),
          },
        ]}
      />
      <Modal open={installing !== undefined} title={t('speech.installTitle', { name: installing?.model.name ?? '' })} onCancel={() => setInstalling(undefined)} onOk={() => void install()} okText={t('speech.install')}>
        <Typography.Paragraph type="secondary">{t('speech.installHelp', { url: installing?.model.url ?? '' })}</Typography.Paragraph>
        <Form form={form} layout="vertical">
          <Form.Item label={t('speech.upload')}>
            <input type="file" data-testid="speech-file" onChange={(e) => setFile(e.target.files?.[0])} />
          </Form.Item>
          <Form.Item name="from" label={t('speech.from')}>
            <Input placeholder="/srv/models/archive.tar.bz2" disabled={file !== undefined} />
          </Form.Item>
        </Form>
        {problem && <Alert type="error" showIcon title={problem} />}
      </Modal>
    </>
  );
}
