// Setup step 1: the SIP domain and public address as the server runs with them (set in the
// environment, read at start), the listeners, and the reachability check: the server sends a SIP
// OPTIONS to its own public address and UDP port and says whether it came back, and why not.
import { useState } from 'react';
import { Alert, Button, Descriptions, Space, Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { request, type Response } from '../../api/client';
import { ErrorAlert } from '../ErrorAlert';

type State = Response<'/api/v1/setup', 'get'>;
type Reach = Response<'/api/v1/setup/reachability', 'post'>;
type Setting = State['settings'][number];
const MEANING: Record<string, string> = {
  HAILING_SIP_DOMAIN: 'setup.meaningDomain',
  HAILING_PUBLIC_ADDRESS: 'setup.meaningAddress',
  HAILING_SIP_UDP_PORT: 'setup.meaningUdp',
};

export function SetupAddress({ state }: { state: State }) {
  const { t } = useTranslation();
  const [reach, setReach] = useState<Reach>();
  const [checking, setChecking] = useState(false);
  const [error, setError] = useState<Error>();

  const check = async () => {
    setChecking(true);
    setError(undefined);
    try {
      setReach(await request<Reach>('/api/v1/setup/reachability', { method: 'POST' }));
    } catch (err) {
      setError(err as Error);
    } finally {
      setChecking(false);
    }
  };

  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Descriptions bordered size="small" column={1}>
        <Descriptions.Item label={t('setup.sipDomain')}>
          <Typography.Text code data-testid="setup-domain">
            {state.sipDomain}
          </Typography.Text>
        </Descriptions.Item>
        <Descriptions.Item label={t('setup.publicAddress')}>
          <Typography.Text code data-testid="setup-address">
            {state.publicAddress}
          </Typography.Text>
        </Descriptions.Item>
        <Descriptions.Item label={t('setup.listening')}>{state.listening.map((l) => `${l.protocol.toUpperCase()} ${l.port}`).join(', ')}</Descriptions.Item>
      </Descriptions>
      <Typography.Paragraph type="secondary">{t('setup.settingsHelp')}</Typography.Paragraph>
      <Table<Setting>
        size="small"
        rowKey="name"
        pagination={false}
        dataSource={state.settings}
        columns={[
          { title: t('setup.variable'), dataIndex: 'name', render: (v: string) => <Typography.Text code style={{ whiteSpace: 'nowrap' }}>{v}</Typography.Text> },
          { title: t('setup.value'), dataIndex: 'value' },
          // the server's sentence in English; the known variables in the console's language
          { title: t('setup.meaning'), key: 'meaning', render: (_: unknown, s: Setting) => (s.name in MEANING ? t(MEANING[s.name]!) : s.description) },
        ]}
      />
      <Button onClick={() => void check()} loading={checking} data-testid="setup-reach">
        {t('setup.checkReach')}
      </Button>
      <ErrorAlert error={error} />
      {reach && (
        <Alert
          type={reach.reached ? 'success' : 'error'}
          showIcon
          data-testid="setup-reach-result"
          title={reach.reached ? t('setup.reached', { target: reach.target }) : t('setup.notReached', { target: reach.target })}
          description={
            <>
              <div>{reach.reason}</div>
              {reach.warnings.map((w) => (
                <div key={w}>⚠ {w}</div>
              ))}
            </>
          }
        />
      )}
    </Space>
  );
}
