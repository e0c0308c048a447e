// The supervisor wallboard: per queue the callers waiting, the longest wait and the current
// 15-minute interval's service level, ASA, AHT and abandons; agents by state with the time in it;
// the calls in progress; the waiting callers (each can be moved to another queue). Live from the
// ACD's snapshot and deltas (lib/acd-live.ts), with waits and times ticking on the browser's clock.
// `?tv=1` is the large-type face for a screen on the wall: figures only, no controls, no menu.
import { useState } from 'react';
import { App, Badge, Button, Card, Col, Row, Select, Space, Statistic, Table, Tag, Typography } from 'antd';
import { FullscreenOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { ApiError, request } from '../api/client';
import { sinceMs, useAcdFloor, waitedMs, type LiveAgent, type LiveQueue } from '../lib/acd-live';
import { formatDuration, formatNumber } from '../lib/format';
import { useInterval } from '../lib/use-interval';
import { useLocation } from '../lib/router';
import { ErrorAlert } from '../components/ErrorAlert';
import { AgentControls } from '../components/AgentControls';

const STATE_COLOURS: Record<string, string> = { available: 'green', reserved: 'gold', 'on-call': 'blue', 'wrap-up': 'purple', break: 'orange', 'logged-out': 'default' };
const percent = (x: number | null) => (x === null ? '—' : `${formatNumber(x * 100)} %`);
const secondsOf = (ms: number | null) => (ms === null ? null : ms / 1000);

function QueueCard({ queue, wait, tv }: { queue: LiveQueue; wait: number; tv: boolean }) {
  const { t } = useTranslation();
  const f = queue.interval;
  const size = tv ? 56 : 28;
  const fig = (title: string, value: string, testId?: string) => (
    <Col span={tv ? 8 : 4} data-testid={testId}>
      <Statistic title={title} value={value} styles={{ content: { fontSize: size } }} />
    </Col>
  );
  const free = queue.agentsByState['available'] ?? 0;
  return (
    <Card title={<span style={tv ? { fontSize: 36 } : undefined}>{queue.name}</span>} extra={<Tag color={free > 0 ? 'green' : 'red'}>{t('wallboard.free', { n: free })}</Tag>} data-testid={`queue-card-${queue.id}`} style={{ marginBottom: 16 }}>
      <Typography.Text type="secondary">{t('wallboard.intervalNote')}</Typography.Text>
      <Row gutter={16}>
        {fig(t('wallboard.waiting'), String(queue.waiting), `waiting-${queue.id}`)}
        {fig(t('wallboard.longestWait'), formatDuration(wait / 1000))}
        {fig(t('wallboard.serviceLevel'), percent(f.serviceLevel))}
        {fig(t('wallboard.asa'), formatDuration(secondsOf(f.asaMs)))}
        {fig(t('wallboard.aht'), formatDuration(secondsOf(f.ahtMs)))}
        {fig(t('wallboard.abandoned'), String(f.abandoned))}
      </Row>
    </Card>
  );
}

export default function Wallboard() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const tv = new URLSearchParams(useLocation().search).get('tv') === '1';
  const { floor, connected, error } = useAcdFloor();
  const [now, setNow] = useState(Date.now());
  useInterval(() => setNow(Date.now()), 1000);
  const queues = [...floor.queues.values()];
  const agents = [...floor.agents.values()].map((h) => h.item);
  const queueName = (id: string) => floor.queues.get(id)?.item.name ?? id;
  const callers = queues.flatMap((h) => h.item.callers.map((c) => ({ ...c, queueId: h.item.id, waited: waitedMs(h, c.waitMs, now) })));
  const calls = agents.flatMap((a) => a.work.map((w) => ({ ...w, agent: a })));
  const byState = agents.reduce<Record<string, number>>((m, a) => ({ ...m, [a.state]: (m[a.state] ?? 0) + 1 }), {});

  const move = async (interactionId: string, queueId: string) => {
    try {
      await request(`/api/v1/acd/interactions/${encodeURIComponent(interactionId)}/move`, { method: 'POST', body: { queueId } });
    } catch (err) {
      void message.error(err instanceof ApiError ? err.text : String(err));
    }
  };
  const big = tv ? { fontSize: 24 } : undefined;

  return (
    <div style={tv ? { padding: 24, minHeight: '100vh', background: '#f5f5f5' } : undefined} data-testid="wallboard">
      <ErrorAlert error={error} />
      <Space style={{ marginBottom: 16 }} wrap>
        {tv && <Typography.Title style={{ margin: 0 }}>{t('menu.wallboard')}</Typography.Title>}
        <Badge status={connected ? 'success' : 'default'} text={connected ? t('registrations.live') : t('registrations.offline')} data-testid="wallboard-live" />
        {Object.entries(byState).map(([s, n]) => (
          <Tag key={s} color={STATE_COLOURS[s]} style={big} data-testid={`agents-${s}`}>
            {t('wallboard.agentsIn', { state: t(`wallboard.states.${s}`), n })}
          </Tag>
        ))}
        {!tv && (
          <Button icon={<FullscreenOutlined />} href="/wallboard?tv=1" target="_blank">
            {t('wallboard.tv')}
          </Button>
        )}
      </Space>
      {queues.length === 0 && <Typography.Paragraph type="secondary">{t('wallboard.noQueues')}</Typography.Paragraph>}
      {queues.map((h) => (
        <QueueCard key={h.item.id} queue={h.item} wait={waitedMs(h, h.item.longestWaitMs, now) * (h.item.waiting > 0 ? 1 : 0)} tv={tv} />
      ))}
      <Card title={t('wallboard.agents')} style={{ marginBottom: 16 }}>
            <Table<LiveAgent>
              rowKey="id"
              size={tv ? 'large' : 'small'}
              pagination={false}
              scroll={{ x: 'max-content' }}
              dataSource={agents}
              data-testid="wallboard-agents"
              columns={[
                { title: t('acd.agent.name'), dataIndex: 'name', render: (n: string) => <span style={big}>{n}</span> },
                { title: t('acd.agent.extension'), dataIndex: 'extension' },
                {
                  title: t('wallboard.state'),
                  key: 'state',
                  render: (_: unknown, a: LiveAgent) => (
                    <Tag color={STATE_COLOURS[a.state]} style={big} data-testid={`agent-state-${a.id}`} data-state={a.state}>
                      {t(`wallboard.states.${a.state}`)}
                      {a.breakReason ? ` (${a.breakReason})` : ''}
                    </Tag>
                  ),
                },
                { title: t('wallboard.inState'), key: 'since', render: (_: unknown, a: LiveAgent) => <span style={big}>{formatDuration(sinceMs(floor, a.since, now) / 1000)}</span> },
                { title: t('acd.agent.queues'), key: 'queues', render: (_: unknown, a: LiveAgent) => a.queues.map((q) => <Tag key={q}>{queueName(q)}</Tag>) },
                { title: t('wallboard.calls'), dataIndex: 'calls' },
                ...(tv ? [] : [{ title: t('common.actions'), key: 'actions', render: (_: unknown, a: LiveAgent) => <AgentControls agentId={a.id} name={a.name} /> }]),
              ]}
            />
      </Card>
      <Row gutter={16}>
        <Col xs={24} xl={12}>
          <Card title={t('wallboard.inProgress')} style={{ marginBottom: 16 }}>
            <Table
              rowKey="interactionId"
              size={tv ? 'large' : 'small'}
              pagination={false}
              scroll={{ x: 'max-content' }}
              dataSource={calls}
              data-testid="wallboard-calls"
              columns={[
                { title: t('acd.agent.name'), key: 'agent', render: (_: unknown, c: (typeof calls)[number]) => c.agent.name },
                { title: t('wallboard.caller'), dataIndex: 'caller' },
                { title: t('acd.agent.queue'), key: 'queue', render: (_: unknown, c: (typeof calls)[number]) => queueName(c.queueId) },
                { title: t('wallboard.talking'), key: 'talk', render: (_: unknown, c: (typeof calls)[number]) => (c.answeredAt === null ? '—' : formatDuration(sinceMs(floor, c.answeredAt, now) / 1000)) },
              ]}
            />
          </Card>
        </Col>
        <Col xs={24} xl={12}>
          <Card title={t('wallboard.waitingCallers')} style={{ marginBottom: 16 }}>
            <Table
              rowKey="id"
              size={tv ? 'large' : 'small'}
              pagination={false}
              scroll={{ x: 'max-content' }}
              dataSource={callers}
              data-testid="wallboard-callers"
              columns={[
                { title: t('acd.agent.queue'), key: 'queue', render: (_: unknown, c: (typeof callers)[number]) => queueName(c.queueId) },
                { title: t('wallboard.caller'), dataIndex: 'caller' },
                { title: t('wallboard.position'), dataIndex: 'position' },
                { title: t('wallboard.priority'), dataIndex: 'priority' },
                { title: t('wallboard.waited'), key: 'waited', render: (_: unknown, c: (typeof callers)[number]) => formatDuration(c.waited / 1000) },
                ...(tv
                  ? []
                  : [
                      {
                        title: t('wallboard.moveTo'),
                        key: 'move',
                        render: (_: unknown, c: (typeof callers)[number]) => (
                          <Select size="small" style={{ width: 140 }} placeholder={t('wallboard.moveTo')} options={queues.filter((h) => h.item.id !== c.queueId).map((h) => ({ value: h.item.id, label: h.item.name }))} onChange={(q: string) => void move(c.id, q)} data-testid={`move-${c.id}`} />
                        ),
                      },
                    ]),
              ]}
            />
          </Card>
        </Col>
      </Row>
    </div>
  );
}
