// The recordings' master key (docs/data-at-rest.md "Master keys"): the encryption profile of new
// recordings, the current key's id and every id the keyring holds (fingerprints, safe to show: the
// keys themselves are never sent), where they come from, and a rotation with its report. With keys
// from the environment the new key must be added to the variable and the server restarted first;
// the card says so rather than letting the rotation look like it made one.
import { useState } from 'react';
import { Alert, Button, Card, Checkbox, Descriptions, List, Space, Tag, Typography } from 'antd';
import { SyncOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { ApiError, request, type Response } from '../api/client';
import { useApi } from '../lib/use-api';
import { ErrorAlert } from './ErrorAlert';

type Keys = Response<'/api/v1/recordings/keys', 'get'>;
type Rotation = Response<'/api/v1/recordings/keys/rotate', 'post'>;

function RotationReport({ report }: { report: Rotation }) {
  const { t } = useTranslation();
  return (
    <Descriptions bordered size="small" column={2} data-testid="key-rotation-report" title={t('masterKey.report')}>
      <Descriptions.Item label={t('masterKey.currentKeyId')}>
        <code>{report.keyId}</code>
      </Descriptions.Item>
      <Descriptions.Item label={t('masterKey.sealedFiles')}>{report.sealedFiles}</Descriptions.Item>
      <Descriptions.Item label={t('masterKey.rewrapped')}>
        <span data-testid="key-rotation-rewrapped">{report.rewrapped}</span>
      </Descriptions.Item>
      <Descriptions.Item label={t('masterKey.alreadyCurrent')}>{report.alreadyCurrent}</Descriptions.Item>
      <Descriptions.Item label={t('masterKey.plainFiles')}>{report.plainFiles}</Descriptions.Item>
      <Descriptions.Item label={t('masterKey.retired')}>
        <span data-testid="key-rotation-retired">{report.retired.length === 0 ? '—' : report.retired.map((id) => <Tag key={id}>{id}</Tag>)}</span>
      </Descriptions.Item>
      <Descriptions.Item label={t('masterKey.failed')} span={2}>
        {report.failed.length === 0 ? '0' : <List size="small" dataSource={report.failed} renderItem={(f) => <List.Item><code>{f}</code></List.Item>} />}
      </Descriptions.Item>
    </Descriptions>
  );
}

export function MasterKeyCard() {
  const { t } = useTranslation();
  const keys = useApi<Keys>('/api/v1/recordings/keys');
  const [retire, setRetire] = useState(false);
  const [report, setReport] = useState<Rotation>();
  const [problem, setProblem] = useState<string>();
  const [rotating, setRotating] = useState(false);
  const rotate = async () => {
    setRotating(true);
    setProblem(undefined);
    try {
      setReport(await request<Rotation>('/api/v1/recordings/keys/rotate', { method: 'POST', body: { retire } }));
      await keys.reload();
    } catch (err) {
      setProblem(err instanceof ApiError ? err.text : String(err));
    } finally {
      setRotating(false);
    }
  };
  const k = keys.data;
  return (
    <Card size="small" title={t('masterKey.title')} data-testid="master-key">
      <ErrorAlert error={keys.error} />
      {k && (
        <Space direction="vertical" style={{ width: '100%' }}>
          <Descriptions bordered size="small" column={2}>
            <Descriptions.Item label={t('masterKey.encryption')}>
              <span data-testid="master-key-encryption">{t(`masterKey.profiles.${k.encryption}`)}</span>
            </Descriptions.Item>
            <Descriptions.Item label={t('masterKey.source')}>{k.source ? t(`masterKey.sources.${k.source}`) : '—'}</Descriptions.Item>
            <Descriptions.Item label={t('masterKey.currentKeyId')} span={2}>
              <code data-testid="master-key-current">{k.currentKeyId ?? '—'}</code>
            </Descriptions.Item>
            <Descriptions.Item label={t('masterKey.keyIds')} span={2}>
              <span data-testid="master-key-ids">
                {k.keyIds.map((id) => (
                  <Tag key={id} color={id === k.currentKeyId ? 'green' : undefined}>
                    {id}
                  </Tag>
                ))}
              </span>
            </Descriptions.Item>
          </Descriptions>
          {k.source === 'environment' && <Alert type="info" showIcon title={t('masterKey.environmentHint')} />}
          {k.currentKeyId !== null && (
            <Space>
              <Checkbox checked={retire} onChange={(e) => setRetire(e.target.checked)} data-testid="master-key-retire">
                {t('masterKey.retire')}
              </Checkbox>
              <Button icon={<SyncOutlined />} loading={rotating} onClick={() => void rotate()} data-testid="master-key-rotate">
                {t('masterKey.rotate')}
              </Button>
            </Space>
          )}
          <Typography.Text type="secondary">{t('masterKey.rotateHint')}</Typography.Text>
          {problem && <Alert type="error" showIcon role="alert" title={problem} />}
          {report && <RotationReport report={report} />}
        </Space>
      )}
    </Card>
  );
}
