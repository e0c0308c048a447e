// The agent workspace (/agent): the signed-in user's ACD agent (GET /api/v1/acd/me), its state
// (log in from the browser, available, break with a reason, log out), the queues it takes calls
// from, the screen-pop of a call offered or in progress, the wrap-up form, and the softphone. The
// ACD's events refresh it at once; a slow poll covers a dropped stream. While logged in from this
// page it posts the heartbeat, so a closed tab logs the agent out (docs/acd.md).
import { useCallback, useEffect, useState } from 'react';
import { Alert, Button, Card, Checkbox, Col, Input, Row, Space, Tag, Typography, message } from 'antd';
import { useTranslation } from 'react-i18next';
import { ApiError, request, type Response } from '../api/client';
import { useApi } from '../lib/use-api';
import { useEvents } from '../lib/events';
import { useInterval } from '../lib/use-interval';
import { ErrorAlert } from '../components/ErrorAlert';
import { ScreenPop, WrapUpForm } from '../components/AgentCall';
import { Softphone } from '../components/Softphone';

type Me = Response<'/api/v1/acd/me', 'get'>;
const STATE_COLOR: Record<string, string> = { available: 'green', reserved: 'orange', 'on-call': 'red', 'wrap-up': 'purple', break: 'gold', 'logged-out': 'default' };
const ACD_EVENTS = ['acd.agent', 'acd.offer', 'acd.connected', 'acd.queue'];

/** the SIP WebSocket listener this page may reach: wss from an https page (no mixed content), else ws first */
function wsUrlOf(me: Me): string | undefined {
  const list = me.softphone?.webSockets ?? [];
  const secure = window.location.protocol === 'https:';
  const pick = list.find((w) => w.transport === (secure ? 'wss' : 'ws')) ?? (secure ? undefined : list.find((w) => w.transport === 'wss'));
  return pick ? `${pick.transport}://${window.location.hostname}:${pick.port}` : undefined;
}

export default function AgentDesk() {
  const { t } = useTranslation();
  const me = useApi<Me>('/api/v1/acd/me');
  const { reload } = me;
  const [toast, holder] = message.useMessage();
  const [reason, setReason] = useState('');
  const [chosen, setChosen] = useState<string[]>();
  const onEvent = useCallback(() => void reload(), [reload]);
  useEvents(ACD_EVENTS, onEvent);
  useInterval(() => void reload(), 10_000);

  const data = me.data;
  const agent = data?.agent;
  // the heartbeat, while this browser's log-in is watched
  useInterval(() => {
    if (agent?.browser) void request(`/api/v1/acd/agents/${agent.id}/heartbeat`, { method: 'POST' }).catch(() => reload());
  }, (data?.heartbeatS ?? 20) * 1000);
  useEffect(() => {
    if (data && chosen === undefined) setChosen(data.queues.filter((q) => q.member).map((q) => q.id));
  }, [data, chosen]);

  if (me.error instanceof ApiError && me.error.status === 404) return <Alert type="info" showIcon title={t('agent.noAgent')} data-testid="no-agent" />;
  if (!data || !agent) return <ErrorAlert error={me.error} />;

  const act = async (body: Record<string, unknown>) => {
    try {
      await request(`/api/v1/acd/agents/${agent.id}/state`, { method: 'POST', body });
      await reload();
    } catch (err) {
      void toast.error(err instanceof ApiError ? err.text : String(err));
    }
  };
  const saveQueues = async () => {
    try {
      await request(`/api/v1/acd/agents/${agent.id}/queues`, { method: 'PUT', body: { queues: chosen ?? [] } });
      void toast.success(t('agent.queues.saved'));
      await reload();
    } catch (err) {
      void toast.error(err instanceof ApiError ? err.text : String(err));
    }
  };
  const loggedIn = agent.state !== 'logged-out';
  const pop = data.offer ?? data.current;

  return (
    <>
      {holder}
      <ErrorAlert error={me.error} />
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={12}>
          <Card size="small" title={t('agent.state.title', { name: agent.name, extension: agent.extension })}>
            <Space direction="vertical" style={{ width: '100%' }}>
              <Space wrap>
                <Tag color={STATE_COLOR[agent.state]} data-testid="agent-state" data-state={agent.state}>
                  {t(`agent.state.${agent.state}`)}
                </Tag>
                {agent.breakReason ? <Typography.Text type="secondary">{agent.breakReason}</Typography.Text> : null}
                {agent.next ? <Typography.Text type="secondary">{t('agent.state.next', { state: t(`agent.state.${agent.next}`) })}</Typography.Text> : null}
              </Space>
              <Space wrap>
                {!loggedIn ? (
                  <Button type="primary" onClick={() => void act({ action: 'login', browser: true })} data-testid="agent-login">
                    {t('agent.state.login')}
                  </Button>
                ) : (
                  <>
                    <Button onClick={() => void act({ action: 'available' })} disabled={agent.state === 'available'} data-testid="agent-available">
                      {t('agent.state.goAvailable')}
                    </Button>
                    <Input placeholder={t('agent.state.reason')} aria-label={t('agent.state.reason')} value={reason} maxLength={32} onChange={(e) => setReason(e.target.value)} style={{ width: 160 }} />
                    <Button onClick={() => void act({ action: 'break', reason: reason || t('agent.state.defaultReason') })} data-testid="agent-break">
                      {t('agent.state.goBreak')}
                    </Button>
                    <Button danger onClick={() => void act({ action: 'logout' })} data-testid="agent-logout">
                      {t('agent.state.logout')}
                    </Button>
                  </>
                )}
              </Space>
            </Space>
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card size="small" title={t('agent.queues.title')}>
            <Space direction="vertical">
              <Checkbox.Group value={chosen ?? []} onChange={(v) => setChosen(v)} options={data.queues.map((q) => ({ value: q.id, label: q.name }))} data-testid="agent-queues" />
              <Button onClick={() => void saveQueues()} data-testid="agent-queues-save">
                {t('agent.queues.save')}
              </Button>
            </Space>
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Softphone extension={agent.extension} wsUrl={wsUrlOf(data)} onHold={(on) => request(`/api/v1/acd/agents/${agent.id}/hold`, { method: 'POST', body: { on } }).then(() => undefined)}
            onTransfer={(target) => request(`/api/v1/acd/agents/${agent.id}/transfer`, { method: 'POST', body: { target } }).then(() => undefined)}
          />
        </Col>
        <Col xs={24} lg={12}>
          {data.wrapUp ? <WrapUpForm agentId={agent.id} wrapUp={data.wrapUp} onDone={() => void reload()} /> : null}
          {pop ? <ScreenPop pop={pop} ringing={data.offer !== null} /> : !data.wrapUp ? <Card size="small"><Typography.Text type="secondary">{t('agent.pop.none')}</Typography.Text></Card> : null}
        </Col>
      </Row>
    </>
  );
}
