// System status: version and uptime, the listening ports, media workers and RTP range, and a
// summary of the Prometheus metrics (each hailing_* series summed over its labels).
import { Card, Col, Descriptions, Row, Statistic, Table } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Response } from '../api/client';
import { useApi } from '../lib/use-api';
import { formatDateTime, formatDuration, formatNumber } from '../lib/format';
import { ErrorAlert } from '../components/ErrorAlert';
import { MailRelay } from '../components/integrations/MailRelay';

type Status = Response<'/api/v1/system/status', 'get'>;

export default function SystemStatus() {
  const { t } = useTranslation();
  const status = useApi<Status>('/api/v1/system/status');
  const s = status.data;
  return (
    <>
      <ErrorAlert error={status.error} />
      <Row gutter={16} style={{ marginBottom: 16 }}>
        <Col span={6}>
          <Card>
            <Statistic title={t('system.registrations')} value={s?.registrations ?? 0} formatter={(v) => formatNumber(Number(v))} />
          </Card>
        </Col>
        <Col span={6}>
          <Card>
            <Statistic title={t('system.activeCalls')} value={s?.activeCalls ?? 0} formatter={(v) => formatNumber(Number(v))} />
          </Card>
        </Col>
        <Col span={6}>
          <Card>
            <Statistic title={t('system.mediaWorkers')} value={s?.mediaWorkers ?? 0} />
          </Card>
        </Col>
        <Col span={6}>
          <Card>
            <Statistic title={t('system.uptime')} value={formatDuration(s?.uptimeS)} />
          </Card>
        </Col>
      </Row>
      <Card title={t('system.server')} style={{ marginBottom: 16 }}>
        <Descriptions column={2} size="small">
          <Descriptions.Item label={t('system.version')}>{s?.version ?? '—'}</Descriptions.Item>
          <Descriptions.Item label={t('system.startedAt')}>{formatDateTime(s?.startedAt)}</Descriptions.Item>
          <Descriptions.Item label={t('system.sipDomain')}>{s?.sipDomain ?? '—'}</Descriptions.Item>
          <Descriptions.Item label={t('system.publicAddress')}>{s?.publicAddress ?? '—'}</Descriptions.Item>
          <Descriptions.Item label={t('system.rtpPorts')}>{s ? `${s.rtpPorts.min}–${s.rtpPorts.max}` : '—'}</Descriptions.Item>
          <Descriptions.Item label={t('system.node')}>{s?.node ?? '—'}</Descriptions.Item>
        </Descriptions>
      </Card>
      <Row gutter={16}>
        <Col span={10}>
          <Card title={t('system.ports')}>
            <Table
              size="small"
              pagination={false}
              rowKey={(r) => `${r.transport}:${r.address}:${r.port}`}
              dataSource={s?.listening ?? []}
              columns={[
                { title: t('system.transport'), dataIndex: 'transport', render: (v: string) => v.toUpperCase() },
                { title: t('system.address'), dataIndex: 'address' },
                { title: t('system.port'), dataIndex: 'port' },
              ]}
            />
          </Card>
        </Col>
        <Col span={14}>
          <Card title={t('system.metrics')}>
            <Table
              size="small"
              pagination={false}
              rowKey="name"
              dataSource={s?.metrics ?? []}
              columns={[
                { title: t('system.metric'), dataIndex: 'name', render: (v: string, r) => <span title={r.help}>{v}</span> },
                { title: t('system.value'), dataIndex: 'value', align: 'right', render: (v: number) => formatNumber(v, 2) },
              ]}
            />
          </Card>
        </Col>
      </Row>
      <MailRelay />
    </>
  );
}
